#!/usr/bin/env bash
# `make install` into a temporary prefix, then what the README promises of the installed
# commands: `zerolab` from any folder (engine names, the shipped net), `zerolab-uci` as a
# program without arguments, and a game driven the way xboard drives a UCI engine (through
# polyglot, installed from Debian when missing), all from a folder outside the clone.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(mktemp -d)
away=$(mktemp -d)
trap 'rm -rf "$prefix" "$away"' EXIT
fail() { echo "gui_check: $*" >&2; exit 1; }

make --no-print-directory install PREFIX="$prefix" >"$away/install.log"
grep -q "installed $prefix/bin/zerolab" "$away/install.log" || fail "make install said: $(cat "$away/install.log")"
grep -q "is not on your PATH" "$away/install.log" || fail "make install gave no PATH hint for a prefix off the PATH"
export PATH="$prefix/bin:$PATH"
cd "$away"

zerolab --version >/dev/null || fail "zerolab --version failed"
out=$(printf 'uci\nisready\n' | zerolab-uci)
grep -q '^uciok$' <<<"$out" || fail "zerolab-uci did not answer uci: $out"
grep -q '^readyok$' <<<"$out" || fail "zerolab-uci did not answer isready"
# The shipped net is the default evaluation from any folder.
grep -q '^option name EvalFile type string default .*/engines/zerolab-nnue.nnue$' <<<"$out" \
  || fail "zerolab-uci from another folder does not default to the shipped net: $(grep EvalFile <<<"$out")"
# Engine names resolve from any folder (the clone's engines/).
out=$(zerolab arena zerolab-d3 zerolab-d3 --games 1 --tc 5+0.1 2>&1) \
  || fail "arena by engine name from another folder: $out"
grep -q '^Result zerolab-d3 vs zerolab-d3' <<<"$out" || fail "arena printed no result: $out"
grep -q ', 20 openings$' <<<"$out" || fail "arena from another folder did not find the clone's openings: $(head -1 <<<"$out")"

bash "$OLDPWD/scripts/polyglot.sh"
polyglot=$(command -v polyglot || echo /usr/games/polyglot)
# xboard's default adapter for -fUCI: polyglot -noini -ec "<engine command>" -ed "<dir>".
out=$( (printf 'xboard\nprotover 2\n'; sleep 1; printf 'new\nst 1\ngo\n'; sleep 3; \
  printf 'usermove e7e5\n'; sleep 3; printf 'quit\n') | timeout 30 "$polyglot" -noini -ec "zerolab uci" -ed . 2>&1)
moves=$(grep -cE '^move [a-h][1-8][a-h][1-8]' <<<"$out" || true)
[ "$moves" = 2 ] || fail "through polyglot, expected two engine moves: $(grep -v '^feature' <<<"$out" | tail -5)"
echo "gui_check: make install, zerolab-uci, engine names and the shipped net from another folder, and two moves through polyglot: ok"
