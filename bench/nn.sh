#!/usr/bin/env bash
# make bench-nn: training steps/s of the reference policy-value network (6x64 residual, 8x8x20
# inputs, 4672 policy logits, batch 256, Adam) and inference positions/s at batch 1 and 64, in
# ZeroLab and in JAX (CPU, jit), same shapes, 2 threads each. REPEATS rounds (at least 5), each
# running both in turn (the order alternates from round to round), so a slow spell of the host
# falls on both; each figure is reported as the median over the rounds with its min and max.
set -euo pipefail
bin=${1:-.build/release/zerolab}
steps=${STEPS:-10}
repeats=${REPEATS:-5}
if [ "$repeats" -lt 5 ]; then
  echo "bench-nn: REPEATS must be at least 5, got $repeats" >&2
  exit 2
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
jax_version=$(.venv-jax/bin/python -c 'import jax; print(jax.__version__)')
echo "bench-nn: $cpu, $(nproc) cores; OpenBLAS kernel $("$bin" bench nn --print-core); JAX $jax_version (CPU, jit)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
zerolab() { "$bin" bench nn --steps "$steps" --threads 2 >"$tmp/z.out"; grep '^BENCH' "$tmp/z.out" >>"$tmp/zerolab"; }
jax() {
  XLA_FLAGS="--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=2" \
    .venv-jax/bin/python bench/jax_nn.py --steps "$steps" 2>/dev/null >"$tmp/j.out"
  grep '^JAXBENCH' "$tmp/j.out" >>"$tmp/jax"
}
for r in $(seq 1 "$repeats"); do
  if ((r % 2)); then zerolab && jax; else jax && zerolab; fi
  echo "round $r/$repeats: zerolab $(grep -h '^BENCH' "$tmp/z.out" | sed 's/^BENCH \([^ ]*\) .*zerolab=\([0-9.]*\)/\1=\2/' \
    | tr '\n' ' ')| jax $(sed 's/^JAXBENCH //' "$tmp/j.out" | grep -v '^jax')"
done
python3 - "$tmp/zerolab" "$tmp/jax" <<'PY'
import re, statistics, sys
z = {}
for line in open(sys.argv[1]):
    m = re.match(r"BENCH (\S+) unit=(\S+) zerolab=([0-9.]+)", line)
    z.setdefault(m[1], (m[2], []))[1].append(float(m[3]))
j = {"nn-train": [], "nn-infer-b1": [], "nn-infer-b64": []}
for line in open(sys.argv[2]):
    f = dict(kv.split("=") for kv in line.split()[1:])
    j["nn-train"].append(float(f["train"]))
    j["nn-infer-b1"].append(float(f["infer1"]))
    j["nn-infer-b64"].append(float(f["infer64"]))
def fmt(v, unit):
    return f"{v:.3f}" if unit == "steps/s" else f"{v:.0f}"
for name in ("nn-infer-b1", "nn-infer-b64", "nn-train"):
    unit, zs = z[name]
    js = j[name]
    zm, jm = statistics.median(zs), statistics.median(js)
    print(f"{name}: zerolab median {fmt(zm, unit)} (min {fmt(min(zs), unit)}, max {fmt(max(zs), unit)}), "
          f"jax median {fmt(jm, unit)} (min {fmt(min(js), unit)}, max {fmt(max(js), unit)}) {unit}, {len(zs)} rounds")
for name in ("nn-infer-b1", "nn-infer-b64", "nn-train"):
    unit, zs = z[name]
    zm, jm = statistics.median(zs), statistics.median(j[name])
    print(f"BENCH {name} unit={unit} zerolab={fmt(zm, unit)} jax={fmt(jm, unit)} ratio={zm / jm:.2f}")
PY
