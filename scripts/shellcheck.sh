#!/usr/bin/env bash
# Installs the Debian package `shellcheck` (the shell script linter `make lint` runs) when it is
# missing. Idempotent.
set -euo pipefail
command -v shellcheck >/dev/null && exit 0
echo "installing shellcheck (apt-get)" >&2
sudo=""
[ "$(id -u)" != 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq shellcheck >/dev/null
