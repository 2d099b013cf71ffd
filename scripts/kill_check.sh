#!/usr/bin/env bash
# Kill anywhere: scripts/kill_check.sh JOB [KILLS] [BIN]. Runs a short JOB once uninterrupted,
# then again with the same seed, sending it SIGKILL at KILLS (3) random moments (seeded by
# KILL_SEED, 1 by default) and resuming it each time, and then lets it finish. Passes when
#
# - after every kill the folder holds only whole files (scripts/run_digest.py check: every
#   JSON file and JSON Lines line parses and matches its checksum, every JSON Lines file's
#   lines are the first ones of the uninterrupted run's, every safetensors file is whole,
#   every data shard equals the uninterrupted run's), and
# - the finished folder equals the uninterrupted one (scripts/run_digest.py digest: networks,
#   data shards, metrics, reports, settings, compared by sha256).
#
# Left out of the comparison, because they measure the wall clock: the JSON keys
# `wall_seconds` and `seconds`, the `checksum` of each JSON file and line (it covers them, and
# is checked instead), the timing columns of report.md (headers ending in `(s)`), the plots
# against time (`*_vs_time*.svg`), and a learning run's `checkpoint/` folder (its state holds
# the clock; the final network and metrics stand for it). The run folder's own path inside
# JSON strings (a loop names its nets by path) is read as `OUT`. Every run and resume uses
# the same thread counts (nnue train's float sums depend on its --threads).
#
# JOB is one of: nnue-gen, nnue-train, nnue-loop, train, train-chess, supervise, supervise-chess, compare,
# compare-chess, study, search-arch
# (`all`: each in turn). The moments are spread over the whole run (below, at "The kill moments"); a finished
# run resumed once more must also change nothing. `make test` runs every job with 3 kills,
# `make kill-check` with 20.
set -euo pipefail
cd "$(dirname "$0")/.."
job=${1:?usage: kill_check.sh JOB [KILLS] [BIN]}
kills=${2:-3}
bin=${3:-.build/release/zerolab}
if [ "$job" = all ]; then
  for j in nnue-gen nnue-train nnue-loop train train-chess supervise supervise-chess compare compare-chess study \
    search-arch; do bash "$0" "$j" "$kills" "$bin"; done
  exit 0
fi
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT

small_net=(--blocks 1 --channels 8 --eval-games 2)
case "$job" in
  nnue-gen)
    first=(nnue gen --games 48 --nodes 300 --shard-games 2 --threads 2 --seed 5)
    again=("${first[@]}")
    ;;
  nnue-train)
    "$bin" nnue gen --games 16 --nodes 300 --threads 2 --seed 3 --out "$tmp/data" >/dev/null 2>&1
    first=(nnue train --data "$tmp/data" --epochs 40 --batch 32 --accumulator 32 --threads 1)
    again=("${first[@]}" --resume)
    ;;
  nnue-loop)
    first=(nnue loop --generations 2 --games 6 --nodes 300 --epochs 3 --batch 64 --accumulator 16 --threads 1
      --arena-games 2 --tc 60+1 --arena-nodes 300)
    again=("${first[@]}")
    ;;
  train)
    first=(train hexapawn --size 3x3 --iterations 40 "${small_net[@]}" --games 3 --sims 8 --steps 5)
    again=("${first[@]}" --resume)
    ;;
  train-chess)
    first=(train chess --iterations 6 --blocks 1 --channels 8 --games 3 --sims 8 --steps 5 --max-plies 30
      --resign 0.05 --gate-every 2 --gate-games 2)
    again=("${first[@]}" --resume)
    ;;
  supervise)
    first=(supervise hexapawn --size 3x3 --iterations 120 "${small_net[@]}" --steps 5)
    again=("${first[@]}" --resume)
    ;;
  supervise-chess)
    "$bin" nnue gen --games 6 --nodes 300 --threads 2 --seed 3 --out "$tmp/data" >/dev/null 2>&1
    first=(supervise chess --data "$tmp/data" --iterations 40 --blocks 1 --channels 8 --steps 5 --batch 32)
    again=("${first[@]}" --resume)
    ;;
  compare)
    inits=he_normal,glorot_uniform
    first=(compare hexapawn --size 3x3 --iterations 15 "${small_net[@]}" --games 3 --sims 8 --steps 5 --init "$inits")
    again=("${first[@]}" --resume)
    ;;
  compare-chess)
    "$bin" nnue gen --games 6 --nodes 300 --threads 2 --seed 3 --every-position --out "$tmp/data" >/dev/null 2>&1
    opponents=random,alphabeta-d1
    first=(compare chess --data "$tmp/data" --iterations 2 --snapshots 2 --blocks 1 --channels 8 --games 2 --sims 8
      --max-plies 16 --steps 3 --batch 32 --ladder-games 2 --ladder-sims 8 --opponents "$opponents")
    again=("${first[@]}" --resume)
    ;;
  study)
    inits=init=he_normal,autoinit
    first=(study --vary "$inits" --cell "residual=plain" --cell "residual=fixup norm=none" --seeds 2
      --iterations 40 --options "--blocks 1 --channels 8 --eval-games 2 --steps 5" --jobs 2)
    again=("${first[@]}")
    ;;
  search-arch)
    first=(search-arch --size 3x3 --population 4 --candidates 8 --rank 4 --short 1 --long 3 --final-seeds 2
      --options "--eval-games 2 --steps 5" --jobs 2)
    again=("${first[@]}")
    ;;
  *)
    echo "kill-check: unknown job $job (nnue-gen, nnue-train, nnue-loop, train, train-chess, supervise, supervise-chess," \
      "compare, compare-chess, study, search-arch, all)" >&2
    exit 2
    ;;
