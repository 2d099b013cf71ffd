#!/usr/bin/env bash
# Installs the Debian package `polyglot` (the UCI-to-xboard adapter xboard runs for -fUCI) when
# it is missing. Idempotent.
set -euo pipefail
command -v polyglot >/dev/null || [ -x /usr/games/polyglot ] && exit 0
echo "installing polyglot (apt-get)" >&2
sudo=""
[ "$(id -u)" != 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq polyglot >/dev/null
