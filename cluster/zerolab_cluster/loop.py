"""The loops' driver: `zerolab nnue loop --delegate` or `zerolab train GAME --delegate` on the
head, their games on the cluster.

The loop itself (which net plays, the seeds, training, the arena's verdict, gating, the records,
the checkpoints) stays in `zerolab`: run with --delegate, it trains on the head and, where it
would play games, writes them as `zerolab` commands to OUT/delegated.json and stops. This driver
runs those commands on the cluster (NNUE self-play data as nnue-gen shards; arena parts and
AlphaZero self-play parts as a task each), puts what they make into OUT, and runs the loop
again, until it ends without delegating."""

import json
import os
import subprocess
import sys
import tempfile
import time

from zerolab_cluster import gen, shards
from zerolab_cluster.gen import DriverError, finished, load_blob, task_result
from zerolab_cluster.progress import Progress
from zerolab_cluster.worker import _die_with_parent


def delegated_path(out):
    return os.path.join(out, "delegated.json")


def head_loop(o, head_args, out):
    """Runs `zerolab HEAD_ARGS --out OUT --delegate` here (the head), its output passed on line
    by line; returns the delegated work, or None when the loop is done."""
    command = [o.binary, *head_args, "--out", o.out, "--delegate"]
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=err, stdin=subprocess.DEVNULL, text=True,
                             preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        try:
            for line in p.stdout:
                if not line.startswith("delegated: "):
                    out.write(line)
                    out.flush()
            p.wait()
        except BaseException:
            p.kill()
            p.wait()
            raise
        if p.returncode != 0:
            err.seek(0)
            lines = [x for x in err.read().decode(errors="replace").splitlines() if x.strip()]
            errors = [x for x in lines if x.startswith("Error: ")]
            last = (errors or lines)[-1].removeprefix("Error: ") if lines else f"exited {p.returncode}"
            raise DriverError(f"zerolab {' '.join(head_args[:2])}: {last}")
    path = delegated_path(o.out)
    if not os.path.exists(path):
        return None
    try:
        with open(path, "rb") as f:
            work = json.loads(f.read())
        work.pop("checksum", None)
        if work["step"] not in ("data", "arena", "selfplay") or not work["commands"]:
            raise ValueError(work["step"])
    except (ValueError, KeyError, TypeError):
        raise DriverError(f"{path} is not work this driver knows: use the zerolab-cluster of this zerolab")
    return work


def inside(out, name):
    """`out/name`, refused when `name` leaves `out`."""
    norm = os.path.normpath(name)
    if os.path.isabs(norm) or norm.split(os.sep)[0] == "..":
        raise DriverError(f"delegated work names a file outside {out}: {name}")
    return os.path.join(out, norm)


def run_data(o, work, ray, shard_task, out):
    """The delegated `zerolab nnue gen`: its shards as nnue-gen tasks, into OUT/gen<k>/data."""
    from zerolab_cluster import cli

    command = work["commands"][0]
    args = command["arguments"]
    if args[:2] != ["nnue", "gen"]:
        raise DriverError(f"delegated data is not made by zerolab nnue gen: {' '.join(args[:2])}")
    g = cli.parser().parse_args(["nnue-gen", "--address", o.address, "--binary", o.binary, *args[2:]])
    g.out = inside(o.out, g.out)
    g.max_retries, g.corrupt_retries = o.max_retries, o.corrupt_retries
    if g.eval_file is not None:
        g.eval_path = command["inputs"][g.eval_file]
    return gen.run(g, ray, shard_task, out=out)


def check_part(step, data):
    """What a part holds (games), ValueError when it is not what its step makes."""
    part = json.loads(data)
    if step == "arena":
        games = part["wins"] + part["draws"] + part["losses"]
        if games != part["count"]:
            raise ValueError(f"{games} games in a part of {part['count']}")
        return games, 0
    if len(part["games"]) != len(part["seeds"]):
        raise ValueError(f"{len(part['games'])} games for {len(part['seeds'])} seeds")
    return len(part["games"]), sum(len(g["samples"]) for g in part["games"])


