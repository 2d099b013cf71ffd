#!/usr/bin/env bash
# What a user sees outside a terminal. Errors: an error while a command runs is one line on
# standard error ("Error: ...") with exit status 1 and no usage text; a bad command line gets the
# error and the usage of its own subcommand (exit status 64). Progress: with standard error
# redirected, long work writes plain progress lines (no carriage returns) at once and then every
# 10 s, so logs show life. Part of `make test`.
set -uo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/zerolab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
expect() { # name, expected status, pattern the whole of stderr must match, command...
  local name=$1 status=$2 pattern=$3
  shift 3
  "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [ "$got" != "$status" ] || ! grep -Eq -e "$pattern" "$tmp/err"; then
    echo "cli-check: $name: exit $got (want $status), stderr:" >&2
    sed 's/^/  /' "$tmp/err" >&2
    failed=1
  fi
}
one_line() { # name, pattern, command...: runtime errors are exactly one line
  local name=$1 pattern=$2
  shift 2
  expect "$name" 1 "^Error: $pattern" "$@"
  if [ "$(wc -l <"$tmp/err")" != 1 ] || grep -q "Usage" "$tmp/err"; then
    echo "cli-check: $name: more than the one error line on stderr" >&2
    failed=1
  fi
}
one_line "unknown engine" "unknown engine 'nosuchengine'" "$bin" arena zerolab nosuchengine --games 1
one_line "a text file as a net" "/etc/passwd: not a ZeroLab network file" "$bin" uci --eval-file /etc/passwd
one_line "missing checkpoint" ".*cannot read" "$bin" nnue eval "$tmp/missing.nnue"
expect "bad option value" 64 "Usage: zerolab bench nn" "$bin" bench nn --steps 0
expect "unknown option" 64 "Usage: zerolab arena" "$bin" arena zerolab zerolab-hce --nonsense
# A command accepts only what it does: chess where it knows Hexapawn only, an option that does
# not apply to the game.
for command in solve count; do
  expect "$command chess" 64 "'$command' is for Hexapawn only" "$bin" "$command" chess
done
expect "train chess" 64 "'train' is for Hexapawn only" "$bin" train chess --out "$tmp/x" --budget 1
expect "play chess --size" 64 "--size is for Hexapawn boards" "$bin" play chess --size 3x3
expect "play hexapawn --time" 64 "--time is for chess engines" "$bin" play hexapawn --time 2
# A board too large for the learning metrics is refused at once, and no folder is left behind.
one_line "train 8x8" "the 8x8 board has more than" "$bin" train hexapawn --size 8x8 --out "$tmp/t88" --budget 5
if [ -e "$tmp/t88" ]; then
  echo "cli-check: the refused 8x8 run left $tmp/t88 behind" >&2
  failed=1
fi
"$bin" train hexapawn --size 3x3 --out "$tmp/train" --budget 12 --seed 1 >/dev/null 2>"$tmp/progress"
lines=$(grep -c -E '^(labelling|iteration [0-9])' "$tmp/progress" || true)
if [ "$lines" -lt 2 ] || grep -q $'\r' "$tmp/progress"; then
  echo "cli-check: train with standard error redirected wrote $lines plain progress lines (want 2 or more):" >&2
  sed 's/^/  /' "$tmp/progress" >&2
  failed=1
fi
if [ "$failed" = 0 ]; then echo "cli-check: 11 error checks and the progress check passed"; fi
exit $failed
