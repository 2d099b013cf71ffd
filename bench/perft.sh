#!/usr/bin/env bash
# make bench-perft: chess perft speed (nodes/s) of ZeroLab and of Stockfish 15.1 (`go perft`,
# one thread) on the same positions, in the same run: start position depth 6 and Kiwipete
# depth 5. Installs the Debian package `stockfish` (/usr/games/stockfish) when missing.
# Both sides are timed from inside: ZeroLab's own timer, and for Stockfish the time from
# sending `go perft` to reading `Nodes searched` (engine start-up and net loading excluded).
set -euo pipefail
bin=${1:-.build/release/zerolab}
sf=${STOCKFISH:-/usr/games/stockfish}
[ -x "$sf" ] || bash "$(dirname "$0")/../scripts/apt-install.sh" bench-perft stockfish
start="rnbqkbnr/pppppppp/8/8/8/8/PPPPPPPP/RNBQKBNR w KQkq - 0 1"
kiwipete="r3k2r/p1ppqpb1/bn2pnp1/3PN3/1p2P3/2N2Q1p/PPPBBPPP/R3K2R w KQkq - 0 1"
python3 - "$bin" "$sf" "$start" 6 "$kiwipete" 5 <<'PY'
import re, subprocess, sys, time

zerolab, sf = sys.argv[1], sys.argv[2]
cases = [(sys.argv[3], int(sys.argv[4]), "start"), (sys.argv[5], int(sys.argv[6]), "kiwipete")]

def ours(fen, depth):
    best = None
    for _ in range(3):
        r = subprocess.run([zerolab, "perft", "--depth", str(depth), "--fen", fen], capture_output=True, text=True, check=True)
        nodes = int(re.search(r"Nodes searched: (\d+)", r.stdout).group(1))
        secs = float(re.search(r"Time: ([0-9.]+) s", r.stderr).group(1))
        best = secs if best is None else min(best, secs)
    return nodes, best

def stockfish(fen, depth):
    p = subprocess.Popen([sf], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
    def send(s):
        p.stdin.write(s + "\n")
        p.stdin.flush()
    def wait_for(prefix):
        for line in p.stdout:
            if line.startswith(prefix):
                return line
        raise RuntimeError("stockfish ended early")
    send("uci"); wait_for("uciok")
    send("setoption name Threads value 1")
    send("isready"); wait_for("readyok")
    best = None
    for _ in range(3):
        send(f"position fen {fen}")
        send("isready"); wait_for("readyok")
        t0 = time.perf_counter()
        send(f"go perft {depth}")
        line = wait_for("Nodes searched")
        secs = time.perf_counter() - t0
        nodes = int(line.split(":")[1])
        best = secs if best is None else min(best, secs)
    send("quit")
    p.wait()
    return nodes, best

tz = tn = sz = sn = 0
for fen, depth, name in cases:
    zn, zs = ours(fen, depth)
    sfn, sfs = stockfish(fen, depth)
    if zn != sfn:
        print(f"perft {name} d{depth}: node counts differ: zerolab {zn}, stockfish {sfn}")
        sys.exit(1)
    print(f"perft {name} d{depth}: {zn} nodes; zerolab {zs:.3f} s = {zn / zs / 1e6:.1f} M nodes/s; "
          f"stockfish {sfs:.3f} s = {sfn / sfs / 1e6:.1f} M nodes/s")
    tz += zs; tn += zn; sz += sfs; sn += sfn
z, s = tn / tz, sn / sz
print(f"BENCH perft unit=nodes/s zerolab={int(z)} stockfish={int(s)} ratio={z / s:.2f}")
PY
