#!/usr/bin/env bash
# Usage: scripts/apt-install.sh WHO PACKAGE...
# Installs the Debian packages that are not installed yet (apt-get, through sudo when not
# root), saying so on standard error as "WHO: installing ..."; does nothing when every one is
# installed. The one place ZeroLab's scripts install system packages.
set -euo pipefail
who=$1
shift
need=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
((${#need[@]})) || exit 0
echo "$who: installing ${need[*]} (apt-get)" >&2
sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "$who: need root (or sudo) to install ${need[*]}" >&2; exit 1; }
  sudo="sudo"
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
