#!/usr/bin/env bash
# make notebook: opens notebooks/supervised_vs_selfplay.ipynb in Jupyter on a comparison run
# folder (RUN, default runs/compare-4x4). Installs Jupyter Notebook, pinned in
# requirements/jupyter.txt, into .venv-notebook/ on first use and when the pin changes.
set -euo pipefail
cd "$(dirname "$0")/.."
run=${1:-runs/compare-4x4}
shift || true
if [ ! -f "$run/metrics.jsonl" ]; then
  echo "notebook: $run/metrics.jsonl does not exist; make run writes runs/compare-4x4, or give RUN=<a compare run folder>" >&2
  exit 1
fi
bash scripts/venv-requirements.sh .venv-notebook requirements/jupyter.txt
# Jupyter refuses to run as root unless told (containers and CI machines often are root).
[ "$(id -u)" = 0 ] && set -- --allow-root "$@"
ZEROLAB_RUN=$(cd "$run" && pwd) exec .venv-notebook/bin/jupyter notebook "$@" notebooks/supervised_vs_selfplay.ipynb
