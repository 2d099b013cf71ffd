#!/usr/bin/env bash
# What a user sees outside a terminal. Errors: an error while a command runs is one line on
# standard error ("Error: ...") with exit status 1 and no usage text; a bad command line gets the
# error and the usage of its own subcommand (exit status 64). Progress: with standard error
# redirected, long work writes plain progress lines (no carriage returns) at once and then every
# 10 s, so logs show life. Part of `make test`.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
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
expect "train chess --size" 64 "--size is for Hexapawn; chess has its board" "$bin" train chess --size 4x4 --out "$tmp/x" \
  --budget 1
expect "train --fast-sims alone" 64 "--fast-sims goes with --full-search" "$bin" train hexapawn --fast-sims 4 \
  --out "$tmp/x" --budget 1
expect "play chess --size" 64 "--size is for Hexapawn boards" "$bin" play chess --size 3x3
expect "play hexapawn --time" 64 "--time is for chess engines" "$bin" play hexapawn --time 2
expect "play hexapawn --move-time" 64 "--move-time is for chess engines" "$bin" play hexapawn --move-time 2
expect "play hexapawn --pgn" 64 "--pgn is for chess games" "$bin" play hexapawn --pgn "$tmp/h.pgn"
one_line "play, unknown Hexapawn engine" "unknown player 'hexapawn-9x9-zero'.*hexapawn-3x3-zero, hexapawn-4x4-zero" \
  "$bin" play hexapawn --black hexapawn-9x9-zero
one_line "play chess, a Hexapawn engine" ".*engines/hexapawn-4x4-zero.json: a hexapawn engine, not a chess engine" \
  "$bin" play chess --white hexapawn-4x4-zero
one_line "play hexapawn, a chess engine" ".*engines/zerolab.json: a chess engine, not a hexapawn engine" \
  "$bin" play hexapawn --white zerolab
touch "$tmp/file"
one_line "play, unwritable --pgn" "cannot write $tmp/file/game.pgn" "$bin" play chess --pgn "$tmp/file/game.pgn"
# Supervised chess: bad options at once (usage), bad data in one line, no folder left behind; a
# resume with other data or a --from network of another shape is refused and the run kept.
expect "supervise chess --size" 64 "--size is for Hexapawn; chess has its board" "$bin" supervise chess --size 4x4 \
  --data "$tmp/file" --out "$tmp/sc"
expect "supervise chess, no --data" 64 "supervise chess needs --data" "$bin" supervise chess --out "$tmp/sc"
expect "supervise hexapawn --data" 64 "--data is for chess" "$bin" supervise hexapawn --data "$tmp/file" --out "$tmp/sc"
expect "supervise hexapawn --holdout" 64 "--holdout, --validation and --lambda are for chess" "$bin" supervise hexapawn \
  --holdout 0.1 --out "$tmp/sc"
expect "supervise chess --holdout 1" 64 "--holdout must be in \[0, 1\)" "$bin" supervise chess --data "$tmp/file" \
  --holdout 1 --out "$tmp/sc"
expect "train hexapawn --from" 64 "--from is for chess" "$bin" train hexapawn --from "$tmp/file" --out "$tmp/x" \
  --budget 1
expect "supervise hexapawn --from" 64 "--from is for chess" "$bin" supervise hexapawn --from "$tmp/file" \
  --out "$tmp/x"
one_line "supervise chess, missing data" "no such data file or folder: $tmp/none" "$bin" supervise chess \
  --data "$tmp/none" --out "$tmp/sc" --iterations 1
one_line "supervise chess, empty data" "$tmp/file: neither a ZeroLab data file nor a PGN file" "$bin" supervise chess \
  --data "$tmp/file" --out "$tmp/sc" --iterations 1
head -c 100 /etc/passwd >"$tmp/bad.pgn"
one_line "supervise chess, not PGN" "$tmp/bad.pgn: not a PGN file" "$bin" supervise chess --data "$tmp/bad.pgn" \
  --out "$tmp/sc" --iterations 1
