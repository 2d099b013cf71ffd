#!/usr/bin/env python3
"""zerolab-cluster against one machine, on a local several-node Ray cluster.

Usage: .venv-cluster/bin/python cluster/tests/cluster_check.py BIN [--only NAME]

Starts a Ray cluster on this machine (ray.cluster_utils.Cluster: a head with no CPUs, so it runs
no task, and two worker nodes of one CPU each, every process bound to 127.0.0.1, no dashboard),
runs each check against it and stops it, also on failure. Every check compares the cluster's
folder with `zerolab nnue gen` run once on this machine with the same settings: the same files,
byte for byte. Checks: the plain run and its rerun; a net shipped to the workers; two drivers on
one folder; a driver killed and rerun; a worker that returns a corrupt shard; a worker node
killed mid-task; refused input (one-line errors); the helps' examples. The loop's checks
compare `zerolab-cluster nnue-loop` with `zerolab nnue loop` on this machine (every file, the
records but for their wall times): a plain run and its rerun, a driver killed mid-arena and
mid-data then rerun, a killed cluster run finished by one machine's loop, and a corrupt arena
part refused and asked again. The learner's compare `zerolab-cluster train` with `zerolab
train` and the same --part-games (every file, the records but for their wall times): Hexapawn
and its rerun, chess, and a killed driver rerun.
Ends with `N passed, N failed`.
"""

import contextlib
import hashlib
import io
import json
import secrets
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))

# Before Ray is imported: a one-machine cluster, on loopback (Ray would otherwise turn 127.0.0.1
# into this machine's outward address), in a temporary folder of its own, with token
# authentication on and a token of its own (inherited by the drivers the checks start).
os.environ["RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER"] = "0"
os.environ["RAY_TMPDIR"] = tempfile.mkdtemp(prefix="zlray-", dir="/tmp")
os.environ["RAY_AUTH_MODE"] = "token"
os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)

import ray  # noqa: E402
from ray.cluster_utils import Cluster  # noqa: E402

from zerolab_cluster import cli, gen, loop, worker  # noqa: E402

SETTINGS = ["--games", "7", "--nodes", "300", "--shard-games", "2", "--random-plies", "4"]
NET = "engines/zerolab-nnue.nnue"


def digest(folder):
    """{file name: SHA-256} of a data folder's files (temporary files of a killed writer aside)."""
    out = {}
    for name in sorted(os.listdir(folder)):
        if not name.startswith("."):
            with open(os.path.join(folder, name), "rb") as f:
                out[name] = hashlib.sha256(f.read()).hexdigest()
    return out


