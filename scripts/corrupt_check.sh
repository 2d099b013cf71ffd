#!/usr/bin/env bash
# Damaged files through the command line: every command that reads a file is given it empty,
# truncated and with one bit flipped: engine JSON for arena and play, an openings file, an
# NNUE net for nnue eval and uci's EvalFile, a .zldata shard for nnue train, the data folder's
# manifest for a rerun of nnue gen, the files nnue train --resume reads (settings, data
# fingerprint, metrics, checkpoint), every file of a checkpoint and the metrics for train
# --resume and supervise --resume (Hexapawn and chess, with a chess run's data.json; a shard
# given to supervise chess too), a loop's loop.json and generation.json for a rerun of nnue
# loop, and a comparison's compare.json for a rerun of nnue compare. The JSON files and JSON
# Lines files (a checkpoint's state.json and replay.json too), whose checksum is their only
# defence against a change that leaves valid JSON, also get one bit of a digit flipped. Each must fail with exactly one line on standard error
# naming the file, never crash, and leave every file as it was (sha256 before and after);
# `uci` answers with an `info string` and keeps playing. Part of `make test`.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
bin=${1:-.build/release/zerolab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
checks=0

fail() {
  echo "corrupt-check: $*" >&2
  failed=1
}

# damage SRC DST HOW: HOW is `empty`, `cut:N` (the first N bytes) or `flip:N` (bit 0 of byte N
# flipped; a negative N counts from the end, an N past the end the last byte).
damage() {
  local src=$1 dst=$2 how=$3 size n byte
  size=$(stat -c %s "$src")
  case "$how" in
    empty) : >"$dst" ;;
    cut:*) head -c "${how#cut:}" "$src" >"$dst" ;;
    flip:*)
      n=${how#flip:}
      if [ "$n" -lt 0 ]; then n=$((size + n)); fi
      if [ "$n" -ge "$size" ]; then n=$((size - 1)); fi # a short file (an empty replay window: [])
      cp "$src" "$dst"
      byte=$(od -An -tu1 -j "$n" -N1 "$src" | tr -d ' ')
      printf '%b' "\\0$(printf '%03o' $((byte ^ 1)))" | dd of="$dst" bs=1 seek="$n" conv=notrunc status=none
      ;;
  esac
}

# flip:N for the last digit of FILE outside its checksums: bit 0 turns it into another digit,
# so the JSON stays valid with another value. Nothing for a file without such a digit (an
# empty replay window: []).
digit() {
  python3 - "$1" <<'PY'
import re, sys
d = open(sys.argv[1], "rb").read()
sums = [m.span() for m in re.finditer(rb"fnv1a64:[0-9a-f]{16}", d)]
digits = [i for i, c in enumerate(d) if 48 <= c <= 57 and not any(a <= i < b for a, b in sums)]
if digits:
    print("flip:%d" % max(digits))
PY
}

# The damages tried on a run folder's JSON or JSON Lines FILE.
json_damages() {
  echo empty "cut:$(($(stat -c %s "$1") / 2))" flip:9 flip:-2 "$(digit "$1")"
}

# The damages tried on a file of SIZE bytes.
damages() {
  local size=$1
  echo empty cut:1 cut:9 "cut:$((size / 2))" "cut:$((size - 2))" flip:0 flip:9 "flip:$((size / 3))" flip:-2
}

# The sha256 of FILE and of every file under $tmp/keep.
hashes() {
  { sha256sum "$1"; find "$tmp/keep" -type f -print0 | sort -z | xargs -0r sha256sum; } 2>/dev/null
}

# refused NAME FILE COMMAND...: exit status non-zero, exactly one line on stderr naming FILE,
# no crash text, and nothing in $tmp/keep or FILE changed.
refused() {
  local name=$1 file=$2 status before after
  shift 2
  before=$(hashes "$file")
  timeout 60 "$@" </dev/null >"$tmp/out" 2>"$tmp/err"
  status=$?
  after=$(hashes "$file")
  checks=$((checks + 1))
  if [ "$status" = 0 ] || [ "$status" = 124 ]; then fail "$name: exit status $status"; fi
  if [ "$(wc -l <"$tmp/err")" != 1 ] || ! grep -qF -- "$file" "$tmp/err"; then
    fail "$name: want one line naming $file on stderr, got:"
    sed 's/^/  /' "$tmp/err" | head -5 >&2
  fi
  if grep -Eq "Fatal error|Segmentation|Illegal instruction|Trace/breakpoint" "$tmp/err"; then fail "$name: crashed"; fi
  if [ "$before" != "$after" ]; then fail "$name: files changed"; fi
}

