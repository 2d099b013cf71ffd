#!/usr/bin/env bash
# Installs what ZeroLab needs on a Debian machine that has only the Swift toolchain.
# Idempotent: installs nothing that is already there.
set -euo pipefail

bash "$(dirname "$0")/apt-install.sh" setup libopenblas-dev libgmp-dev pkg-config

command -v swift >/dev/null || { echo "setup: the Swift toolchain (swift) is not on PATH" >&2; exit 1; }