def run_commands(o, work, ray, match_task, out):
    """The delegated commands (arena parts, `zerolab nnue match`; self-play parts,
    `zerolab selfplay`), a task each; each result is checked and written whole into OUT as
    it arrives."""
    binary, _ = load_blob(ray, o.binary, "zerolab binary")
    blobs = {}
    commands = []
    for c in work["commands"]:
        inputs = {}
        for name, path in c["inputs"].items():
            if path not in blobs:
                blobs[path] = load_blob(ray, path, "file")[0]
            inputs[name] = blobs[path]
        commands.append({"arguments": c["arguments"], "inputs": inputs, "output": c["output"]})
    job = ray.put({"binary": binary})
    options = {"max_retries": o.max_retries, "retry_exceptions": False, "num_cpus": 1}
    window = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
    queue = list(range(len(commands)))
    tries = [0] * len(commands)
    pending = {}
    summary = {"parts": len(commands), "games": 0, "samples": 0, "by_node": {}, "refused": 0}
    step = work["step"]
    progress = Progress(out, len(commands), label=f"cluster {step}", unit="parts", measure="games", digits=1)

    def submit():
        while queue and len(pending) < window:
            i = queue.pop(0)
            tries[i] += 1
            pending[match_task.options(**options).remote(job, commands[i])] = i

    submit()
    try:
        for i, ref in finished(ray, pending, progress):
            name = commands[i]["output"]
            r = task_result(ray, ref, name, tries[i])
            try:
                if r["output"] != name or shards.sha256(r["data"]) != r["sha256"]:
                    raise ValueError("SHA-256 mismatch")
                games, samples = check_part(step, r["data"])
            except (ValueError, KeyError, TypeError) as e:
                summary["refused"] += 1
                if tries[i] > o.corrupt_retries:
                    raise DriverError(f"{name} came back corrupt {tries[i]} times ({e}): check the worker nodes")
                progress.note(f"{name} from node {r.get('node', '?')[:8]} refused ({e}); asked again")
                queue.insert(0, i)
                submit()
                continue
            target = inside(o.out, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shards.write_replace(target, r["data"])
            summary["games"] += games
            summary["samples"] += samples
            node = summary["by_node"].setdefault(r["node"], {"parts": 0, "seconds": 0.0})
            node["parts"] += 1
            node["seconds"] += r["seconds"]
            progress.shard(r["node"], games)
            submit()
    except KeyboardInterrupt:
        # No cancelling here: the driver exits at once, and Ray ends a finished driver's tasks
        # (cancelling a task caught in a retry can abort Ray's own core).
        progress.end()
        raise
    except BaseException:
        for ref in pending:
            ray.cancel(ref, force=True)
        progress.end()
        raise
    progress.end()
    summary["seconds"] = progress.elapsed()
    what = "arena parts" if step == "arena" else "self-play parts"
    extra = f" ({summary['samples']:,} samples)" if step == "selfplay" else ""
    print(f"played {summary['parts']} {what}, {summary['games']} games{extra} in {summary['seconds']:.1f} s "
          f"on {len(summary['by_node'])} nodes", file=out)
    return summary


def run(o, head_args, ray, shard_task, match_task, out=sys.stdout):
    """Runs (or continues) the loop in o.out: `zerolab HEAD_ARGS --delegate` on this machine
    (`nnue loop ...` or `train GAME ... --resume`), and what it delegates on the cluster, until
    it is done. Returns a summary dict (seconds on the head, and on the cluster by step;
    positions; arena games; self-play games and samples)."""
    os.makedirs(o.out, exist_ok=True)
    summary = {"head_seconds": 0.0, "data_seconds": 0.0, "arena_seconds": 0.0, "selfplay_seconds": 0.0,
               "positions": 0, "games": 0, "selfplay_games": 0, "samples": 0, "steps": []}
    start = time.monotonic()
    last = None
    while True:
        t = time.monotonic()
        work = head_loop(o, head_args, out)
        summary["head_seconds"] += time.monotonic() - t
        if work is None:
            break
        if work == last:
            raise DriverError(f"the loop asked again for the work just done ({delegated_path(o.out)})")
        last = work
        summary["steps"].append((work["generation"], work["step"]))
        t = time.monotonic()
        if work["step"] == "data":
            s = run_data(o, work, ray, shard_task, out)
            summary["positions"] += s["positions"]
            summary["data_seconds"] += time.monotonic() - t
        elif work["step"] == "arena":
            s = run_commands(o, work, ray, match_task, out)
            summary["games"] += s["games"]
            summary["arena_seconds"] += time.monotonic() - t
        else:
            s = run_commands(o, work, ray, match_task, out)
            summary["selfplay_games"] += s["games"]
            summary["samples"] += s["samples"]
            summary["selfplay_seconds"] += time.monotonic() - t
    summary["seconds"] = time.monotonic() - start
    if head_args[0] == "train":
        print(f"cluster train: {summary['seconds']:.1f} s: self-play {summary['selfplay_seconds']:.1f} s on the "
              f"cluster, training and the rest {summary['head_seconds']:.1f} s on the head", file=out)
    else:
        print(f"cluster loop: {summary['seconds']:.1f} s: self-play {summary['data_seconds']:.1f} s and arena "
              f"{summary['arena_seconds']:.1f} s on the cluster, training and the rest "
              f"{summary['head_seconds']:.1f} s on the head", file=out)
    return summary