# damaged_copies_refused LABEL GOOD RUN FILE COMMAND...: for each damage of GOOD/FILE (a JSON or
# JSON Lines file gets json_damages, any other file empty, cut in half and two bits flipped),
# RUN is made a fresh copy of the folder GOOD with FILE so damaged, and COMMAND must refuse it
# (`refused`).
damaged_copies_refused() {
  local label=$1 good=$2 run=$3 file=$4 hows how
  shift 4
  case "$file" in
    *.json | *.jsonl) hows=$(json_damages "$good/$file") ;;
    *) hows="empty cut:$(($(stat -c %s "$good/$file") / 2)) flip:9 flip:-2" ;;
  esac
  for how in $hows; do
    rm -rf "$run"
    cp -r "$good" "$run"
    damage "$good/$file" "$run/$file" "$how"
    refused "$label, $file $how" "$run/$file" "$@"
  done
}

mkdir -p "$tmp/keep"

# Engine files: arena and play.
for how in $(damages "$(stat -c %s engines/stockfish-1350.json)"); do
  damage engines/stockfish-1350.json "$tmp/e.json" "$how"
  refused "arena, engine file $how" "$tmp/e.json" "$bin" arena "$tmp/e.json" zerolab-hce --games 1 --tc 1+0
  refused "play chess --white, engine file $how" "$tmp/e.json" "$bin" play chess --white "$tmp/e.json"
done

# Openings: a damage that leaves valid positions is a valid file (no checksum in an EPD file),
# so only the damages that break it are tried: empty, and cut inside the first position.
for how in empty cut:20; do
  damage engines/openings.epd "$tmp/o.epd" "$how"
  refused "arena, openings $how" "$tmp/o.epd" "$bin" arena zerolab-hce zerolab-hce --games 1 --tc 1+0 \
    --openings "$tmp/o.epd"
done

# NNUE nets: nnue eval refuses them; uci answers an info string and keeps the evaluation.
net=engines/zerolab-nnue.nnue
for how in $(damages "$(stat -c %s "$net")"); do
  damage "$net" "$tmp/n.nnue" "$how"
  refused "nnue eval, net $how" "$tmp/n.nnue" "$bin" nnue eval "$tmp/n.nnue"
  printf 'uci\nsetoption name EvalFile value %s\nisready\ngo depth 2\n' "$tmp/n.nnue" \
    | timeout 60 "$bin" uci >"$tmp/out" 2>"$tmp/err"
  checks=$((checks + 1))
  if ! grep -q "^info string setoption EvalFile: .*$tmp/n.nnue" "$tmp/out" || ! grep -q "^bestmove " "$tmp/out" \
    || ! grep -q "^readyok" "$tmp/out" || [ -s "$tmp/err" ]; then
    fail "uci EvalFile, net $how: want an info string naming the file, readyok and a bestmove, got:"
    sed 's/^/  /' "$tmp/out" "$tmp/err" | tail -5 >&2
  fi
done

# A .zldata shard: nnue train refuses it and writes no run folder.
"$bin" nnue gen --games 2 --nodes 200 --out "$tmp/data" --threads 1 --seed 1 >/dev/null 2>&1 || fail "nnue gen failed"
shard=$(find "$tmp/data" -name '*.zldata' | head -n 1)
if [ -z "$shard" ]; then
  fail "nnue gen wrote no .zldata file"
else
  cp "$shard" "$tmp/shard.zldata"
  for how in $(damages "$(stat -c %s "$tmp/shard.zldata")"); do
    mkdir -p "$tmp/bad"
    damage "$tmp/shard.zldata" "$tmp/bad/s.zldata" "$how"
    refused "nnue train, shard $how" "$tmp/bad/s.zldata" "$bin" nnue train --data "$tmp/bad" --out "$tmp/nt" \
      --accumulator 16 --epochs 1 --threads 1
    if [ -e "$tmp/nt" ]; then fail "nnue train, shard $how: left $tmp/nt behind"; rm -rf "$tmp/nt"; fi
  done
fi

# The data folder's manifest: a rerun of nnue gen refuses it damaged and changes nothing.
if [ -n "$shard" ]; then
  manifest=$(find "$tmp/data" -name 'gen-s1.json' | head -n 1)
  for how in $(json_damages "$manifest"); do
    rm -rf "$tmp/keep/data"
    cp -r "$tmp/data" "$tmp/keep/data"
    damage "$manifest" "$tmp/keep/data/gen-s1.json" "$how"
    refused "nnue gen rerun, manifest $how" "$tmp/keep/data/gen-s1.json" "$bin" nnue gen --games 2 --nodes 200 \
      --out "$tmp/keep/data" --threads 1 --seed 1
  done
  rm -rf "$tmp/keep/data"
fi

