#!/usr/bin/env bash
# Resume after a kill: start a self-play run, kill it with SIGKILL as soon as it has saved a
# checkpoint (and again later), resume it, and check that it finishes with every iteration
# logged exactly once and a loadable network. Part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/zerolab}
dir=$(mktemp -d)/run
trap 'rm -rf "$(dirname "$dir")"' EXIT
args=(train hexapawn --size 3x3 --out "$dir" --iterations 8 --blocks 1 --channels 8 --games 3 --sims 8 --steps 5 --eval-games 2)
for round in 1 2; do
  if [ "$round" = 1 ]; then "$bin" "${args[@]}" >/dev/null 2>&1 & else "$bin" "${args[@]}" --resume >/dev/null 2>&1 & fi
  pid=$!
  target=$((round * 2))
  for _ in $(seq 1 600); do
    n=$(grep -c . "$dir/metrics.jsonl" 2>/dev/null || true)
    if [ -f "$dir/checkpoint/state.json" ] && [ "${n:-0}" -gt "$target" ]; then break; fi
    sleep 0.05
  done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
resumed_at=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["iteration"])' "$dir/checkpoint/state.json")
"$bin" "${args[@]}" --resume >"$dir.out" 2>/dev/null
grep -q "^resuming $dir after iteration $resumed_at (" "$dir.out" || {
  echo "resume-check: the resumed run did not say 'resuming $dir after iteration $resumed_at':" >&2
  cat "$dir.out" >&2
  exit 1
}
python3 - "$dir/metrics.jsonl" <<'PY'
import json, sys
its = [json.loads(l)["iteration"] for l in open(sys.argv[1]) if l.strip()]
assert its == list(range(9)), f"iterations logged: {its}"
print(f"resume-check: killed twice, resumed, {len(its)} measurements, iterations 0..8 each logged once")
PY
test -s "$dir/network.safetensors"
