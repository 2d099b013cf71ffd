#!/usr/bin/env bash
# make bench-engine: alpha-beta nodes/s of ZeroLab (`zerolab bench engine`, 8 positions at a
# fixed depth, one thread) next to Stockfish 15.1's own `bench` (16 MB, 1 thread, depth 13) on
# this machine. Stockfish's NNUE search does far more per node, so the ratio is only a rough
# speed yardstick. Installs the Debian package `stockfish` when missing.
set -euo pipefail
bin=${1:-.build/release/zerolab}
sf=${STOCKFISH:-/usr/games/stockfish}
bash "$(dirname "$0")/../scripts/stockfish.sh"
ours=$("$bin" bench engine --depth "${DEPTH:-11}" | tee /dev/stderr | sed -n 's/^BENCH engine unit=nodes\/s zerolab=\([0-9]*\).*/\1/p')
theirs=$("$sf" bench 16 1 13 2>&1 >/dev/null | sed -n 's/^Nodes\/second *: *\([0-9]*\).*/\1/p')
echo "stockfish bench 16 1 13: $theirs nodes/s"
python3 -c "print(f'BENCH engine unit=nodes/s zerolab=$ours stockfish=$theirs ratio={$ours / $theirs:.2f}')"
