#!/usr/bin/env bash
# Installs the Debian package `polyglot` (the UCI-to-xboard adapter xboard runs for -fUCI) when
# it is missing. Idempotent.
set -euo pipefail
command -v polyglot >/dev/null || [ -x /usr/games/polyglot ] && exit 0
bash "$(dirname "$0")/apt-install.sh" polyglot polyglot
