#!/usr/bin/env bash
# make bench-nn: training steps/s of the reference policy-value network (6x64 residual, 8x8x20
# inputs, 4672 policy logits, batch 256, Adam) in ZeroLab and in JAX (CPU, jit), same run,
# same shapes, 2 threads each; plus inference positions/s at batch 1 and 64.
#
# OpenBLAS 0.3.21 does not recognise every recent CPU and then falls back to its generic
# "Prescott" (SSE3) kernels. When the CPU has AVX-512 (or AVX2) and OpenBLAS picked Prescott,
# ZeroLab is measured twice: with the default kernel and with OPENBLAS_CORETYPE=SkylakeX
# (or Haswell). The BENCH ratio uses the better; both are printed.
set -euo pipefail
bin=${1:-.build/release/zerolab}
steps=${STEPS:-10}
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
tuned=""
if [[ $flags == *avx512f* ]]; then tuned=SkylakeX; elif [[ $flags == *avx2* ]]; then tuned=Haswell; fi

run_zerolab() { "$bin" bench nn --steps "$steps" --threads 2; }
echo "== ZeroLab, OpenBLAS default kernel ($("$bin" bench nn --print-core))"
out=$(run_zerolab)
echo "$out" | grep -v '^BENCH' >&2
default=$(grep '^BENCH' <<<"$out")
best=$default
if [ -n "$tuned" ] && [ -z "${OPENBLAS_CORETYPE:-}" ]; then
  echo "== ZeroLab, OPENBLAS_CORETYPE=$tuned ($(OPENBLAS_CORETYPE=$tuned "$bin" bench nn --print-core))"
  out=$(OPENBLAS_CORETYPE=$tuned run_zerolab)
  echo "$out" | grep -v '^BENCH' >&2
  tuned_out=$(grep '^BENCH' <<<"$out")
  d=$(sed -n 's/^BENCH nn-train .*zerolab=\([0-9.]*\).*/\1/p' <<<"$default")
  t=$(sed -n 's/^BENCH nn-train .*zerolab=\([0-9.]*\).*/\1/p' <<<"$tuned_out")
  if python3 -c "import sys; sys.exit(0 if $t > $d else 1)"; then best=$tuned_out; fi
fi
echo "== JAX $(.venv-jax/bin/python -c 'import jax; print(jax.__version__)') (CPU, jit)"
out=$(XLA_FLAGS="--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=2" \
  .venv-jax/bin/python bench/jax_nn.py --steps "$steps" 2>/dev/null)
echo "$out" | grep -v '^JAXBENCH' >&2
jax=$(grep '^JAXBENCH' <<<"$out")
jt=$(sed -n 's/.*train=\([0-9.]*\).*/\1/p' <<<"$jax")
j1=$(sed -n 's/.*infer1=\([0-9.]*\).*/\1/p' <<<"$jax")
j64=$(sed -n 's/.*infer64=\([0-9.]*\).*/\1/p' <<<"$jax")
zt=$(sed -n 's/^BENCH nn-train .*zerolab=\([0-9.]*\).*/\1/p' <<<"$best")
z1=$(sed -n 's/^BENCH nn-infer-b1 .*zerolab=\([0-9.]*\).*/\1/p' <<<"$best")
z64=$(sed -n 's/^BENCH nn-infer-b64 .*zerolab=\([0-9.]*\).*/\1/p' <<<"$best")
ratio() { python3 -c "print(f'{$1 / $2:.2f}')"; }
echo "BENCH nn-infer-b1 unit=positions/s zerolab=$z1 jax=$j1 ratio=$(ratio "$z1" "$j1")"
echo "BENCH nn-infer-b64 unit=positions/s zerolab=$z64 jax=$j64 ratio=$(ratio "$z64" "$j64")"
echo "BENCH nn-train unit=steps/s zerolab=$zt jax=$jt ratio=$(ratio "$zt" "$jt")"
