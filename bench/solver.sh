#!/usr/bin/env bash
# make bench-solver: exact-solver throughput (positions/s) of ZeroLab and of a plain Python
# solver (bench/peer_solver.py) on the same boards, in the same run.
set -euo pipefail
bin=${1:-.build/release/zerolab}
sizes=${SIZES:-"4x4 5x5"}
for size in $sizes; do
  out=$("$bin" bench solver --size "$size" --repeats 3)
  echo "$out" | grep -v "^BENCH" >&2
  z=$(sed -n 's/.*zerolab=\([0-9]*\).*/\1/p' <<<"$out")
  p=$(python3 bench/peer_solver.py "$size")
  echo "python solver $size: $p" >&2
  pn=$(sed -n 's/.*positions=\([0-9]*\).*/\1/p' <<<"$p")
  pt=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' <<<"$p")
  py=$(python3 -c "print(int($pn / max($pt, 1e-9)))")
  ratio=$(python3 -c "print(f'{$z / $py:.2f}')")
  echo "BENCH solver-$size unit=positions/s zerolab=$z python=$py ratio=$ratio"
done
