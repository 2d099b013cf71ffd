#!/usr/bin/env bash
# Creates .venv-cluster/ with Ray (pinned in requirements/cluster.txt) and the zerolab-cluster
# driver (cluster/: on the environment's path, with the command .venv-cluster/bin/zerolab-cluster),
# for `make cluster-check` and docs/cluster.md; reinstalls Ray when its pin changes. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/venv-requirements.sh .venv-cluster requirements/cluster.txt
venv=$PWD/.venv-cluster
site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
pth=$site/zerolab-cluster.pth
if [ "$(cat "$pth" 2>/dev/null)" != "$PWD/cluster" ]; then
  echo "$PWD/cluster" >"$pth.tmp"
  mv "$pth.tmp" "$pth"
fi
launcher=$venv/bin/zerolab-cluster
body=$(printf '#!/bin/sh\nexec "%s/bin/python" -m zerolab_cluster "$@"\n' "$venv")
if [ "$(cat "$launcher" 2>/dev/null)" != "$body" ]; then
  printf '%s\n' "$body" >"$launcher.tmp"
  chmod +x "$launcher.tmp"
  mv "$launcher.tmp" "$launcher"
fi
