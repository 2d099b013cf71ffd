#!/usr/bin/env bash
# Creates .venv/ with python-chess (PyPI package `chess`) for the differential test, only when
# it is missing. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ] && .venv/bin/python -c "import chess" 2>/dev/null; then exit 0; fi
if ! python3 -m venv .venv 2>/dev/null; then
  echo "venv: installing python3-venv" >&2
  sudo=""
  [ "$(id -u)" != 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
  rm -rf .venv
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check chess
