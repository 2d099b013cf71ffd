#!/usr/bin/env bash
# libFuzzer on every parser of outside input (make fuzz, make fuzz-check): builds the fuzz
# package (fuzz/, with -sanitize=fuzzer,address, into .build-fuzz) and runs each target for
# SECONDS from its committed seeds (fuzz/corpus/TARGET) plus what earlier runs found
# (.build-fuzz/corpus/TARGET). Prints executions per target; an input that crashes a target
# is kept in .build-fuzz/findings/ and the run fails. Leaks count as findings, but for the
# toolchain internals listed in scripts/lsan.supp. libFuzzer's random choices start from
# FUZZ_SEED (1 unless set), so a run is repeatable up to where the time limit cuts it.
#   scripts/fuzz.sh [SECONDS] [TARGET...]   (default 60 s, every target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(fen move pgn epd engine-json safetensors zldata checkpoint uci run-json)
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds == 0)); then
  echo "fuzz: SECONDS must be a positive whole number" >&2
  exit 2
fi

scratch=.build-fuzz
start=$SECONDS
swift build -c release --package-path fuzz --scratch-path "$scratch" --product zerolab-fuzz \
  -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -v 'ld.gold: warning: Cannot export local symbol' || true
bin=$scratch/release/zerolab-fuzz
[[ -x $bin ]] || { echo "fuzz: the build failed" >&2; exit 1; }
built=$((SECONDS - start))
mkdir -p "$scratch/findings"

failed=()
printf '%-12s %12s %10s %8s  %s\n' target executions "per s" corpus result
for t in "${targets[@]}"; do
  [[ -d fuzz/corpus/$t ]] || { echo "fuzz: unknown target $t" >&2; exit 2; }
  mkdir -p "$scratch/corpus/$t"
  log=$scratch/findings/$t.log
  status=0
  # -timeout: one input may take 10 s (a hang is a finding); -rss_limit_mb: 2 GB.
  SWIFT_BACKTRACE=enable=no LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0" "$bin" "$t" "$scratch/corpus/$t" "fuzz/corpus/$t" -max_total_time="$seconds" -seed="${FUZZ_SEED:-1}" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$scratch/findings/$t-" > "$log" 2>&1 || status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  corpus=$(find "$scratch/corpus/$t" -type f | wc -l)
  if ((status == 0)); then
    result=clean
  else
    result="FOUND: $(grep -m 1 -E 'Fatal error|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)' "$log" | cut -c 1-120)"
    failed+=("$t")
  fi
  printf '%-12s %12s %10s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$corpus" "$result"
done
echo "fuzz: ${#targets[@]} targets, ${seconds} s each, build ${built} s, total $((SECONDS - start)) s"
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}: inputs and logs in $scratch/findings/ (replay: $bin TARGET FILE)" >&2
  exit 1
fi
