#!/usr/bin/env bash
# Creates .venv-notebook/ with nbclient, ipykernel, pandas and matplotlib, pinned in
# requirements/notebook.txt, for running notebooks/ headlessly (scripts/run_notebook.py), and
# registers its `python3` kernel inside it; reinstalls when a pin changes. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv-requirements.sh .venv-notebook requirements/notebook.txt
py=.venv-notebook/bin/python
kernel=.venv-notebook/share/jupyter/kernels/python3/kernel.json
# The kernel's argv is this venv's python, so the notebook runs with these packages.
grep -qF "\"$PWD/$py\"" "$kernel" 2>/dev/null || "$py" -m ipykernel install --sys-prefix --name python3 >/dev/null