# An NNUE training run: nnue train --resume refuses its damaged settings, data fingerprint or
# checkpoint and changes nothing in the run.
if [ -n "$shard" ]; then
  nrun=$tmp/keep/nnue-run
  ntrain=(nnue train --data "$tmp/data" --out "$nrun" --accumulator 16 --threads 1)
  "$bin" "${ntrain[@]}" --epochs 1 >/dev/null 2>&1 || fail "nnue train failed"
  cp -r "$nrun" "$tmp/nnue-good"
  for file in settings.json data.json metrics.jsonl checkpoint.safetensors; do
    damaged_copies_refused "nnue train --resume" "$tmp/nnue-good" "$nrun" "$file" "$bin" "${ntrain[@]}" --epochs 2 \
      --resume
  done
  rm -rf "$nrun"
fi

# A checkpoint and the metrics: train --resume and supervise --resume refuse every damaged file
# of them and change nothing in the run.
for cmd in train supervise; do
  run=$tmp/keep/run
  rm -rf "$run" "$tmp/run-good"
  args=("$cmd" hexapawn --size 3x3 --out "$run" --blocks 1 --channels 8 --steps 5 --eval-games 2)
  if [ "$cmd" = train ]; then args+=(--games 2 --sims 8); fi
  "$bin" "${args[@]}" --iterations 2 >/dev/null 2>&1 || fail "$cmd hexapawn failed"
  cp -r "$run" "$tmp/run-good"
  for file in metrics.jsonl $(cd "$tmp/run-good" && find checkpoint -type f | sort); do
    damaged_copies_refused "$cmd --resume" "$tmp/run-good" "$run" "$file" "$bin" "${args[@]}" --iterations 3 --resume
  done
done
rm -rf "$run"

# Supervised chess: a damaged shard is refused (no run folder left behind), and supervise chess
# --resume refuses every damaged file of its run (data.json too) and changes nothing in it.
if [ -n "$shard" ]; then
  for how in $(damages "$(stat -c %s "$tmp/shard.zldata")"); do
    mkdir -p "$tmp/bad"
    damage "$tmp/shard.zldata" "$tmp/bad/s.zldata" "$how"
    refused "supervise chess, shard $how" "$tmp/bad/s.zldata" "$bin" supervise chess --data "$tmp/bad" \
      --out "$tmp/sc" --iterations 1 --blocks 1 --channels 8
    if [ -e "$tmp/sc" ]; then fail "supervise chess, shard $how: left $tmp/sc behind"; rm -rf "$tmp/sc"; fi
  done
  run=$tmp/keep/run
  rm -rf "$run" "$tmp/run-good"
  args=(supervise chess --data "$tmp/data" --out "$run" --blocks 1 --channels 8 --steps 5)
  "$bin" "${args[@]}" --iterations 2 >/dev/null 2>&1 || fail "supervise chess failed"
  cp -r "$run" "$tmp/run-good"
  for file in data.json metrics.jsonl $(cd "$tmp/run-good" && find checkpoint -type f | sort); do
    damaged_copies_refused "supervise chess --resume" "$tmp/run-good" "$run" "$file" "$bin" "${args[@]}" \
      --iterations 3 --resume
  done
  rm -rf "$run"
fi

# A loop: a rerun of nnue loop refuses its damaged loop.json or generation.json.
loop=$tmp/keep/loop
lopts=(nnue loop --games 2 --nodes 200 --epochs 1 --batch 64 --accumulator 16 --threads 1 --arena-games 2 --tc 60+1
  --arena-nodes 200 --out "$loop")
"$bin" "${lopts[@]}" --generations 1 >/dev/null 2>&1 || fail "nnue loop failed"
cp -r "$loop" "$tmp/loop-good"
for file in loop.json gen0/generation.json; do
  damaged_copies_refused "nnue loop rerun" "$tmp/loop-good" "$loop" "$file" "$bin" "${lopts[@]}" --generations 1
done
rm -rf "$loop"

# A comparison: a rerun of nnue compare refuses its damaged compare.json (the first run stops
# at once on its missing data, after writing it).
cmp=$tmp/keep/compare
copts=(nnue compare --data "$tmp/no-data" --positions 50 --accumulator 16 --epochs 1 --threads 1 --out "$cmp")
"$bin" "${copts[@]}" >/dev/null 2>&1
if [ -f "$cmp/compare.json" ]; then
  cp "$cmp/compare.json" "$tmp/compare-good.json"
  for how in $(json_damages "$tmp/compare-good.json"); do
    damage "$tmp/compare-good.json" "$cmp/compare.json" "$how"
    refused "nnue compare rerun, compare.json $how" "$cmp/compare.json" "$bin" "${copts[@]}"
  done
else
  fail "nnue compare wrote no compare.json"
fi
rm -rf "$cmp"

if [ "$failed" != 0 ]; then exit 1; fi
echo "corrupt-check: $checks damaged files refused in one line, nothing changed"
