#!/usr/bin/env bash
# The other CPU level compiles too, and a binary refuses a CPU it was not built for with one
# line. On a host with AVX-512 this builds the portable variant (the code paths without the
# AVX-512 kernel) and runs it; elsewhere it builds for x86-64-v4 (the AVX-512 kernel) and checks
# that the binary stops with the one-line reason, not an illegal instruction.
set -euo pipefail
cd "$(dirname "$0")/.."
if grep -qw avx512bw /proc/cpuinfo && grep -qw avx512vl /proc/cpuinfo; then level=portable; else level=x86-64-v4; fi
path=.build-arch-$level
echo "arch-check: building for ZEROLAB_ARCH=$level in $path"
ZEROLAB_ARCH=$level swift build -c release --build-path "$path" --product zerolab 2>&1 | grep -E "error|warning: |Compiling|Build complete" | tail -3
bin=$path/release/zerolab
set +e
out=$("$bin" --version 2>&1)
status=$?
set -e
if [ "$level" = portable ]; then
  [ $status = 0 ] || { echo "arch-check: the portable build failed to run: $out" >&2; exit 1; }
  echo "arch-check: the portable build runs ($out)"
else
  [ $status = 1 ] || { echo "arch-check: the x86-64-v4 build exited with $status on a CPU without AVX-512: $out" >&2; exit 1; }
  if [ "$(wc -l <<<"$out")" != 1 ] || ! grep -q '^Error: this zerolab was built for x86-64-v4, and this CPU lacks avx512' <<<"$out"; then
    echo "arch-check: expected the one-line reason, got: $out" >&2
    exit 1
  fi
  echo "arch-check: the x86-64-v4 build compiles and refuses this CPU in one line: $out"
fi
