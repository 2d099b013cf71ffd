#!/usr/bin/env bash
# `zerolab uci` under ThreadSanitizer (make tsan): a scripted session that works the search
# thread against the command thread: `go` then `stop`, `isready` while thinking, `ucinewgame`,
# `setoption` (Hash, EvalFile) and `position` while thinking, `go infinite`/`stop`, a clock,
# `go depth N` run to its end, and `quit` while thinking. Passes when the engine exits with
# status 0, ThreadSanitizer reports nothing, every `go` got exactly one `bestmove`, and every
# line printed is a UCI line.
#   scripts/tsan_check.sh [BINARY]   (default .build-tsan/debug/zerolab, built by make tsan)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build-tsan/debug/zerolab}
[[ -x $bin ]] || { echo "tsan: no binary at $bin (make tsan builds it)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$work/out
: > "$out"

# Waits until the engine has printed `n` bestmove lines (up to 300 s: a sanitized debug build
# searches slowly).
wait_bestmoves() {
  local n=$1 i
  for ((i = 0; i < 3000; i++)); do
    (($(grep -c '^bestmove' "$out" || true) >= n)) && return 0
    sleep 0.1
  done
  echo "tsan: no bestmove number $n within 300 s" >&2
  return 1
}

session() {
  echo uci
  echo isready
  echo ucinewgame
  echo "position startpos"
  echo "go infinite"
  sleep 0.5
  echo isready
  sleep 0.2
  echo stop
  wait_bestmoves 1
  echo ucinewgame
  echo "position startpos moves e2e4 e7e5 g1f3"
  echo "go depth 4"
  wait_bestmoves 2
  echo "go movetime 400"
  sleep 0.1
  echo isready
  echo stop
  echo ucinewgame
  echo "go infinite"
  sleep 0.3
  echo ucinewgame
  echo "go infinite"
  sleep 0.3
  echo "setoption name Hash value 8"
  echo "go infinite"
  sleep 0.3
  echo "setoption name EvalFile value handcrafted"
  echo "go nodes 20000"
  sleep 0.2
  echo "position fen r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1"
  echo "go wtime 2000 btime 2000 winc 20 binc 20"
  sleep 0.3
  echo "setoption name Clear Hash"
  echo "setoption name EvalFile value default"
  echo "go depth 3"
  wait_bestmoves 9
  echo "go infinite"
  sleep 0.5
  echo isready
  echo quit
}

start=$SECONDS
status=0
session | tee "$work/in" | TSAN_OPTIONS="halt_on_error=0 exitcode=66" "$bin" uci >> "$out" 2> "$work/err" || status=$?
seconds=$((SECONDS - start))

fail=0
if ((status != 0)); then
  echo "tsan: zerolab uci exited with status $status" >&2
  fail=1
fi
if grep -q 'WARNING: ThreadSanitizer' "$work/err"; then
  echo "tsan: ThreadSanitizer reports $(grep -c 'WARNING: ThreadSanitizer' "$work/err") problem(s):" >&2
  cat "$work/err" >&2
  fail=1
fi
gos=$(grep -c '^go' "$work/in")
bestmoves=$(grep -c '^bestmove' "$out" || true)
if ((gos != bestmoves)); then
  echo "tsan: $gos go commands but $bestmoves bestmove lines" >&2
  fail=1
fi
if bad=$(grep -vE '^(id (name|author) |option name |info |bestmove ([a-h][1-8][a-h][1-8][nbrq]?|\(none\))( ponder [a-h][1-8][a-h][1-8][nbrq]?)?$|uciok$|readyok$)' "$out"); then
  echo "tsan: lines that are not UCI:" >&2
  echo "$bad" >&2
  fail=1
fi
readyoks=$(grep -c '^readyok' "$out" || true)
verdict=$( ((fail == 0)) && echo "no ThreadSanitizer warning" || echo FAILED)
echo "tsan: $gos searches, $bestmoves bestmoves, $readyoks readyoks, $verdict, ${seconds} s"
exit "$fail"
