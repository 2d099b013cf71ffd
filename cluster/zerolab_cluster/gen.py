"""The nnue-gen driver: shards as Ray tasks, written on the head as they arrive."""

import json
import os
import re
import sys
import time

from zerolab_cluster import shards
from zerolab_cluster.progress import Progress
from zerolab_cluster.worker import ShardFailed


class DriverError(Exception):
    """A one-line error for the user."""


def shard_path(out, seed, k):
    return os.path.join(out, f"gen-s{seed}-{k:05d}.zldata")


def manifest_path(out, seed):
    return os.path.join(out, f"gen-s{seed}.json")


def gen_args(o):
    """The `zerolab nnue gen` arguments that decide the bytes (everything but --out, the net's
    path, --shards and --threads)."""
    args = ["--games", str(o.games), "--seed", str(o.seed), "--shard-games", str(o.shard_games)]
    args += ["--random-plies", str(o.random_plies)]
    if o.depth is not None:
        args += ["--depth", str(o.depth)]
    if o.nodes is not None:
        args += ["--nodes", str(o.nodes)]
    if o.every_position:
        args.append("--every-position")
    return args


def net_name(path):
    """The name the net has in the workers' command (and so in the run's manifest): the path as
    given when it is relative and stays inside the folder, else its file name."""
    norm = os.path.normpath(path)
    if os.path.isabs(norm) or norm.split(os.sep)[0] == "..":
        return os.path.basename(norm)
    return norm


def expected_settings(o, evaluation):
    """The manifest members a folder's earlier run must share with this one (None: absent)."""
    nodes = o.nodes if o.nodes is not None else (5000 if o.depth is None else None)
    return {
        "seed": o.seed,
        "nodes": nodes,
        "depth": o.depth,
        "random_plies": o.random_plies,
        "games_per_shard": o.shard_games,
        "every_position": True if o.every_position else None,
        "evaluation": evaluation,
    }


def remove_stale_temporaries(out, seed):
    """Removes the temporary files of this seed's shards and manifest left in `out` by a writer
    on this machine that was killed (its process is gone); returns how many."""
    pattern = re.compile(rf"^\.gen-s{seed}(-\d+\.zldata|\.json)\.tmp-(\d+)-[0-9a-f]+$")
    removed = 0
    for name in os.listdir(out):
        m = pattern.match(name)
        if not m:
            continue
        try:
            os.kill(int(m[2]), 0)
            continue  # its writer still runs
        except ProcessLookupError:
            pass
        except PermissionError:
            continue
        try:
            os.unlink(os.path.join(out, name))
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def plan(o, evaluation):
    """Checks the folder's manifest against the settings; returns (shards to make, the partly
    filled shard of a smaller earlier run to remove before anything is written, or None,
    the manifest bytes there or None)."""
    count = (o.games + o.shard_games - 1) // o.shard_games
    path = manifest_path(o.out, o.seed)
    before = None
    redo = None
    if os.path.exists(path):
        with open(path, "rb") as f:
            before = f.read()
        try:
            m = json.loads(before)
            there = dict(m["settings"], evaluation=m["evaluation"])
            games = int(m["settings"]["games"])
        except (ValueError, KeyError, TypeError):
            raise DriverError(f"{path} is corrupted: remove it only if the folder's shards match the settings you give")
        wanted = expected_settings(o, evaluation)
        diff = [f"{k} {there.get(k, 'none')} there, {v if v is not None else 'none'} asked"
                for k, v in sorted(wanted.items()) if there.get(k) != v]
        if diff:
            raise DriverError(
                f"{o.out} holds data of seed {o.seed} made with other settings ({'; '.join(diff)}): "
                "give the same settings, or another output folder or seed")
        if games > o.games:
            raise DriverError(f"{o.out} already holds {games} games, more than the {o.games} asked")
        if games < o.games and games % o.shard_games != 0:
            redo = games // o.shard_games
    todo = [k for k in range(count) if k == redo or not os.path.exists(shard_path(o.out, o.seed, k))]
    return count, todo, redo, before


def load_blob(ray, path, what):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise DriverError(f"cannot read the {what} {path}: {e.strerror}")
    return {"sha256": shards.sha256(data), "ref": [ray.put(data)]}, len(data)


def finished(ray, pending, progress):
    """(key, ref) of `pending`'s tasks ({ref: key}, which the caller may add to meanwhile) as
    each finishes, taken out of `pending`; the progress line ticks at least once a second."""
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1, timeout=1.0)
        progress.tick()
        for ref in ready:
            yield pending.pop(ref), ref