printf '[Result "1-0"]\n\n1. e4 e5 2. Qh5 Nc6 3. Bc4 Nf6 4. Qxf7# 1-0\n' >"$tmp/g.pgn"
"$bin" nnue gen --games 2 --nodes 300 --seed 3 --out "$tmp/gen" >/dev/null 2>&1
expect "nnue gen --shards past the run" 64 ".*--shards 1..2: 4 games of --shard-games 2 make shards 0..1" \
  "$bin" nnue gen --games 4 --shard-games 2 --out "$tmp/gen-part" --shards 1..2
expect "nnue gen --shards not a range" 64 ".*--shards must be K or K..L" "$bin" nnue gen --games 4 \
  --out "$tmp/gen-part" --shards 2..1
shards=("$tmp/gen/"*.zldata)
cp "${shards[0]}" "$tmp/bad.zldata"
printf '\xff' | dd of="$tmp/bad.zldata" bs=1 seek=40 conv=notrunc 2>/dev/null
one_line "supervise chess, corrupt data" "$tmp/bad.zldata: checksum mismatch" "$bin" supervise chess \
  --data "$tmp/bad.zldata" --out "$tmp/sc" --iterations 1
if [ -e "$tmp/sc" ]; then
  echo "cli-check: a refused supervise chess run left $tmp/sc behind" >&2
  failed=1
fi
"$bin" supervise chess --data "$tmp/g.pgn" --out "$tmp/sc" --iterations 1 --blocks 1 --channels 8 --steps 2 >/dev/null 2>&1
cp "$tmp/sc/network.safetensors" "$tmp/sc.net"
one_line "supervise chess, resumed on other data" "$tmp/sc was trained on other data" "$bin" supervise chess \
  --data "$tmp/gen" --out "$tmp/sc" --iterations 2 --blocks 1 --channels 8 --steps 2 --resume
cmp -s "$tmp/sc/network.safetensors" "$tmp/sc.net" || { echo "cli-check: a refused resume changed the run" >&2; failed=1; }
one_line "train chess --from, another shape" "$tmp/sc.net holds a 1x8 .*; this run makes a 2x32" "$bin" train chess \
  --from "$tmp/sc.net" --out "$tmp/tc" --iterations 1
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
# zerolab play, what only a process shows.
abs_bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
play_fail() {
  echo "cli-check: play: $1" >&2
  failed=1
}
# A Hexapawn engine by name from any working directory; its board is the default size.
(cd "$tmp" && "$abs_bin" play hexapawn --black hexapawn-4x4-zero </dev/null >"$tmp/named" 2>&1) || play_fail "engine by name failed"
{ grep -q "^Hexapawn 4x4" "$tmp/named" && grep -q "Black: hexapawn-4x4-zero" "$tmp/named"; } ||
  play_fail "--black hexapawn-4x4-zero from $tmp did not play the 4x4 engine: $(head -c 300 "$tmp/named")"
# --move-time, and --time still accepted but not shown.
mate="6k1/5ppp/8/8/8/8/8/R5K1 w - - 0 1"
"$bin" play chess --fen "$mate" --white zerolab-hce --black zerolab-hce --move-time 0.1 --pgn "$tmp/mate.pgn" \
  </dev/null >"$tmp/mate.out" 2>&1 || play_fail "--move-time game failed"
"$bin" play chess --fen "$mate" --white zerolab-hce --black zerolab-hce --time 0.1 </dev/null >/dev/null 2>&1 ||
  play_fail "--time is no longer accepted"
# (Help texts are read whole before grep: grep -q stops at its first match, and under pipefail
# the writer's broken pipe would fail the check.)
h=$("$bin" play --help)
grep -q -e "--time " <<<"$h" && play_fail "--time is shown in the help"
# The finished game is in the --pgn file, with the date it started.
{ grep -q '^\[Result "1-0"\]' "$tmp/mate.pgn" && grep -q "^\[Date \"$(date +%Y.%m.%d)\"\]" "$tmp/mate.pgn" &&
  grep -q "1. Ra8# 1-0" "$tmp/mate.pgn"; } || play_fail "the --pgn file of a finished game: $(cat "$tmp/mate.pgn")"
