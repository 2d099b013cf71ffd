#!/usr/bin/env bash
# make soak, second half: a long arena match of `zerolab uci` (a separate process, through the
# arena's UCI plumbing) against the built-in engine at a fast time control. It passes when the
# arena exits with status 0, the PGN holds every game, no game ended by an engine failure or
# on time, and no engine process is left behind.
#   scripts/arena_soak.sh [BIN] [GAMES] [TC]   (defaults .build/release/zerolab, 500, 1+0.01)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-.build/release/zerolab}")
games=${2:-500}
tc=${3:-1+0.01}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cat >"$out/zerolab-uci.json" <<JSON
{ "game": "chess", "name": "zerolab-uci", "type": "uci", "command": "$bin", "args": ["uci"], "options": { "Hash": "16" } }
JSON
start=$SECONDS
status=0
"$bin" arena "$out/zerolab-uci.json" zerolab --games "$games" --tc "$tc" --pgn "$out/soak.pgn" >"$out/arena.log" 2>&1 || status=$?
took=$((SECONDS - start))
fail() {
  echo "arena-soak FAILED: $1" >&2
  tail -n 5 "$out/arena.log" >&2
  exit 1
}
[ "$status" -eq 0 ] || fail "the arena exited with status $status"
played=$(grep -c '^\[Result ' "$out/soak.pgn" || true)
[ "$played" -eq "$games" ] || fail "$played games in the PGN, not $games"
# Terminations other than the rules' own endings and the move limit.
bad=$(grep '^\[Termination ' "$out/soak.pgn" | grep -viE 'checkmate|stalemate|repetition|fifty|insufficient|move limit' || true)
[ -z "$bad" ] || fail "$(echo "$bad" | wc -l) games ended otherwise, e.g. $(echo "$bad" | head -n 1)"
if pgrep -f "$bin uci" >/dev/null; then fail "an engine process is still running"; fi
echo "arena-soak: $games games at $tc, zerolab-uci against zerolab, every game ended by the rules or the move limit, no process left; $took s"
echo "arena-soak: $(grep -E 'Score|Elo' "$out/arena.log" | tail -n 1)"
