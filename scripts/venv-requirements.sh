#!/usr/bin/env bash
# Usage: scripts/venv-requirements.sh VENV REQUIREMENTS...
# Makes the Python environment VENV (installing Debian's python3-venv when Python cannot) and
# installs the exact versions (`name==version`, one a line) the requirements files pin. Idempotent:
# when every pinned package is installed at its pinned version it does nothing; when a pin
# changed or a package is missing, it installs from the files again.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$1
shift
py=$venv/bin/python
if [ ! -x "$py" ]; then
  if ! python3 -m venv "$venv" 2>/dev/null; then
    bash scripts/apt-install.sh "$venv" python3-venv
    rm -rf "$venv"
    python3 -m venv "$venv"
  fi
fi
# Exit status 0: every pin installed as pinned; 1: something to install; 2: a line is not a pin.
status=0
"$py" - "$@" <<'PY' || status=$?
import re
import sys
from importlib.metadata import PackageNotFoundError, version

current = True
for path in sys.argv[1:]:
    for number, line in enumerate(open(path), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        pin = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;=]+)", line)
        if not pin:
            print(f"{path}:{number}: '{line}' is not an exact pin (name==version)", file=sys.stderr)
            sys.exit(2)
        try:
            current = current and version(pin[1]) == pin[2]
        except PackageNotFoundError:
            current = False
sys.exit(0 if current else 1)
PY
case $status in
  0) exit 0 ;;
  1) ;;
  *) exit "$status" ;;
esac
requirements=()
for file in "$@"; do requirements+=(-r "$file"); done
echo "$venv: installing $* (pinned versions)" >&2
"$py" -m pip install --quiet --disable-pip-version-check "${requirements[@]}"
