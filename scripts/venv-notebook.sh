#!/usr/bin/env bash
# Creates .venv-notebook/ with nbclient, ipykernel, pandas and matplotlib for running notebooks/
# headlessly (scripts/run_notebook.py), and registers its `python3` kernel inside it, only when
# missing. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv-notebook/bin/python
kernel=.venv-notebook/share/jupyter/kernels/python3/kernel.json
if [ -x $py ] && $py -c "import nbclient, ipykernel, pandas, matplotlib" 2>/dev/null \
  && grep -qF "\"$PWD/$py\"" $kernel 2>/dev/null; then exit 0; fi
if ! python3 -m venv .venv-notebook 2>/dev/null; then
  echo "venv-notebook: installing python3-venv" >&2
  sudo=""
  [ "$(id -u)" != 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
  rm -rf .venv-notebook
  python3 -m venv .venv-notebook
fi
if ! $py -c "import nbclient, ipykernel, pandas, matplotlib" 2>/dev/null; then
  echo "venv-notebook: installing nbclient ipykernel pandas matplotlib" >&2
  $py -m pip install --quiet --disable-pip-version-check nbclient ipykernel pandas matplotlib
fi
# The kernel's argv is this venv's python, so the notebook runs with these packages.
$py -m ipykernel install --sys-prefix --name python3 >/dev/null
