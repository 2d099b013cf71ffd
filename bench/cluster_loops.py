#!/usr/bin/env python3
"""The loops on a Ray cluster against one machine: where the time of a generation goes.

Usage: .venv-cluster/bin/python bench/cluster_loops.py BIN

Runs `zerolab nnue loop` (2 generations of 32 games at --nodes 2000, 2 epochs, an arena of
8 games a match at --arena-nodes 2000) and `zerolab train hexapawn` (4x4, 4 iterations of 16
games, --part-games 4) on this machine with one thread, then `zerolab-cluster nnue-loop` and
`zerolab-cluster train` on a cluster started here (a head with no CPUs, 1 then 2 worker nodes
of one CPU each, on 127.0.0.1), each in a fresh folder. Prints each run's wall time and, for
the cluster, the time of each step on the cluster and on the head; the self-play positions/s
(NNUE) and games/s (Hexapawn).
"""

import io
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
os.environ["RAY_TMPDIR"] = tempfile.mkdtemp(prefix="zlray-", dir="/tmp")
os.environ["RAY_AUTH_MODE"] = "token"
os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "cluster"))

import ray  # noqa: E402
from ray.cluster_utils import Cluster  # noqa: E402

from zerolab_cluster import cli, loop, worker  # noqa: E402

LOOP = ["--generations", "2", "--games", "32", "--nodes", "2000", "--epochs", "2", "--threads", "1",
        "--arena-games", "8", "--arena-nodes", "2000", "--tc", "60+1",
        "--openings", os.path.join(ROOT, "engines", "openings.epd")]
TRAIN = ["--size", "4x4", "--iterations", "4", "--games", "16", "--part-games", "4", "--sims", "32", "--seed", "1"]


def positions(folder):
    """Self-play positions in a loop's folder (32-byte records after a 32-byte header)."""
    total = 0
    for base, _, names in os.walk(folder):
        total += sum((os.path.getsize(os.path.join(base, n)) - 32) // 32 for n in names if n.endswith(".zldata"))
    return total


def main():
    binary = os.path.abspath(sys.argv[1])
    tmp = tempfile.mkdtemp(prefix="zerolab-cluster-loops-")
    os.environ["ZEROLAB_CLUSTER_CACHE"] = os.path.join(tmp, "cache")
    rows = []
    try:
        out = os.path.join(tmp, "loop-one")
        start = time.monotonic()
        subprocess.run([binary, "nnue", "loop", *LOOP, "--out", out], check=True, stdout=subprocess.DEVNULL)
        wall = time.monotonic() - start
        rows.append(("zerolab nnue loop (one machine)", wall, f"{positions(out) / wall:,.0f} positions/s overall", ""))
        out = os.path.join(tmp, "train-one")
        start = time.monotonic()
        p = subprocess.run([binary, "train", "hexapawn", *TRAIN, "--out", out], check=True, capture_output=True,
                           text=True)
        wall = time.monotonic() - start
        games = int(re.search(r"(\d+) games", p.stdout)[1])
        rows.append(("zerolab train hexapawn (one machine)", wall, f"{games / wall:.1f} games/s overall", ""))
        temp = os.path.join(os.environ["RAY_TMPDIR"], "ray")
        os.makedirs(temp)
        node = {"node_ip_address": "127.0.0.1", "num_cpus": 1}
        cluster = Cluster(initialize_head=True, head_node_args={**node, "num_cpus": 0, "include_dashboard": False,
                                                                "temp_dir": temp})
        try:
            cli.connect(cluster.address)
            for workers in (1, 2):
                cluster.add_node(**node)
                cluster.wait_for_nodes()
                name = f"{workers} worker node{'s' if workers > 1 else ''}"
                out = os.path.join(tmp, f"loop-{workers}")
                o, rest = cli.parser().parse_known_args(["nnue-loop", "--address", cluster.address, "--out", out,
                                                         "--binary", binary, *LOOP])
                s = loop.run(o, ["nnue", "loop", *rest], ray, ray.remote(worker.make_shard),
                             ray.remote(worker.run_command), out=io.StringIO())
                rows.append((f"zerolab-cluster nnue-loop, {name}", s["seconds"],
                             f"self-play {s['positions'] / s['data_seconds']:,.0f} positions/s",
                             f"self-play {s['data_seconds']:.1f} s, arena {s['arena_seconds']:.1f} s on the "
                             f"cluster; head {s['head_seconds']:.1f} s"))
                out = os.path.join(tmp, f"train-{workers}")
                o, rest = cli.parser().parse_known_args(["train", "hexapawn", "--address", cluster.address, "--out",
                                                         out, "--binary", binary, *TRAIN])
                s = loop.run(o, cli.train_args(o, rest), ray, ray.remote(worker.make_shard),
                             ray.remote(worker.run_command), out=io.StringIO())
                rows.append((f"zerolab-cluster train hexapawn, {name}", s["seconds"],
                             f"self-play {s['selfplay_games'] / s['selfplay_seconds']:.1f} games/s",
                             f"self-play {s['selfplay_seconds']:.1f} s on the cluster; head {s['head_seconds']:.1f} s"))
        finally:
            ray.shutdown()
            cluster.shutdown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(os.environ["RAY_TMPDIR"], ignore_errors=True)
    print("nnue loop: " + " ".join(LOOP[:-2]) + "; train hexapawn: " + " ".join(TRAIN))
    for name, wall, rate, split in rows:
        print(f"  {name:47} {wall:6.1f} s  {rate:30} {split}")


if __name__ == "__main__":
    main()
