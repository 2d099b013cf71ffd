#!/usr/bin/env bash
# make bench-nn: training steps/s at batch 256 (Adam), its peak resident memory, and inference
# positions/s at batches 1, 16, 64 and 256 of two policy-value networks, in ZeroLab and in JAX
# (CPU, jit), same shapes, at 2 threads and at 1 thread each:
#   reference: 6 residual blocks x 64 channels, 8x8x20 inputs, 4672 policy logits, tanh value;
#   chess:     10 blocks x 128 channels with squeeze-excitation, 8x8x112 inputs, 1858 policy
#              logits, win/draw/loss value (fewer steps, positions and rounds: STEPS_CHESS,
#              POSITIONS_CHESS, REPEATS_CHESS).
# Each peer trains first, then reads the peak resident memory of its process (getrusage's
# maximum resident set size: the training step's footprint), then runs inference. At 1 thread
# both peers are pinned to one core (taskset), so neither uses a second one. REPEATS rounds (at
# least 5; REPEATS_CHESS of them, at least 3, include the chess net), each running both peers
# in turn (the order alternates from round to round), so a slow spell of the host falls on
# both; each figure is the median over the rounds, printed with its min and max, then one line
# per figure:
#   BENCH <name> unit=<u> zerolab=<v> jax=<v> ratio=<r>
# where the ratio is zerolab/jax for speeds and jax/zerolab for memory: above 1 means ZeroLab
# is better for every figure.
set -euo pipefail
bin=${1:-.build/release/zerolab}
steps=${STEPS:-6}
steps_chess=${STEPS_CHESS:-1}
positions=${POSITIONS:-1280}
positions_chess=${POSITIONS_CHESS:-32}
repeats=${REPEATS:-5}
repeats_chess=${REPEATS_CHESS:-3}
if [ "$repeats" -lt 5 ] || [ "$repeats_chess" -lt 3 ] || [ "$repeats_chess" -gt "$repeats" ]; then
  echo "bench-nn: need REPEATS >= 5 and 3 <= REPEATS_CHESS <= REPEATS, got $repeats and $repeats_chess" >&2
  exit 2
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
jax_version=$(.venv-jax/bin/python -c 'import jax; print(jax.__version__)')
echo "bench-nn: $cpu, $(nproc) cores; OpenBLAS kernel $("$bin" bench nn --print-core); JAX $jax_version (CPU, jit)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/figures"

# The options of one network for either peer: net, then timed steps, warm-up steps, positions.
net_args() {
  if [ "$1" = chess ]; then
    echo "--net chess --steps $steps_chess --warm-up 1 --positions $positions_chess"
  else
    echo "--net reference --steps $steps --warm-up 2 --positions $positions"
  fi
}
# pinned THREADS COMMAND...: runs the command on one core at 1 thread, as it is otherwise.
pinned() {
  local threads=$1
  shift
  if [ "$threads" = 1 ]; then taskset -c 0 "$@"; else "$@"; fi
}
# zerolab NET THREADS: appends "<net> t<threads> <figure> zerolab <value>" lines.
zerolab() {
  local part
  # shellcheck disable=SC2046  # net_args is a list of words
  pinned "$2" "$bin" bench nn $(net_args "$1") --threads "$2" >"$tmp/z.out"
  sed -n 's/^BENCH nn-\([^ ]*\) unit=[^ ]* zerolab=\([0-9.]*\)$/\1 \2/p' "$tmp/z.out" |
    while read -r part value; do echo "$1 t$2 $part zerolab $value"; done >>"$tmp/figures"
}
# jax NET THREADS: the same for JAX (its train-peak-rss and infer-b<n> under the same names).
jax() {
  local flags="--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads=2"
  [ "$2" = 1 ] && flags="--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
  # shellcheck disable=SC2046
  XLA_FLAGS=$flags pinned "$2" .venv-jax/bin/python bench/jax_nn.py $(net_args "$1") 2>/dev/null >"$tmp/j.out"
  grep '^JAXBENCH' "$tmp/j.out" | tr ' ' '\n' | sed -n 's/^\([a-z]*\)\([0-9]*\)=\([0-9.]*\)$/\1:\2:\3/p' |
    while IFS=: read -r key n value; do
      case $key in
        train) echo "$1 t$2 train jax $value" ;;
        rss) echo "$1 t$2 train-peak-rss jax $value" ;;
        infer) echo "$1 t$2 infer-b$n jax $value" ;;
      esac
    done >>"$tmp/figures"
}
for r in $(seq 1 "$repeats"); do
  nets=reference
  [ "$r" -le "$repeats_chess" ] && nets="reference chess"
  for net in $nets; do
    for threads in 2 1; do
      if ((r % 2)); then
        zerolab "$net" "$threads" && jax "$net" "$threads"
      else
        jax "$net" "$threads" && zerolab "$net" "$threads"
      fi
    done
  done
  echo "round $r/$repeats done ($(wc -l <"$tmp/figures") figures so far)"
done
python3 - "$tmp/figures" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    net, threads, part, peer, value = line.split()
    runs.setdefault((net, threads, part), {}).setdefault(peer, []).append(float(value))
def unit(part):
    return "steps/s" if part == "train" else "MB" if part.endswith("rss") else "positions/s"
def fmt(v, u):
    return f"{v:.3f}" if u == "steps/s" else f"{v:.1f}" if u == "MB" else f"{v:.0f}"
def order(key):
    net, threads, part = key
    rank = {"train": 0, "train-peak-rss": 1}.get(part, 2 + int(part.split("b")[-1]) if "-b" in part else 9)
    return (net != "reference", threads != "t2", rank)
rows = []
for key in sorted(runs, key=order):
    net, threads, part = key
    u = unit(part)
    z, j = runs[key]["zerolab"], runs[key]["jax"]
    zm, jm = statistics.median(z), statistics.median(j)
    name = f"nn-{net}-{threads}-{part}"
    print(f"{name}: zerolab median {fmt(zm, u)} (min {fmt(min(z), u)}, max {fmt(max(z), u)}), "
          f"jax median {fmt(jm, u)} (min {fmt(min(j), u)}, max {fmt(max(j), u)}) {u}, {len(z)} rounds")
    ratio = jm / zm if u == "MB" else zm / jm
    rows.append(f"BENCH {name} unit={u} zerolab={fmt(zm, u)} jax={fmt(jm, u)} ratio={ratio:.2f}")
print("\n".join(rows))
PY
