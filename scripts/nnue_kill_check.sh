#!/usr/bin/env bash
# NNUE after a kill: SIGKILL `zerolab nnue gen` mid-run and check that every shard it left
# decodes (no partial file under a data name) and that a rerun with the same seed finishes the
# same data as an uninterrupted run; then SIGKILL `zerolab nnue train` after its first
# checkpoint, resume it, and check every epoch is logged exactly once. Part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/zerolab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
shards() { # the data shards in a folder (0 while it does not exist; dot files are not shards)
  { find "$1" -maxdepth 1 -name '[!.]*.zldata' 2>/dev/null || true; } | wc -l
}
gen=(nnue gen --games 8 --nodes 400 --shard-games 1 --seed 5)
"$bin" "${gen[@]}" --out "$tmp/killed" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 400); do
  n=$(shards "$tmp/killed")
  [ "${n:-0}" -ge 3 ] && break
  sleep 0.02
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
left=$(shards "$tmp/killed")
# Every file left under a data name is whole (train refuses truncated or corrupted files).
"$bin" nnue train --data "$tmp/killed" --out "$tmp/t0" --epochs 1 --batch 64 --accumulator 16 >/dev/null
"$bin" "${gen[@]}" --out "$tmp/killed" >/dev/null
"$bin" "${gen[@]}" --out "$tmp/straight" >/dev/null
for f in "$tmp"/straight/*.zldata; do cmp -s "$f" "$tmp/killed/$(basename "$f")" || { echo "nnue-kill-check: $f differs after resume" >&2; exit 1; }; done
[ "$(shards "$tmp/killed")" = 8 ] || { echo "nnue-kill-check: shard count" >&2; exit 1; }

train=(nnue train --data "$tmp/straight" --out "$tmp/run" --epochs 6 --batch 32 --accumulator 16 --threads 1)
"$bin" "${train[@]}" >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  n=$(grep -c . "$tmp/run/metrics.jsonl" 2>/dev/null || true)
  [ "${n:-0}" -ge 2 ] && break
  sleep 0.01
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
"$bin" "${train[@]}" --resume >/dev/null
python3 - "$tmp/run/metrics.jsonl" "$left" <<'PY'
import json, sys
epochs = [json.loads(l)["epoch"] for l in open(sys.argv[1]) if l.strip()]
assert epochs == list(range(1, 7)), f"epochs logged: {epochs}"
print(f"nnue-kill-check: gen killed with {sys.argv[2]} whole shards, resumed to the same 8 shards; train killed, resumed, epochs 1..6 logged once")
PY