class Check:
    def __init__(self, binary):
        self.binary = binary
        self.tmp = tempfile.mkdtemp(prefix="zerolab-cluster-check-")
        self.references = {}

    def reference(self, seed, extra=()):
        """`zerolab nnue gen` on this machine: the folder every cluster run must equal."""
        key = (seed, tuple(extra))
        if key not in self.references:
            out = os.path.join(self.tmp, f"ref-{len(self.references)}")
            subprocess.run([self.binary, "nnue", "gen", *SETTINGS, "--seed", str(seed), *extra, "--out", out],
                           check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.references[key] = digest(out)
        return self.references[key]

    def options(self, out, seed, extra=()):
        args = ["nnue-gen", "--address", self.address, *SETTINGS, "--seed", str(seed), "--out", out,
                "--binary", self.binary, *extra]
        return cli.parser().parse_args(args)

    def drive(self, out, seed, task=None, extra=()):
        """The driver, in this process, with `task` (default: the real one); (summary, output)."""
        text = io.StringIO()
        summary = gen.run(self.options(out, seed, extra), ray, ray.remote(task or worker.make_shard), out=text)
        return summary, text.getvalue()

    def command(self, *args):
        return [os.path.join(ROOT, ".venv-cluster", "bin", "python"), "-m", "zerolab_cluster", *args]

    def folder(self, name):
        return os.path.join(self.tmp, name)


def expect(condition, what):
    if not condition:
        raise AssertionError(what)


def same(check, out, seed, extra=()):
    got, want = digest(out), check.reference(seed, extra)
    expect(got == want, f"{out} differs from one machine's run: {sorted(set(got.items()) ^ set(want.items()))}")


# The checks: each gets the Check and the cluster; each runs in well under a minute.


def check_identical_and_rerun(c, cluster):
    out = c.folder("plain")
    summary, text = c.drive(out, 5)
    same(c, out, 5)
    expect(summary["made"] == 4 and summary["positions"] > 0, f"made {summary}")
    expect("generated 4 shards" in text, text)
    expect(len(summary["by_node"]) == 2, f"both worker nodes ran tasks: {summary['by_node']}")
    again, text = c.drive(out, 5)
    expect(again["made"] == 0 and again["skipped"] == 4, f"a rerun made shards: {again}")
    expect("already in" in text, text)
    same(c, out, 5)
    # A top-up: the folder of 7 games to 9, the partly filled last shard made again whole.
    o = c.options(out, 5)
    o.games = 9
    text = io.StringIO()
    topped = gen.run(o, ray, ray.remote(worker.make_shard), out=text)
    expect(topped["made"] == 2, f"top-up made {topped}")
    want = c.reference(5, ("--games", "9"))
    expect(digest(out) == want, "a top-up differs from one machine's run of 9 games")


def check_net_shipped(c, cluster):
    out = c.folder("net")
    # The net reaches the workers through the object store; a cache file that does not match its
    # hash is replaced before use.
    cache = worker.cache_dir()
    with open(os.path.join(ROOT, NET), "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    os.makedirs(os.path.join(cache, sha), exist_ok=True)
    with open(os.path.join(cache, sha, "file"), "wb") as f:
        f.write(b"not the net")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        summary, _ = c.drive(out, 6, extra=("--eval-file", NET))
    finally:
        os.chdir(cwd)
    expect(summary["made"] == 4, f"made {summary}")
    same(c, out, 6, ("--eval-file", NET))


def check_two_drivers(c, cluster):
    out = c.folder("two")
    args = ["nnue-gen", "--address", c.address, *SETTINGS, "--seed", "7", "--out", out, "--binary", c.binary]
    env = dict(os.environ, NO_COLOR="1")
    ps = [subprocess.Popen(c.command(*args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
          for _ in range(2)]
    texts = [p.communicate(timeout=120)[0] for p in ps]
    for p, t in zip(ps, texts):
        expect(p.returncode == 0, f"a driver failed: {t}")
    made = 0
    for t in texts:
        line = next((x for x in t.splitlines() if x.startswith("generated ") or "already in" in x), "")
        made += int(line.split()[1]) if line.startswith("generated ") else 0
    expect(made == 4, f"two drivers wrote {made} shards, not 4 between them: {texts}")
    expect(all("(4 shards)" in t for t in texts), f"a driver did not end with the 4 shards: {texts}")
    same(c, out, 7)


def check_driver_killed(c, cluster):
    out = c.folder("killed")
    args = ["nnue-gen", "--address", c.address, *SETTINGS, "--seed", "8", "--out", out, "--binary", c.binary,
            "--shard-games", "1"]
    p = subprocess.Popen(c.command(*args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if os.path.isdir(out) and any(n.endswith(".zldata") for n in os.listdir(out)):
            break
        time.sleep(0.05)
    p.kill()
    p.wait()
    shards = [n for n in os.listdir(out) if n.endswith(".zldata")]
    expect(0 < len(shards) < 7, f"the driver was killed with {len(shards)} of 7 shards written")
    # What a driver killed while writing leaves: a temporary file of a process that is gone
    # (removed by the rerun), and one of a process that still runs (kept).
    stale = os.path.join(out, f".gen-s8-00006.zldata.tmp-{p.pid}-0123abcd")
    live = os.path.join(out, f".gen-s8-00006.zldata.tmp-{os.getpid()}-0123abcd")
    for path in (stale, live):
        with open(path, "wb") as f:
            f.write(b"ZLNNDATA partial")
    o = c.options(out, 8)
    o.shard_games = 1
    text = io.StringIO()
    summary = gen.run(o, ray, ray.remote(worker.make_shard), out=text)
    expect(summary["skipped"] == len(shards), f"the rerun did not keep the {len(shards)} shards: {summary}")
    expect(not os.path.exists(stale) and os.path.exists(live), "a dead writer's temporary file was not removed")
    os.unlink(live)
    ref = c.folder("killed-ref")
    subprocess.run([c.binary, "nnue", "gen", *SETTINGS, "--seed", "8", "--shard-games", "1", "--out", ref],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    expect(digest(out) == digest(ref), "a killed and rerun driver's folder differs from one machine's run")


def corrupting_task(marks):
    """make_shard, but the first answer for shard 1 has a flipped byte (and a SHA-256 made after
    the flip, so only the data file's own checksum can tell)."""

    def task(job, k, manifest):
        r = worker.make_shard(job, k, manifest)
        mark = os.path.join(marks, f"corrupted-{k}")
        if k == 1 and not os.path.exists(mark):
            open(mark, "w").close()
            data = bytearray(r["data"])
            data[40] ^= 0xFF
            r["data"] = bytes(data)
            r["sha256"] = hashlib.sha256(r["data"]).hexdigest()
        return r

    return task


def check_corrupt_shard(c, cluster):
    out, marks = c.folder("corrupt"), c.folder("corrupt-marks")
    os.makedirs(marks)
    summary, text = c.drive(out, 9, task=corrupting_task(marks))
    expect(os.path.exists(os.path.join(marks, "corrupted-1")), "the corrupting task never ran")
    expect(summary["refused"] == 1, f"the corrupt shard was not refused: {summary}")
    expect("shard 1 from node" in text and "checksum mismatch" in text, text)
    same(c, out, 9)


def slow_task(marks):
    """make_shard that first records which node started which shard, then takes 2 s longer."""

    def task(job, k, manifest):
        node = ray.get_runtime_context().get_node_id()
        open(os.path.join(marks, f"start-{k}-{node}-{os.getpid()}"), "w").close()
        time.sleep(2)
        return worker.make_shard(job, k, manifest)

    return task


def check_node_killed(c, cluster):
    out, marks = c.folder("node"), c.folder("node-marks")
    os.makedirs(marks)
    victim = cluster.add_node(num_cpus=1, node_ip_address="127.0.0.1")
    cluster.wait_for_nodes()
    victim_id = victim.node_id
    result = {}

    def drive():
        try:
            result["summary"] = c.drive(out, 10, task=slow_task(marks))[0]
        except BaseException as e:  # noqa: BLE001 - reported below
            result["error"] = e

    t = threading.Thread(target=drive)
    t.start()
    deadline = time.monotonic() + 30
    started = []
    while time.monotonic() < deadline and not started:
        started = [n for n in os.listdir(marks) if f"-{victim_id}-" in n]
        time.sleep(0.05)
    expect(started, "no task started on the node to kill")
    cluster.remove_node(victim, allow_graceful=False)
    t.join(timeout=90)
    expect(not t.is_alive(), "the driver did not finish after a node was lost")
    expect("error" not in result, f"the driver failed after a node was lost: {result.get('error')!r}")
    lost = {int(n.split("-")[1]) for n in started}
    by = result["summary"]["from"]
    expect(all(by[k] != victim_id for k in lost), f"shards {lost} started on the killed node: made by {by}")
    same(c, out, 10)


def check_refused_input(c, cluster):
    out = c.folder("refused")
    c.drive(out, 11)  # seed 11's data, made with --nodes 300
    env = dict(os.environ, NO_COLOR="1")

    def one_line(args, pattern, env=env):
        started = time.monotonic()
        p = subprocess.run(c.command(*args), capture_output=True, text=True, env=env, timeout=60)
        lines = p.stderr.strip().splitlines()
        expect(p.returncode != 0, f"{args} succeeded")
        expect(len(lines) == 1 and pattern in lines[0] and "Traceback" not in p.stderr,
               f"{args}: not the one-line error '{pattern}': {p.stderr!r}")
        expect(time.monotonic() - started < 45, f"{args} took {time.monotonic() - started:.0f} s to refuse")

    base = ["nnue-gen", "--address", c.address, "--binary", c.binary]
    one_line([*base, *SETTINGS[:-4], "--shard-games", "2", "--random-plies", "4", "--nodes", "400", "--seed",
              "11", "--out", out], "nodes 300 there, 400 asked")
    one_line([*base, "--games", "0", "--out", out], "--games: must be at least 1")
    one_line([*base, "--games", "2", "--out", out, "--eval-file", "/nonexistent.nnue"], "no such net")
    one_line([*base, "--games", "2", "--out", c.folder("x"), "--eval-file", "/etc/hostname"], "shard 0: hostname: ")
    one_line(["nnue-gen", "--address", "127.0.0.1:1", "--games", "2", "--out", c.folder("y"), "--binary",
              c.binary], "no Ray cluster at 127.0.0.1:1")
    one_line(["nnue-gen", "--address", c.address, "--games", "2", "--out", c.folder("y"), "--binary",
              "/nonexistent"], "no zerolab binary")
    # Token authentication: a driver with another token is refused, and runs nothing.
    one_line(["nnue-gen", "--address", c.address, "--games", "2", "--out", c.folder("y"), "--binary", c.binary],
             f"cannot join the Ray cluster at {c.address}", env=dict(env, RAY_AUTH_TOKEN=secrets.token_hex(32)))
    expect(not os.path.exists(c.folder("y")), "a refused driver made its output folder")
    expect(digest(out) == c.reference(11), "a refused run changed the folder")


def running(path):
    """Whether a process whose command line names `path` runs."""
    return subprocess.run(["pgrep", "-f", path], stdout=subprocess.DEVNULL).returncode == 0


def check_help_examples(c, cluster):
    """Every example of the helps runs (against this cluster) and stops cleanly on SIGINT."""
    for command in ("nnue-gen", "nnue-loop", "train"):
        p = subprocess.run(c.command(command, "--help"), capture_output=True, text=True, check=True)
        lines = p.stdout.split("examples:", 1)[1].strip().splitlines()
        examples, current = [], ""
        for line in lines:
            current += line.strip().rstrip("\\") + " "
            if not line.rstrip().endswith("\\"):
                examples.append(current.split())
                current = ""
        expect(len(examples) == 2, f"examples: {examples}")
        expect(all(len(x) <= 80 for x in lines), "an example line is wider than 80 columns")
        for example in examples:
            args = [a if a != "127.0.0.1:6379" else c.address for a in example[1:]]
            folder = c.folder("example")
            os.makedirs(os.path.join(folder, "engines"), exist_ok=True)
            for name in (NET, "engines/openings.epd"):
                shutil.copy(os.path.join(ROOT, name), os.path.join(folder, name))
            q = subprocess.Popen(c.command(*args, "--binary", c.binary), cwd=folder, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True,
                                 env=dict(os.environ, PYTHONPATH=os.path.dirname(HERE)))
            time.sleep(8)
            q.send_signal(signal.SIGINT)
            stdout, stderr = q.communicate(timeout=30)
            expect(q.returncode == 130 and "Traceback" not in stderr and "rerun" in stderr,
                   f"{example}: exit {q.returncode}: {stderr}")
            # The interrupted driver's tasks are cancelled, and the zerolab processes they ran end too.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and running(worker.cache_dir()):
                time.sleep(0.2)
            expect(not running(worker.cache_dir()), f"{example}: zerolab still runs after the driver was interrupted")
            shutil.rmtree(folder)


# The loop (zerolab-cluster nnue-loop) against `zerolab nnue loop` on this machine.

LOOP = ["--generations", "2", "--games", "4", "--nodes", "300", "--random-plies", "4", "--epochs", "1",
        "--accumulator", "16", "--batch", "64", "--threads", "1", "--arena-games", "4", "--arena-nodes", "300",
        "--tc", "60+1", "--openings", os.path.join(ROOT, "engines", "openings.epd")]


def loop_digest(folder):
    """{path: SHA-256} of a loop's folder, its records' JSON ({path: object}) without the wall
    time it took (`seconds`) and with the folder's own path as OUT: what the same seeds must
    make on one machine and on the cluster."""
    out = {}
    for base, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(base, name)
            rel = os.path.relpath(path, folder)
            if name.startswith("."):
                continue
            with open(path, "rb") as f:
                data = f.read()
            if name in ("generation.json", "metrics.jsonl"):
                text = data.decode().replace("\\/", "/").replace(folder, "OUT")
                rows = [json.loads(x) for x in text.splitlines() if x.strip()] if name.endswith("l") else [
                    json.loads(text)]
                for row in rows:
                    row.pop("checksum", None)
                    row.pop("seconds", None)
                out[rel] = json.dumps(rows, sort_keys=True)
            else:
                out[rel] = hashlib.sha256(data).hexdigest()
    return out


def loop_reference(c):
    if "loop" not in c.references:
        out = c.folder("loop-ref")
        subprocess.run([c.binary, "nnue", "loop", *LOOP, "--out", out], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        c.references["loop"] = loop_digest(out)
    return c.references["loop"]


def same_loop(c, out):
    got, want = loop_digest(out), loop_reference(c)
    diff = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
    expect(not diff, f"{out} differs from one machine's loop: {diff}")


def drive_loop(c, out, extra=(), task=None):
    o, rest = cli.parser().parse_known_args(["nnue-loop", "--address", c.address, "--out", out, "--binary", c.binary,
                                             *LOOP, *extra])
    text = io.StringIO()
    summary = loop.run(o, ["nnue", "loop", *rest], ray, ray.remote(worker.make_shard),
                       ray.remote(task or worker.run_command), out=text)
    return summary, text.getvalue()


def corrupting_command(marks):
    """run_command, but the first answer for generation 0's first arena part claims a game
    more than the part holds (with a SHA-256 made after the change)."""

    def task(job, command):
        r = worker.run_command(job, command)
        mark = os.path.join(marks, "corrupted")
        if r["output"].endswith("vs-handcrafted-0-1.json") and not os.path.exists(mark):
            open(mark, "w").close()
            r["data"] = r["data"].replace(b'"wins" : ', b'"wins" : 1', 1)
            r["sha256"] = hashlib.sha256(r["data"]).hexdigest()
        return r

    return task


def check_loop_corrupt_part(c, cluster):
    out, marks = c.folder("loop-corrupt"), c.folder("loop-corrupt-marks")
    os.makedirs(marks)
    _, text = drive_loop(c, out, task=corrupting_command(marks))
    expect(os.path.exists(os.path.join(marks, "corrupted")), "the corrupting task never ran")
    expect("vs-handcrafted-0-1.json from node" in text and "refused" in text, text)
    same_loop(c, out)


def check_loop_identical(c, cluster):
    out = c.folder("loop")
    summary, text = drive_loop(c, out)
    steps = [(0, "data"), (0, "arena"), (1, "data"), (1, "arena")]
    expect(summary["steps"] == steps, f"the loop's steps on the cluster: {summary['steps']}\n{text}")
    expect(summary["games"] == 4 + 8, f"arena games on the cluster: {summary['games']}")
    same_loop(c, out)
    with open(os.path.join(out, "gen1", "data", "gen-s1001.json")) as f:
        expect(json.load(f)["evaluation"] == "gen0/net.nnue", "generation 1's data names another player")
    again, text = drive_loop(c, out)
    expect(again["steps"] == [] and "done before" in text, f"a rerun of a finished loop did work: {again}")
    same_loop(c, out)
    # Another folder's loop with other settings is refused by zerolab, in one line.
    env = dict(os.environ, NO_COLOR="1")
    p = subprocess.run(c.command("nnue-loop", "--address", c.address, "--out", out, "--binary", c.binary, *LOOP,
                                 "--window", "3"), capture_output=True, text=True, env=env, timeout=60)
    lines = p.stderr.strip().splitlines()
    expect(p.returncode == 1 and len(lines) == 1 and "other settings" in lines[0], f"other settings: {p.stderr!r}")


def kill_driver_when(c, out, ready):
    """Starts the loop's driver in a process of its own and kills it (SIGKILL) once
    `ready()` holds."""
    args = ["nnue-loop", "--address", c.address, "--out", out, "--binary", c.binary, *LOOP]
    p = subprocess.Popen(c.command(*args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 50
    while time.monotonic() < deadline and p.poll() is None and not ready():
        time.sleep(0.02)
    expect(p.poll() is None, "the driver ended before it could be killed")
    p.kill()
    p.wait()


def check_loop_driver_killed(c, cluster):
    """A driver killed mid-arena, then mid-data, continues when rerun; a one-machine loop
    finishes a folder the cluster started; each ends with one machine's files."""
    out = c.folder("loop-killed")
    arena0 = os.path.join(out, "gen0", "arena")
    kill_driver_when(c, out, lambda: os.path.isdir(arena0) and len(os.listdir(arena0)) >= 1)
    expect(not os.path.exists(os.path.join(out, "gen0", "generation.json")), "killed after generation 0's arena")
    data1 = os.path.join(out, "gen1", "data")
    kill_driver_when(c, out, lambda: os.path.isdir(data1) and any(n.endswith(".json") for n in os.listdir(data1)))
    expect(os.path.exists(os.path.join(out, "gen0", "generation.json")), "killed before generation 0 ended")
    summary, text = drive_loop(c, out)
    expect((1, "arena") in summary["steps"] and (0, "data") not in summary["steps"], f"rerun: {summary['steps']}")
    same_loop(c, out)
    # The folder of a killed cluster run, finished by `zerolab nnue loop` on this machine.
    out = c.folder("loop-one")
    kill_driver_when(c, out, lambda: os.path.exists(os.path.join(out, "gen1", "net.nnue")))
    subprocess.run([c.binary, "nnue", "loop", *LOOP, "--out", out], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    expect(not os.path.exists(os.path.join(out, "delegated.json")), "one machine's loop left delegated work")
    same_loop(c, out)


# The learner (zerolab-cluster train) against `zerolab train` on this machine.

TRAIN = ["--size", "3x3", "--iterations", "3", "--games", "8", "--sims", "16", "--part-games", "4", "--seed", "3",
         "--steps", "20"]


def train_digest(folder):
    """{path: SHA-256 or records} of a learning run's folder: every file but the checkpoint's
    network file (whose header carries the checksum of its state, wall time included), the
    JSON without wall times."""
    out = {}
    for base, _, names in os.walk(folder):
        for name in names:
            rel = os.path.relpath(os.path.join(base, name), folder)
            if name.startswith(".") or rel == os.path.join("checkpoint", "network.safetensors"):
                continue
            with open(os.path.join(base, name), "rb") as f:
                data = f.read()
            if name in ("metrics.jsonl", "state.json"):
                rows = [json.loads(x) for x in data.decode().splitlines() if x.strip()]
                out[rel] = json.dumps([{k: v for k, v in r.items() if "second" not in k and k != "checksum"}
                                       for r in rows], sort_keys=True)
            else:
                out[rel] = hashlib.sha256(data).hexdigest()
    return out


CHESS = ["--iterations", "2", "--games", "4", "--sims", "8", "--max-plies", "20", "--blocks", "1", "--channels", "8",
         "--part-games", "2", "--steps", "4"]


def train_reference(c, game="hexapawn", args=TRAIN):
    if game not in c.references:
        out = c.folder(f"train-ref-{game}")
        subprocess.run([c.binary, "train", game, *args, "--out", out], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        c.references[game] = train_digest(out)
    return c.references[game]


def same_train(c, out, game="hexapawn", args=TRAIN):
    got, want = train_digest(out), train_reference(c, game, args)
    diff = sorted(k for k in set(got) | set(want) if got.get(k) != want.get(k))
    expect(not diff, f"{out} differs from one machine's run: {diff}")


def drive_train(c, out, game="hexapawn", args=TRAIN):
    o, rest = cli.parser().parse_known_args(["train", game, "--address", c.address, "--out", out, "--binary",
                                             c.binary, *args])
    text = io.StringIO()
    summary = loop.run(o, cli.train_args(o, rest), ray, ray.remote(worker.make_shard),
                       ray.remote(worker.run_command), out=text)
    return summary, text.getvalue()


def check_train_identical(c, cluster):
    out = c.folder("train")
    summary, text = drive_train(c, out)
    expect(summary["steps"] == [(1, "selfplay"), (2, "selfplay"), (3, "selfplay")], f"steps: {summary['steps']}")
    expect(summary["selfplay_games"] == 24 and summary["samples"] > 0, f"self-play on the cluster: {summary}")
    expect(not os.path.exists(os.path.join(out, "selfplay")), "the played parts were left in the run folder")
    same_train(c, out)
    again, text = drive_train(c, out)
    expect(again["steps"] == [], f"a rerun of a finished run played: {again['steps']}")
    same_train(c, out)


def check_train_chess_identical(c, cluster):
    out = c.folder("train-chess")
    summary, _ = drive_train(c, out, "chess", CHESS)
    expect(summary["steps"] == [(1, "selfplay"), (2, "selfplay")], f"steps: {summary['steps']}")
    same_train(c, out, "chess", CHESS)


def check_train_driver_killed(c, cluster):
    """A driver killed once iteration 2's self-play is handed out continues when rerun."""
    out = c.folder("train-killed")
    part = os.path.join(out, "selfplay", "iteration-2", "job.json")
    args = ["train", "hexapawn", "--address", c.address, "--out", out, "--binary", c.binary, *TRAIN]
    p = subprocess.Popen(c.command(*args), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 50
    while time.monotonic() < deadline and p.poll() is None and not os.path.exists(part):
        time.sleep(0.01)
    expect(p.poll() is None, "the driver ended before it could be killed")
    p.kill()
    p.wait()
    summary, _ = drive_train(c, out)
    expect(summary["steps"] and summary["steps"][0][0] in (2, 3), f"the rerun did not continue: {summary['steps']}")
    same_train(c, out)


CHECKS = [check_identical_and_rerun, check_net_shipped, check_two_drivers, check_driver_killed,
          check_corrupt_shard, check_refused_input, check_help_examples, check_node_killed, check_loop_identical,
          check_loop_driver_killed, check_loop_corrupt_part, check_train_identical, check_train_chess_identical,
          check_train_driver_killed]


def main():
    binary = os.path.abspath(sys.argv[1])
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    c = Check(binary)
    temp = os.path.join(os.environ["RAY_TMPDIR"], "ray")
    os.makedirs(temp)
    os.environ["ZEROLAB_CLUSTER_CACHE"] = os.path.join(c.tmp, "cache")
    passed = failed = 0
    cluster = None
    try:
        node = {"node_ip_address": "127.0.0.1", "num_cpus": 1}
        cluster = Cluster(initialize_head=True, head_node_args={
            **node, "num_cpus": 0, "include_dashboard": False, "temp_dir": temp,
            "_system_config": {"health_check_period_ms": 500, "health_check_failure_threshold": 4}})
        for _ in range(2):
            cluster.add_node(**node)
        cluster.wait_for_nodes()
        c.address = cluster.address
        cli.connect(c.address)
        for check in CHECKS:
            if only not in check.__name__:
                continue
            started = time.monotonic()
            try:
                check(c, cluster)
                passed += 1
                print(f"ok    {check.__name__} ({time.monotonic() - started:.1f} s)", flush=True)
            except Exception as e:  # noqa: BLE001 - every check reports
                failed += 1
                print(f"FAIL  {check.__name__} ({time.monotonic() - started:.1f} s): {e}", flush=True)
    finally:
        with contextlib.suppress(Exception):
            ray.shutdown()
        if cluster is not None:
            cluster.shutdown()
        shutil.rmtree(os.environ["RAY_TMPDIR"], ignore_errors=True)
        shutil.rmtree(c.tmp, ignore_errors=True)
    print(f"cluster: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
