#!/usr/bin/env bash
# Errors reach the user as they should: an error while a command runs is one line on standard
# error ("Error: ...") with exit status 1 and no usage text; a bad command line gets the error
# and the usage of its own subcommand (exit status 64). Part of `make test`.
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
  if [ "$got" != "$status" ] || ! grep -Eq "$pattern" "$tmp/err"; then
    echo "cli-errors: $name: exit $got (want $status), stderr:" >&2
    sed 's/^/  /' "$tmp/err" >&2
    failed=1
  fi
}
one_line() { # name, pattern, command...: runtime errors are exactly one line
  local name=$1 pattern=$2
  shift 2
  expect "$name" 1 "^Error: $pattern" "$@"
  if [ "$(wc -l <"$tmp/err")" != 1 ] || grep -q "Usage" "$tmp/err"; then
    echo "cli-errors: $name: more than the one error line on stderr" >&2
    failed=1
  fi
}
one_line "unknown engine" "unknown engine 'nosuchengine'" "$bin" arena zerolab nosuchengine --games 1
one_line "a text file as a net" "/etc/passwd: not a ZeroLab network file" "$bin" uci --eval-file /etc/passwd
one_line "missing checkpoint" ".*cannot read" "$bin" nnue eval "$tmp/missing.nnue"
expect "bad option value" 64 "Usage: zerolab bench nn" "$bin" bench nn --steps 0
expect "unknown option" 64 "Usage: zerolab arena" "$bin" arena zerolab zerolab-hce --nonsense
if [ "$failed" = 0 ]; then echo "cli-errors: 5 checks passed"; fi
exit $failed