# Ctrl-C: exit status 130 and the game so far in the --pgn file, or its PGN on standard output.
interrupt() { # output file, arguments...
  local out=$1
  shift
  "$bin" play chess --white zerolab-hce --black zerolab-hce --move-time 0.1 "$@" </dev/null >"$out" 2>&1 &
  local pid=$!
  sleep 2
  kill -INT "$pid"
  wait "$pid"
}
interrupt "$tmp/int1.out" --pgn "$tmp/int.pgn"
status=$?
[ "$status" = 130 ] || play_fail "Ctrl-C with --pgn: exit $status (want 130)"
{ grep -q '^\[Result "\*"\]' "$tmp/int.pgn" && grep -q "^1\. " "$tmp/int.pgn"; } ||
  play_fail "Ctrl-C left no game in the --pgn file: $(cat "$tmp/int.pgn" 2>&1)"
[ -n "$(find "$tmp" -mindepth 1 -maxdepth 1 -name '*tmp-*')" ] && play_fail "a temporary PGN file was left behind"
interrupt "$tmp/int2.out"
status=$?
[ "$status" = 130 ] || play_fail "Ctrl-C without --pgn: exit $status (want 130)"
{ grep -q '^\[Event "ZeroLab terminal game"\]' "$tmp/int2.out" && grep -q "^1\. " "$tmp/int2.out"; } ||
  play_fail "Ctrl-C without --pgn printed no game: $(tail -5 "$tmp/int2.out")"
# On a terminal, a move typed while the engine thinks is discarded, with a note, not played.
python3 scripts/typeahead_check.py "$bin" || play_fail "type-ahead on a terminal"
# Every example of `zerolab play --help` fits 78 columns and runs, with no input, in seconds.
mkdir -p "$tmp/path" "$tmp/examples"
ln -s "$abs_bin" "$tmp/path/zerolab"
examples=0
while IFS= read -r line; do
  examples=$((examples + 1))
  [ "${#line}" -le 78 ] || play_fail "example longer than 78 columns: $line"
  (cd "$tmp/examples" && PATH="$tmp/path:$PATH" timeout 10 bash -c "$line" </dev/null >/dev/null 2>"$tmp/example.err") ||
    play_fail "example failed: $line: $(head -c 300 "$tmp/example.err")"
done < <("$bin" play --help | sed -n '/^Examples:/,/^USAGE:/p' | grep '^  ')
[ "$examples" -ge 6 ] || play_fail "only $examples examples found in zerolab play --help"
# Each prose paragraph of the help is one source line: at a width that fits it, it is one line.
COLUMNS=2000 "$bin" play --help | awk '
  /^(At a human|In chess|On a terminal)/ { open = 1; next }
  open && $0 != "" { bad = 1 }
  { open = 0 }
  END { exit bad }' || play_fail "a help paragraph of zerolab play has a hard line break"
# One version: `zerolab --version` prints the string the UCI engine names itself with, and
# CHANGELOG.md's newest section carries it.
version=$("$bin" --version)
id_line=$(echo uci | "$bin" uci | grep '^id name ')
if [ -z "$version" ] || [ "$id_line" != "id name ZeroLab $version" ]; then
  echo "cli-check: zerolab --version says '$version', the UCI engine '$id_line'" >&2
  failed=1
fi
newest=$(grep -m 1 '^## ' CHANGELOG.md)
case $newest in
  *"$version"*) ;;
  *) echo "cli-check: CHANGELOG.md's newest section '$newest' does not name version $version" >&2; failed=1 ;;
