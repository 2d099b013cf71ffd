#!/usr/bin/env bash
# The whole Swift test suite under AddressSanitizer with leak detection (make asan), built
# in .build-asan (debug). Passes when every test passes and the sanitizer reports nothing:
# no memory error, no leak beyond scripts/lsan.supp (toolchain internals only).
#   scripts/asan_check.sh [swift test options, e.g. --filter ChessArenaTests]
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
swift build --build-tests --scratch-path .build-asan -Xswiftc -sanitize=address 2>&1 \
  | grep -v 'ld.gold: warning: Cannot export local symbol' || true
built=$((SECONDS - start))
log=.build-asan/asan-test.log
status=0
ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS="suppressions=$PWD/scripts/lsan.supp:print_suppressions=0" \
  swift test --scratch-path .build-asan --skip-build "$@" > "$log" 2>&1 || status=$?
reports=$(grep -cE '^(==[0-9]+==)?ERROR: (AddressSanitizer|LeakSanitizer)' "$log" || true)
summary=$(grep -E '^(✔|✘|━) Test run with' "$log" | tail -n 1 || true)
echo "asan: ${summary:-no Swift Testing summary}"
echo "asan: sanitizer reports: $reports; build ${built} s, tests $((SECONDS - start - built)) s (log: $log)"
if ((status != 0 || reports != 0)); then
  grep -E -A 30 '^(==[0-9]+==)?ERROR: (AddressSanitizer|LeakSanitizer)|^✘' "$log" | head -n 200 >&2 || true
  echo "asan: FAILED (swift test status $status, $reports sanitizer reports)" >&2
  exit 1
fi
