#!/usr/bin/env bash
# Installs the Debian package `shellcheck` (the shell script linter `make lint` runs) when it is
# missing. Idempotent.
set -euo pipefail
command -v shellcheck >/dev/null && exit 0
bash "$(dirname "$0")/apt-install.sh" shellcheck shellcheck