esac

now_ms() { date +%s%3N; }
t0=$(now_ms)
"$bin" "${first[@]}" --out "$tmp/ref" >"$tmp/log" 2>&1 || { echo "kill-check: $job failed:" >&2; cat "$tmp/log" >&2; exit 1; }
ms=$(($(now_ms) - t0))
python3 scripts/run_digest.py digest "$tmp/ref" >"$tmp/ref.digest"

# A finished run resumed again must change nothing; its time is the cost of a start.
t0=$(now_ms)
"$bin" "${again[@]}" --out "$tmp/ref" >"$tmp/log" 2>&1 || { echo "kill-check: $job: resuming a finished run failed:" >&2; cat "$tmp/log" >&2; exit 1; }
overhead=$(($(now_ms) - t0))
python3 scripts/run_digest.py digest "$tmp/ref" | diff -q "$tmp/ref.digest" - >/dev/null || {
  echo "kill-check: $job: resuming a finished run changed it" >&2
  exit 1
}

# runs_alive: the process ids of the processes writing into $tmp/run/runs/ (a study's runs).
runs_alive() {
  local f
  for f in /proc/[0-9]*/cmdline; do
    if grep -qaF -- "$tmp/run/runs/" "$f" 2>/dev/null; then
      f=${f#/proc/}
      echo "${f%/cmdline}"
    fi
  done
}

# same_as_ref: the finished folder $tmp/run equals the uninterrupted one.
same_as_ref() {
  python3 scripts/run_digest.py check "$tmp/run" "$tmp/ref"
  python3 scripts/run_digest.py digest "$tmp/run" >"$tmp/run.digest"
  if ! diff "$tmp/ref.digest" "$tmp/run.digest" >"$tmp/diff"; then
    echo "kill-check: $job: the killed and resumed run differs from the uninterrupted one:" >&2
    cat "$tmp/diff" >&2
    exit 1
  fi
}

# The kill moments: each cycle draws the kills still to land as sorted points of the
# uninterrupted run's time, and each start runs for the time to its point from the last one
# plus the cost of a start. A start that finishes first (the resumed run lost less than
# guessed) ends the cycle: its folder must equal the uninterrupted run's, and the next cycle
# starts afresh in an empty folder.
RANDOM=${KILL_SEED:-1}
landed=0 starts=0 cycles=0
while [ "$landed" -lt "$kills" ]; do
  cycles=$((cycles + 1))
  rm -rf "$tmp/run"
  mapfile -t points < <(for _ in $(seq 1 $((kills - landed))); do echo $(((RANDOM * 32768 + RANDOM) % ms)); done | sort -n)
  last=0 args=("${first[@]}")
  for point in "${points[@]}"; do
    delay=$((point - last + overhead))
    last=$point
    starts=$((starts + 1))
    "$bin" "${args[@]}" --out "$tmp/run" >"$tmp/log" 2>&1 &
    pid=$!
    args=("${again[@]}")
    sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
    kill -9 "$pid" 2>/dev/null || true
    status=0
    wait "$pid" 2>/dev/null || status=$?
    pid=
    if [ "$status" != 0 ] && [ "$status" != 137 ]; then
      echo "kill-check: $job exited with status $status after a kill:" >&2
      cat "$tmp/log" >&2
      exit 1
    fi
    # A study's or a search's runs die with it: none may write on once it is gone.
    if [ "$job" = study ] || [ "$job" = search-arch ]; then
      for _ in $(seq 1 50); do [ -z "$(runs_alive)" ] && break; sleep 0.1; done
      if [ -n "$(runs_alive)" ]; then
        echo "kill-check: $job: its runs outlived it by 5 s after a kill" >&2
        for p in $(runs_alive); do kill -9 "$p" 2>/dev/null || true; done
        exit 1
      fi
    fi
    python3 scripts/run_digest.py check "$tmp/run" "$tmp/ref" || {
      echo "kill-check: $job: damaged files after a kill at ${delay} ms into a start (kill $((landed + 1)))" >&2
      exit 1
    }
    if [ "$status" = 0 ]; then same_as_ref; break; fi # finished first: this kill did not land
    landed=$((landed + 1))
  done
  if [ "$cycles" -gt $((kills + 5)) ]; then
    echo "kill-check: $job: only $landed of $kills kills landed in $starts starts" >&2
    exit 1
  fi
done
"$bin" "${again[@]}" --out "$tmp/run" >"$tmp/log" 2>&1 || {
  echo "kill-check: $job: the last resume failed:" >&2
  cat "$tmp/log" >&2
  exit 1
}
same_as_ref
plural=s
if [ "$cycles" = 1 ]; then plural=; fi
echo "kill-check: $job: $landed kills in $starts starts ($cycles cycle$plural), resumed to the uninterrupted run's" \
  "$(wc -l <"$tmp/ref.digest") files (uninterrupted ${ms} ms, a start ${overhead} ms)"
