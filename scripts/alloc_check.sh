#!/usr/bin/env bash
# After the first batch the neural core allocates nothing: each loop below runs twice, with
# 100 more iterations the second time, under a malloc-counting LD_PRELOAD shim, and the extra
# iterations may add at most a handful of allocations. The loops: training steps of the
# reference network (`bench nn`), inference passes at batch 1 and at batch 64 (also on two threads,
# which wakes the neural core's worker threads), and the Hexapawn
# learner's optimisation step on a batch (`bench learner`; its self-play, the same in both
# runs, is not counted), and the chess learner's on a compact training set (`bench learner
# --chess-data`). Part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/zerolab}
cc=$(command -v clang || command -v gcc || command -v cc)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$cc" -shared -fPIC -O2 -o "$out/malloc_count.so" scripts/c/malloc_count.c -ldl
net=(--blocks 2 --channels 16 --planes 4 --policy 50 --threads 1)
count() { LD_PRELOAD="$out/malloc_count.so" "$bin" "$@" 2>&1 >/dev/null | sed -n 's/^MALLOC_COUNT //p'; }
failed=0
check() { # name, then the command with ITERATIONS where the iteration count goes (20, then 120)
  local name=$1
  shift
  local a b
  a=$(count "${@//ITERATIONS/20}")
  b=$(count "${@//ITERATIONS/120}")
  echo "alloc-check: $name: $a mallocs for 20, $b for 120: $((b - a)) for 100 more"
  # Allow a handful (the benchmark's own bookkeeping).
  if [ $((b - a)) -gt 10 ]; then
    echo "alloc-check: $name allocates ($((b - a)) mallocs per 100)" >&2
    failed=1
  fi
}
check "training steps (batch 16)" bench nn "${net[@]}" --batch 16 --only train --steps ITERATIONS
check "inference passes at batch 1" bench nn "${net[@]}" --only infer --inference-batch 1 --passes ITERATIONS
check "inference passes at batch 64" bench nn "${net[@]}" --only infer --inference-batch 64 --passes ITERATIONS
# Two threads, with tensors large enough that the neural core's own worker threads take part.
wide=(--blocks 2 --channels 32 --planes 4 --policy 50 --threads 2)
check "training steps (batch 64, 2 threads)" bench nn "${wide[@]}" --batch 64 --only train --steps ITERATIONS
check "inference passes at batch 64 (2 threads)" bench nn "${wide[@]}" --only infer --inference-batch 64 --passes ITERATIONS
check "Hexapawn learner steps" bench learner --size 3x3 --steps ITERATIONS
# The chess learner on a compact set: each drawn position decoded, its moves generated and
# encoded into the minibatch.
"$bin" nnue gen --games 2 --nodes 300 --seed 3 --out "$out/data" >/dev/null 2>&1
check "chess learner steps (compact set)" bench learner --chess-data "$out/data" --steps ITERATIONS
exit $failed
