#!/usr/bin/env python3
"""Self-play data generation throughput on a Ray cluster against one machine.

Usage: .venv-cluster/bin/python bench/cluster_throughput.py BIN [GAMES] [SHARD_GAMES] [NODES]

Runs `zerolab nnue gen` on this machine with --threads 1 and 2, then `zerolab-cluster nnue-gen`
on a cluster started here (a head with no CPUs, 1 then 2 worker nodes of one CPU each, on
127.0.0.1), all with the same settings (default 32 games of --nodes 5000, 4 games a shard), and
checks that every run made the same files. Prints positions/s for each and the overhead per
task (the 1-node cluster's wall time over the one-thread run's, per task), then a BENCH line.
"""

import hashlib
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

from zerolab_cluster import cli, gen, worker  # noqa: E402


def digest(folder):
    return {n: hashlib.sha256(open(os.path.join(folder, n), "rb").read()).hexdigest()
            for n in sorted(os.listdir(folder)) if not n.startswith(".")}


def main():
    binary = os.path.abspath(sys.argv[1])
    games, shard_games, nodes = (int(x) for x in (sys.argv[2:] + ["32", "4", "5000"][len(sys.argv) - 2:])[:3])
    settings = ["--games", str(games), "--nodes", str(nodes), "--shard-games", str(shard_games), "--seed", "1"]
    tasks = (games + shard_games - 1) // shard_games
    tmp = tempfile.mkdtemp(prefix="zerolab-cluster-bench-")
    os.environ["ZEROLAB_CLUSTER_CACHE"] = os.path.join(tmp, "cache")
    results = {}
    reference = None
    try:
        for threads in (1, 2):
            out = os.path.join(tmp, f"one-{threads}")
            start = time.monotonic()
            p = subprocess.run([binary, "nnue", "gen", *settings, "--threads", str(threads), "--out", out],
                               capture_output=True, text=True, check=True)
            wall = time.monotonic() - start
            positions = int(re.search(r"games, ([\d,]+) positions", p.stdout)[1].replace(",", ""))
            results[f"zerolab nnue gen --threads {threads}"] = (positions, wall)
            reference = reference or digest(out)
            expect_same(digest(out), reference, out)
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
                out = os.path.join(tmp, f"cluster-{workers}")
                o = cli.parser().parse_args(["nnue-gen", "--address", cluster.address, *settings, "--out", out,
                                             "--binary", binary])
                # Start the workers' processes and caches first: a cluster runs many jobs.
                warm = cli.parser().parse_args(["nnue-gen", "--address", cluster.address, "--games", "2",
                                                "--nodes", "1", "--shard-games", "1", "--out",
                                                os.path.join(tmp, f"warm-{workers}"), "--binary", binary])
                gen.run(warm, ray, ray.remote(worker.make_shard), out=io.StringIO())
                start = time.monotonic()
                summary = gen.run(o, ray, ray.remote(worker.make_shard), out=io.StringIO())
                wall = time.monotonic() - start
                results[f"zerolab-cluster nnue-gen, {workers} worker node{'s' if workers > 1 else ''}"] = (
                    summary["positions"], wall)
                expect_same(digest(out), reference, out)
        finally:
            ray.shutdown()
            cluster.shutdown()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(os.environ["RAY_TMPDIR"], ignore_errors=True)
    print(f"{games} games, --nodes {nodes}, {shard_games} games a shard ({tasks} tasks); every run made the same files")
    for name, (positions, wall) in results.items():
        print(f"  {name:42} {positions:7,} positions in {wall:6.1f} s  {positions / wall:7,.0f} positions/s")
    one = results["zerolab nnue gen --threads 1"][1]
    c1 = results["zerolab-cluster nnue-gen, 1 worker node"][1]
    c2 = results["zerolab-cluster nnue-gen, 2 worker nodes"]
    print(f"  overhead per task (1 worker node against --threads 1): {(c1 - one) / tasks:.2f} s")
    two = results["zerolab nnue gen --threads 2"]
    print(f"BENCH cluster-gen unit=positions/s zerolab-cluster-2={c2[0] / c2[1]:.0f} "
          f"zerolab-threads-2={two[0] / two[1]:.0f} ratio={(c2[0] / c2[1]) / (two[0] / two[1]):.2f}")


def expect_same(got, want, where):
    if got != want:
        sys.exit(f"Error: {where} differs from one machine's run")


if __name__ == "__main__":
    main()