def task_result(ray, ref, name, tries):
    """The result of a finished task; a one-line DriverError naming `name` when zerolab refused
    (ShardFailed: not retried) or when the task was lost `tries` times."""
    try:
        return ray.get(ref)
    except Exception as e:  # noqa: BLE001 - Ray wraps the task's error
        cause = getattr(e, "cause", None)
        if isinstance(cause, ShardFailed):
            raise DriverError(f"{name}: {cause}")
        raise DriverError(f"{name} was lost {tries} times ({type(e).__name__}): rerun the same command to continue")


def run(o, ray, task, out=sys.stdout):
    """Generates the missing shards of the run `o` (parsed options) with `task` (a Ray remote
    function like worker.make_shard) and writes them into o.out. Returns a summary dict."""
    evaluation = "handcrafted" if o.eval_file is None else net_name(o.eval_file)
    os.makedirs(o.out, exist_ok=True)
    remove_stale_temporaries(o.out, o.seed)
    count, todo, redo, before = plan(o, evaluation)
    summary = {"shards": count, "made": 0, "skipped": count - len(todo), "positions": 0, "by_node": {},
               "lost_to_others": 0, "refused": 0, "from": {}}
    if not todo:
        print(f"cluster gen: all {count} shards of seed {o.seed} are already in {o.out}", file=out)
        return summary
    binary, _ = load_blob(ray, o.binary, "zerolab binary")
    # The net's file on this machine (o.eval_path, when it is not at the name the workers use).
    net_file = getattr(o, "eval_path", None) or o.eval_file
    net = load_blob(ray, net_file, "net")[0] if o.eval_file is not None else None
    job = ray.put({"binary": binary, "net": net, "net_name": evaluation, "seed": o.seed, "args": gen_args(o)})
    if redo is not None:
        try:
            os.unlink(shard_path(o.out, o.seed, redo))
        except FileNotFoundError:
            pass
    options = {"max_retries": o.max_retries, "retry_exceptions": False, "num_cpus": 1}
    window = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))
    queue = list(todo)
    tries = {k: 0 for k in todo}
    pending = {}
    manifest = None
    progress = Progress(out, len(todo), o.shard_games, o.games, count)

    def submit():
        while queue and len(pending) < window:
            k = queue.pop(0)
            if os.path.exists(shard_path(o.out, o.seed, k)) and k != redo:
                summary["lost_to_others"] += 1  # another driver wrote it meanwhile
                progress.done_elsewhere()
                continue
            tries[k] += 1
            pending[task.options(**options).remote(job, k, before)] = k

    submit()
    try:
        for k, ref in finished(ray, pending, progress):
            r = task_result(ray, ref, f"shard {k}", tries[k])
            problem = None
            try:
                if r["k"] != k or shards.sha256(r["data"]) != r["sha256"]:
                    raise ValueError("SHA-256 mismatch")
                positions = shards.check_shard(r["data"])
                if manifest is not None and r["manifest"] != manifest:
                    raise ValueError("a manifest unlike the other shards'")
            except ValueError as e:
                problem = str(e)
            if problem is not None:
                summary["refused"] += 1
                if tries[k] > o.corrupt_retries:
                    raise DriverError(f"shard {k} came back corrupt {tries[k]} times ({problem}): "
                                      "check the worker nodes")
                progress.note(f"shard {k} from node {r['node'][:8]} refused ({problem}); asked again")
                queue.insert(0, k)
                submit()
                continue
            if manifest is None:
                manifest = r["manifest"]
                shards.write_replace(manifest_path(o.out, o.seed), manifest)
            if shards.write_exclusive(shard_path(o.out, o.seed, k), r["data"]):
                summary["made"] += 1
                summary["from"][k] = r["node"]
                summary["positions"] += positions
                node = summary["by_node"].setdefault(r["node"], {"shards": 0, "positions": 0, "seconds": 0.0})
                node["shards"] += 1
                node["positions"] += positions
                node["seconds"] += r["seconds"]
                progress.shard(r["node"], positions)
            else:
                summary["lost_to_others"] += 1
                progress.done_elsewhere()
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
    took = progress.elapsed()
    summary["seconds"] = took
    rate = summary["positions"] / took if took > 0 else 0.0
    extra = f"; {summary['skipped']} shards were already there" if summary["skipped"] else ""
    if summary["lost_to_others"]:
        extra += f"; {summary['lost_to_others']} written by another driver"
    print(f"generated {summary['made']} shards, {summary['positions']:,} positions in {took:.1f} s "
          f"({rate:,.0f} positions/s) on {len(summary['by_node'])} nodes{extra}", file=out)
    print(f"data: {o.out} ({count} shards)", file=out)
    return summary
