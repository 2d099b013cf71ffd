"""What runs on a worker node: one shard of a `zerolab nnue gen` run.

The binary and the net come through Ray's object store, not a shared filesystem: each node
keeps them in a cache folder named by their SHA-256, and every task checks the hash of the
cached file before it runs it (a file that does not match is fetched again)."""

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

from zerolab_cluster import shards


class ShardFailed(Exception):
    """zerolab refused or failed: its last error line (not retried: the settings are wrong)."""


def cache_dir():
    return os.environ.get("ZEROLAB_CLUSTER_CACHE") or os.path.join(tempfile.gettempdir(), "zerolab-cluster-cache")


def _file_sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _die_with_parent():
    """In the child, before zerolab starts: Linux kills it when the Ray worker that started it
    dies (a cancelled task, a lost node), so no shard is played on for nobody."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def materialize(blob, executable=False):
    """The path of `blob` ({"sha256", "ref"}) in this node's cache, fetched from the object
    store when missing or not matching its hash; the file's hash is checked on every call."""
    import ray

    folder = os.path.join(cache_dir(), blob["sha256"])
    path = os.path.join(folder, "file")
    if os.path.exists(path) and _file_sha256(path) == blob["sha256"]:
        return path
    os.makedirs(folder, exist_ok=True)
    data = ray.get(blob["ref"][0])
    if shards.sha256(data) != blob["sha256"]:
        raise ShardFailed(f"the object store gave a file whose SHA-256 is not {blob['sha256']}")
    shards.write_replace(path, data, 0o755 if executable else 0o644)
    if _file_sha256(path) != blob["sha256"]:
        raise ShardFailed(f"{path} does not hold what was written (disk full?)")
    return path


def make_shard(job, k, manifest):
    """Runs `zerolab nnue gen ... --shards k` in a fresh folder and returns the shard's bytes,
    their SHA-256, the run's manifest bytes, the node and the seconds it took. `job` holds the
    binary and the net blobs, the net's name in the command and the gen arguments; `manifest`
    is the head's manifest bytes for the seed, or None, so zerolab refuses other settings."""
    import time

    import ray

    start = time.monotonic()
    binary = materialize(job["binary"], executable=True)
    work = tempfile.mkdtemp(prefix="zerolab-shard-")
    try:
        args = list(job["args"])
        if job["net"] is not None:
            target = os.path.join(work, job["net_name"])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.symlink(materialize(job["net"]), target)
            args += ["--eval-file", job["net_name"]]
        out = os.path.join(work, "out")
        os.makedirs(out)
        name = f"gen-s{job['seed']}"
        if manifest is not None:
            with open(os.path.join(out, name + ".json"), "wb") as f:
                f.write(manifest)
        command = [binary, "nnue", "gen", *args, "--out", "out", "--shards", str(k), "--threads", "1"]
        env = dict(os.environ, NO_COLOR="1")
        p = subprocess.run(command, cwd=work, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        if p.returncode != 0:
            lines = [line for line in p.stderr.splitlines() if line.strip()]
            raise ShardFailed(lines[-1].removeprefix("Error: ") if lines else f"zerolab exited {p.returncode}")
        with open(os.path.join(out, f"{name}-{k:05d}.zldata"), "rb") as f:
            data = f.read()
        with open(os.path.join(out, name + ".json"), "rb") as f:
            manifest_out = f.read()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "k": k,
        "data": data,
        "sha256": shards.sha256(data),
        "manifest": manifest_out,
        "node": ray.get_runtime_context().get_node_id(),
        "seconds": time.monotonic() - start,
    }


def run_command(job, command):
    """Runs one command of a loop's delegated work (`zerolab nnue match ...`) in a fresh folder
    holding its inputs under their names, and returns the bytes of the file it made (the
    command's `output`), their SHA-256, the node and the seconds it took. `job` holds the
    binary blob; `command` the arguments, the inputs' blobs by name and the output's name."""
    import time

    import ray

    start = time.monotonic()
    binary = materialize(job["binary"], executable=True)
    work = tempfile.mkdtemp(prefix="zerolab-task-")
    try:
        for name, blob in command["inputs"].items():
            target = os.path.join(work, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            os.symlink(materialize(blob), target)
        env = dict(os.environ, NO_COLOR="1")
        p = subprocess.run([binary, *command["arguments"]], cwd=work, env=env, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True,
                           preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
        if p.returncode != 0:
            lines = [line for line in p.stderr.splitlines() if line.strip()]
            raise ShardFailed(lines[-1].removeprefix("Error: ") if lines else f"zerolab exited {p.returncode}")
        with open(os.path.join(work, command["output"]), "rb") as f:
            data = f.read()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {
        "output": command["output"],
        "data": data,
        "sha256": shards.sha256(data),
        "node": ray.get_runtime_context().get_node_id(),
        "seconds": time.monotonic() - start,
    }
