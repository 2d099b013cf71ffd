#!/usr/bin/env bash
# Creates .venv/ with python-chess (PyPI package `chess`), pinned in requirements/chess.txt, for
# the differential test; reinstalls when the pin changes. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv-requirements.sh .venv requirements/chess.txt
