#!/usr/bin/env python3
"""Self-play data generation throughput on a Ray cluster against one machine.

Usage: .venv-cluster/bin/python bench/cluster_throughput.py BIN [GAMES] [SHARD_GAMES] [NODES]

Runs `zerolab nnue gen` on this machine with --threads 1 and 2, then `zerolab-cluster nnue-gen`
on a cluster started here (a head with no CPUs, 1 then 2 worker nodes of one CPU each, on
127.0.0.1), all with the same settings (default 32 games of --nodes 5000, 4 games a shard), and
checks that every run made the same files. Prints positions/s for each and the overhead per
task (the 1-node cluster's wall time over the one-thread run's, per task), the figures of the
scale arithmetic in docs/cluster.md (bytes a shard, the head's cost per shard, the binary's
SHA-256, an empty task's round trip), then a BENCH line.
"""

import hashlib
import io
import json
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
            scale = scale_figures(binary, os.path.join(tmp, "one-1"), tmp)
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
    print(f"  scale figures (docs/cluster.md): {scale['shard_bytes']:,.0f} bytes a shard of {shard_games} games "
          f"({scale['positions_per_game']:.0f} positions a game, 32 bytes each); the head checks and writes a shard "
          f"whole in {scale['head_ms_per_shard']:.1f} ms ({scale['head_mb_s']:.0f} MB/s: the data file's checksum "
          f"{scale['check_ms']:.1f} ms, temporary file, fsync and link {scale['write_ms']:.1f} ms); SHA-256 of the {scale['binary_bytes'] / 1e6:.0f} MB binary "
          f"{scale['sha_ms']:.0f} ms; an empty Ray task's round trip {scale['noop_ms']:.1f} ms "
          f"({scale['noop_rate']:.0f} tasks/s from one driver, 2 worker nodes)")
    two = results["zerolab nnue gen --threads 2"]
    print(f"BENCH cluster-gen unit=positions/s zerolab-cluster-2={c2[0] / c2[1]:.0f} "
          f"zerolab-threads-2={two[0] / two[1]:.0f} ratio={(c2[0] / c2[1]) / (two[0] / two[1]):.2f}")


def scale_figures(binary, folder, tmp):
    """Figures the scale arithmetic of docs/cluster.md uses, measured here: the bytes of a
    shard; what the head spends on one (the data file's checksum, then the whole-file write:
    temporary file, fsync, hard link); the SHA-256 of the binary (each task checks it); an
    empty task's round trip through Ray, 400 of them with 16 in flight."""
    from zerolab_cluster import shards

    datas = [open(os.path.join(folder, n), "rb").read() for n in sorted(os.listdir(folder)) if n.endswith(".zldata")]
    positions = sum(shards.check_shard(d) for d in datas)
    games = json.load(open(next(os.path.join(folder, n) for n in os.listdir(folder) if n.endswith(".json"))))
    games = games["settings"]["games"]
    out = os.path.join(tmp, "head-writes")
    os.makedirs(out)
    rounds = 5
    start = time.monotonic()
    for _ in range(rounds):
        for d in datas:
            shards.check_shard(d)
    check = (time.monotonic() - start) / (rounds * len(datas))
    start = time.monotonic()
    for r in range(rounds):
        for k, d in enumerate(datas):
            shards.write_exclusive(os.path.join(out, f"{r}-{k}.zldata"), d)
    write = (time.monotonic() - start) / (rounds * len(datas))
    head = check + write
    data = open(binary, "rb").read()
    start = time.monotonic()
    shards.sha256(data)
    sha = time.monotonic() - start

    @ray.remote(num_cpus=1)
    def noop(i):
        return i

    ray.get([noop.remote(i) for i in range(16)])
    start = time.monotonic()
    pending, n = [], 0
    while n < 400 or pending:
        while n < 400 and len(pending) < 16:
            pending.append(noop.remote(n))
            n += 1
        _, pending = ray.wait(pending, num_returns=1)
    noop_s = (time.monotonic() - start) / 400
    return {"shard_bytes": sum(map(len, datas)) / len(datas), "positions_per_game": positions / games,
            "head_ms_per_shard": 1000 * head, "head_mb_s": sum(map(len, datas)) / len(datas) / head / 1e6,
            "check_ms": 1000 * check, "write_ms": 1000 * write,
            "binary_bytes": len(data), "sha_ms": 1000 * sha, "noop_ms": 1000 * noop_s, "noop_rate": 1 / noop_s}


def expect_same(got, want, where):
    if got != want:
        sys.exit(f"Error: {where} differs from one machine's run")


if __name__ == "__main__":
    main()
