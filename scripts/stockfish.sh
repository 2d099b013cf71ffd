#!/usr/bin/env bash
# Installs the Debian package `stockfish` (/usr/games/stockfish) when it is missing. Idempotent.
set -euo pipefail
[ -x "${STOCKFISH:-/usr/games/stockfish}" ] && exit 0
bash "$(dirname "$0")/apt-install.sh" stockfish stockfish
