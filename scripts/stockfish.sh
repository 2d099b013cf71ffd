#!/usr/bin/env bash
# Installs the Debian package `stockfish` (/usr/games/stockfish) when it is missing. Idempotent.
set -euo pipefail
[ -x "${STOCKFISH:-/usr/games/stockfish}" ] && exit 0
echo "installing stockfish (apt-get)" >&2
sudo=""
[ "$(id -u)" != 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq stockfish >/dev/null
