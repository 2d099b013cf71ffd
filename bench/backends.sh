#!/usr/bin/env bash
# make bench-backends: the neural core's hot operations (the GEMMs of a 3x3 convolution on 8x8
# boards, and the whole convolution) in OpenBLAS (its own kernel choice, then forced to the
# Haswell and SkylakeX kernels for comparison; SkylakeX only where the CPU has AVX-512), BLIS, oneDNN (dnnl_sgemm and its convolution
# primitives) and libxsmm, at 2 threads and at 1, for 64 and 128 channels at batches 1, 64 and
# 256 (bench/backends.c says what each figure times). Installs the Debian packages it needs
# (idempotent, like scripts/setup.sh), builds one program per library, and prints every figure,
# then one table per thread count of GFLOP/s (higher is better).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/apt-install.sh bench-backends gcc libopenblas-dev libblis-dev libdnnl-dev libxsmm-dev
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src=bench/backends.c
lib=/usr/lib/x86_64-linux-gnu
cflags=(-O2 -fopenmp)
gcc "${cflags[@]}" -DUSE_OPENBLAS -I/usr/include/x86_64-linux-gnu/openblas-pthread "$src" -o "$tmp/openblas" -lopenblas
gcc "${cflags[@]}" -DUSE_BLIS -I/usr/include/x86_64-linux-gnu/blis-openmp "$src" -o "$tmp/blis" \
  -L"$lib/blis-openmp" -Wl,-rpath,"$lib/blis-openmp" -lblis -lm
gcc "${cflags[@]}" -DUSE_DNNL "$src" -o "$tmp/dnnl" -ldnnl
gcc "${cflags[@]}" -DUSE_XSMM "$src" -o "$tmp/xsmm" -lxsmm -lxsmmnoblas -lpthread -ldl -lm
version() { dpkg-query -W -f='${Version}' "$1"; }
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
isa=$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|fma|avx512f|avx512_vnni|avx_vnni)$' | tr '\n' ' ')
echo "bench-backends: $cpu, $(nproc) cores, ISA: ${isa}"
echo "bench-backends: OpenBLAS $(version libopenblas0-pthread), BLIS $(version libblis4-openmp)," \
  "oneDNN $(version libdnnl2), libxsmm $(version libxsmm-dev)"
: >"$tmp/figures"
for threads in 2 1; do
  for run in openblas openblas:Haswell openblas:SkylakeX blis dnnl xsmm; do
    program=${run%%:*}
    core=${run#*:}
    if [ "$core" = SkylakeX ] && ! grep -qw avx512f /proc/cpuinfo; then
      echo "openblas(SkylakeX): skipped, this CPU has no AVX-512 (the SkylakeX kernels stop on an illegal instruction)"
    elif [ "$core" != "$run" ]; then
      OPENBLAS_CORETYPE=$core "$tmp/$program" "$threads" >"$tmp/out" || echo "$run: failed (exit $?)"
      sed "s/^openblas\[/openblas($core)[/" "$tmp/out" | tee -a "$tmp/figures"
    else
      "$tmp/$program" "$threads" >"$tmp/out" || echo "$run: failed (exit $?)"
      tee -a "$tmp/figures" <"$tmp/out"
    fi
  done
done
python3 - "$tmp/figures" <<'PY'
import re, sys
rows, cols, cell = [], {}, {}
for line in open(sys.argv[1]):
    m = re.match(r"(\S+) t(\d) (\S+) C=(\d+) B=(\d+) ([0-9.]+) ms ([0-9.]+) GFLOP/s", line)
    if not m:
        continue
    label, t, op, c, b, ms, gf = m.groups()
    backend = "dnnl conv primitive" if label.startswith("dnnl[") else label
    key = (op, int(c), int(b))
    if key not in rows:
        rows.append(key)
    cols.setdefault(t, [])
    if backend not in cols[t]:
        cols[t].append(backend)
    cell[(t, key, backend)] = float(gf)
order = {"gemm-fwd": 0, "conv-fwd": 1, "gemm-bwd-d": 2, "conv-bwd-d": 3, "gemm-bwd-w": 4, "conv-bwd-w": 5,
         "dense4672-fwd": 6, "dense4672-bwd-d": 7, "dense4672-bwd-w": 8, "dense1858-fwd": 9, "dense1858-bwd-d": 10,
         "dense1858-bwd-w": 11}
rows.sort(key=lambda k: (order.get(k[0], 9), k[1], k[2]))
for t in sorted(cols, reverse=True):
    names = cols[t]
    print(f"\nGFLOP/s at {t} thread{'s' if t != '1' else ''} (higher is better):\n")
    print("| operation | C (dense: inputs) | batch | " + " | ".join(names) + " |")
    print("|---|---:|---:|" + "---:|" * len(names))
    for key in rows:
        vals = [cell.get((t, key, n)) for n in names]
        if all(v is None for v in vals):
            continue
        print(f"| {key[0]} | {key[1]} | {key[2]} | " + " | ".join("-" if v is None else f"{v:.1f}" for v in vals) + " |")
PY