esac
# The chess comparison: bad options at once (usage), bad data in one line, no folder left
# behind; Hexapawn refuses its options.
expect "compare chess, no --data" 64 "compare chess needs --data" "$bin" compare chess --out "$tmp/cc"
expect "compare chess --size" 64 "--size is for Hexapawn; chess has its board" "$bin" compare chess --size 4x4 \
  --data "$tmp/file" --out "$tmp/cc"
expect "compare chess --snapshots 1" 64 "--snapshots must be 2...1000" "$bin" compare chess --data "$tmp/file" \
  --out "$tmp/cc" --snapshots 1
expect "compare chess --budget 0" 64 "--budget must be positive" "$bin" compare chess --data "$tmp/file" \
  --out "$tmp/cc" --budget 0
expect "compare chess --ladder-games 0" 64 "--ladder-games must be positive" "$bin" compare chess \
  --data "$tmp/file" --out "$tmp/cc" --ladder-games 0
expect "compare chess --ladder-tc" 64 "--ladder-tc: bad time control 'x'" "$bin" compare chess --data "$tmp/file" \
  --out "$tmp/cc" --ladder-tc x
expect "compare chess, unknown opponent" 64 "--opponents: unknown engine 'nosuch'" "$bin" compare chess \
  --data "$tmp/file" --out "$tmp/cc" --opponents random,nosuch
expect "compare chess, an opponent twice" 64 "--opponents names an opponent twice" "$bin" compare chess \
  --data "$tmp/file" --out "$tmp/cc" --opponents random,random
expect "compare chess, two activations" 64 "compare chess takes one --activation and one --init" "$bin" \
  compare chess --data "$tmp/file" --out "$tmp/cc" --activation relu,mish
expect "compare hexapawn --data" 64 "--data is for chess" "$bin" compare hexapawn --data "$tmp/file" --out "$tmp/cc"
expect "compare hexapawn --opponents" 64 "--opponents is for chess" "$bin" compare hexapawn --opponents random \
  --out "$tmp/cc"
one_line "compare chess, missing data" "no such data file or folder: $tmp/none" "$bin" compare chess \
  --data "$tmp/none" --out "$tmp/cc" --opponents random
if [ -e "$tmp/cc" ]; then
  echo "cli-check: a refused compare chess left $tmp/cc behind" >&2
  failed=1
fi
# Help says what a command does: Hexapawn-only commands list only hexapawn, train both games;
# supervise lists no self-play options; compare says its --init and --activation take lists;
# old spellings of renamed options are hidden but still work.
help_fail() { echo "cli-check: $*" >&2; failed=1; }
for c in solve count; do
  h=$("$bin" "$c" --help)
  grep -q '(values: hexapawn)' <<<"$h" || help_fail "zerolab $c --help does not list its game"
  ! grep -q 'values: hexapawn, chess' <<<"$h" || help_fail "zerolab $c --help offers chess"
done
for c in train supervise compare; do
  grep -q '(values: hexapawn, chess)' <<<"$("$bin" "$c" --help)" || help_fail "zerolab $c --help does not list both games"
done
h=$("$bin" supervise --help)
! grep -qE -- '--(games|sims|search|window) ' <<<"$h" || help_fail "supervise --help lists self-play options"
h=$("$bin" compare --help)
grep -q 'comma separated' <<<"$h" || help_fail "compare --help does not say --init takes a list"
h=$("$bin" nnue train --help)
! grep -q -- '--initializer' <<<"$h" || help_fail "nnue train --help shows the old --initializer"
grep -q -- '--init <init>' <<<"$h" || help_fail "nnue train --help has no --init"
"$bin" signal --layers 3 --width 8 --batch 16 >/dev/null || help_fail "signal --layers failed"
"$bin" signal --depth 3 --width 8 --batch 16 >/dev/null || help_fail "the hidden signal --depth stopped working"
if [ "$failed" = 0 ]; then
  echo "cli-check: 17 error checks, the progress check, the zerolab play checks, the version check and the help checks passed"
fi
exit $failed
