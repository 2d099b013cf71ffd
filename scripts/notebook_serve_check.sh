#!/usr/bin/env bash
# `make notebook` as a user runs it, without a browser: scripts/notebook.sh starts Jupyter on a
# run folder; the check waits for the server, asks it for the comparison notebook, stops it.
# Usage: notebook_serve_check.sh RUN_FOLDER
set -euo pipefail
cd "$(dirname "$0")/.."
run=$1
py=.venv-notebook/bin/python
# Jupyter is installed first (on a fresh clone), so the wait below is the server's start only.
bash scripts/venv-requirements.sh .venv-notebook requirements/jupyter.txt
port=$($py -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp)
trap 'kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
setsid bash scripts/notebook.sh "$run" --no-browser --ip=127.0.0.1 --port="$port" \
  --IdentityProvider.token=notebook-check >"$log" 2>&1 &
pid=$!
$py - "$port" "$pid" <<'PY' || { echo "notebook_serve_check: the server did not serve the notebook:" >&2; tail -20 "$log" >&2; exit 1; }
import json, os, sys, time, urllib.request
url = f"http://127.0.0.1:{sys.argv[1]}/api/contents/supervised_vs_selfplay.ipynb?token=notebook-check"
for _ in range(240):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            doc = json.load(r)
        assert doc["type"] == "notebook" and doc["content"]["cells"], doc.get("name")
        print("notebook_serve_check: Jupyter serves", doc["name"], "with", len(doc["content"]["cells"]), "cells")
        sys.exit(0)
    except (OSError, ValueError):
        try:
            os.kill(int(sys.argv[2]), 0)
        except OSError:
            sys.exit(1)
        time.sleep(0.5)
sys.exit(1)
PY
kill -INT -- -"$pid" 2>/dev/null || kill "$pid"
