#!/usr/bin/env bash
# A training step of the neural core allocates nothing after the first batch: run the training
# benchmark for 20 and for 120 steps under a malloc-counting LD_PRELOAD shim and require that
# the 100 extra steps made (almost) no extra allocations. Part of `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/zerolab}
cc=$(command -v clang || command -v gcc || command -v cc)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$cc" -shared -fPIC -O2 -o "$out/malloc_count.so" scripts/c/malloc_count.c -ldl
count() {
  LD_PRELOAD="$out/malloc_count.so" "$bin" bench nn --blocks 2 --channels 16 --planes 4 --policy 50 \
    --batch 16 --steps "$1" --threads 1 2>&1 >/dev/null | sed -n 's/^MALLOC_COUNT //p'
}
a=$(count 20)
b=$(count 120)
per=$(( (b - a) ))
echo "alloc-check: $a mallocs for 20 training steps, $b for 120: $per for 100 more steps"
# The benchmark's own list of step times grows (amortised); allow a handful.
if [ "$per" -gt 10 ]; then
  echo "alloc-check: a training step allocates ($per mallocs per 100 steps)" >&2
  exit 1
fi
