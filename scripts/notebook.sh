#!/usr/bin/env bash
# make notebook: opens notebooks/supervised_vs_selfplay.ipynb in Jupyter on a comparison run
# folder (RUN, default runs/compare-4x4), or notebooks/compare-chess.ipynb on a folder of
# 'zerolab compare chess' (one with ladder.jsonl). Installs Jupyter Notebook, pinned in
# requirements/jupyter.txt, into .venv-notebook/ on first use and when the pin changes.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/compare-4x4}
shift || true
notebook=notebooks/supervised_vs_selfplay.ipynb
if [ -f "$run/ladder.jsonl" ]; then
  notebook=notebooks/compare-chess.ipynb
elif [ ! -f "$run/metrics.jsonl" ]; then
  echo "notebook: $run/metrics.jsonl does not exist; make run writes runs/compare-4x4, or give RUN=<a compare run folder>" >&2
  exit 1
fi
bash scripts/venv-requirements.sh .venv-notebook requirements/jupyter.txt
# Jupyter refuses to run as root unless told (containers and CI machines often are root).
[ "$(id -u)" = 0 ] && set -- --allow-root "$@"
ZEROLAB_RUN=$(cd "$run" && pwd) exec .venv-notebook/bin/jupyter notebook "$@" "$notebook"
