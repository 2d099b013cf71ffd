"""zerolab-cluster: ZeroLab's commands on a Ray cluster (docs/cluster.md)."""

import argparse
import contextlib
import os
import shutil
import socket
import sys
import tempfile

from zerolab_cluster.progress import error

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

GEN_EPILOG = """\
Each shard (--shard-games games) is a Ray task that runs `zerolab nnue gen --shards k` on a
worker node and returns the shard's bytes; the driver checks them (SHA-256 and the data
file's checksum; a corrupt shard is asked again) and writes each one whole into OUT as it
arrives, with the manifest gen-s<seed>.json: the same files, byte for byte, as `zerolab nnue
gen` with the same settings on one machine. The zerolab binary and the net travel through
Ray's object store; each node checks their SHA-256 before use. A rerun skips the shards
already in OUT (so a killed driver continues where it stopped), two drivers on one folder
never write a shard twice, and a task whose node dies is run again elsewhere (--max-retries).

examples:
  zerolab-cluster nnue-gen --address 127.0.0.1:6379 --games 1000 --nodes 5000 \\
    --out data/gen0
  zerolab-cluster nnue-gen --address 127.0.0.1:6379 --games 1000 --depth 6 \\
    --out data/gen1 --seed 2 --eval-file engines/zerolab-nnue.nnue
"""


LOOP_EPILOG = """\
The options not listed here are those of `zerolab nnue loop` (see its --help), passed on as
they are. The loop runs on this machine (the head) with --delegate: it trains each
generation's net here and, where it would play games, leaves them as zerolab commands in
OUT/delegated.json; the driver runs them on the cluster (the self-play data as nnue-gen shards,
the arena in parts of 2 games, each part a `zerolab nnue match` task; the nets travel through
the object store like the binary) and runs the loop again, until it is done. OUT holds what
`zerolab nnue loop` makes on one machine with the same options; with --arena-nodes (and a
--tc that never binds) the same bytes, but for the wall times in the records. A killed
driver continues when rerun, as does a one-machine `zerolab nnue loop` on the same folder.

examples:
  zerolab-cluster nnue-loop --address 127.0.0.1:6379 --out runs/loop \\
    --generations 3 --games 400 --epochs 8 --arena-nodes 20000 --tc 60+1
  zerolab-cluster nnue-loop --address 127.0.0.1:6379 --out runs/loop-small \\
    --generations 5 --games 64 --nodes 300 --epochs 1 --arena-games 4 \\
    --arena-nodes 300 --tc 60+1 --accumulator 16 --batch 64
"""


TRAIN_EPILOG = """\
The options not listed here are those of `zerolab train` (see its --help), passed on as they
are. The learner runs on this machine (the head) with --delegate --resume: each iteration it
leaves its self-play games in parts of --part-games (4 unless given) as `zerolab selfplay`
commands in OUT/delegated.json, with the job (the configuration, every game's seeds) and the
network that plays in OUT/selfplay/iteration-<n>/; the driver plays each part as a task (the
job and the network travel through the object store, checked by SHA-256), writes its games
whole there, and reruns the learner, which records them in order, trains, gates, measures and
saves its checkpoint, as `zerolab train` does. With the same --part-games, OUT is what one
machine makes, byte for byte but for wall times. A killed driver continues when rerun.

examples:
  zerolab-cluster train hexapawn --address 127.0.0.1:6379 --out runs/h3 \\
    --size 3x3 --iterations 300 --games 24
  zerolab-cluster train hexapawn --address 127.0.0.1:6379 --out runs/h4 \\
    --size 4x4 --iterations 200 --sims 48 --games 16 --part-games 8
"""


def default_binary():
    built = os.path.join(ROOT, ".build", "release", "zerolab")
    if os.access(built, os.X_OK):
        return built
    return shutil.which("zerolab") or built


def ranged(low, high=None):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, not '{text}'")
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {low}...{high}" if high is not None else f"must be at least {low}")
        return value

    return parse


class Parser(argparse.ArgumentParser):
    """Bad input is one line on stderr ("Error: ..."), exit status 2; --help shows the usage."""

    def error(self, message):
        print(f"Error: {self.prog}: {message.replace('argument ', '', 1)}", file=sys.stderr)
        sys.exit(2)


def parser():
    p = Parser(
        prog="zerolab-cluster",
        description="ZeroLab's self-play on a Ray cluster (docs/cluster.md).",
        epilog="examples:\n  zerolab-cluster nnue-gen --help\n  zerolab-cluster nnue-loop --help\n"
               "  zerolab-cluster train --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=Parser)
    g = sub.add_parser(
        "nnue-gen",
        help="zerolab nnue gen, a shard per Ray task",
        description="Generate NNUE training data by self-play on a Ray cluster.",
        epilog=GEN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    g.add_argument("--address", required=True, help="the Ray cluster's head, HOST:PORT (see `ray start --head`)")
    g.add_argument("--games", required=True, type=ranged(1), help="games to play")
    g.add_argument("--out", required=True, help="output folder on this machine (the head)")
    g.add_argument("--nodes", type=ranged(1), help="nodes per move (default 5000 unless --depth)")
    g.add_argument("--depth", type=ranged(1, 64), help="depth per move instead of --nodes")
    g.add_argument("--seed", type=ranged(0, 2**64 - 1), default=1, help="random seed (default 1)")
    g.add_argument("--shard-games", type=ranged(1, 10000), default=16,
                   help="games per shard file, and per task (default 16)")
    g.add_argument("--random-plies", type=ranged(0, 40), default=8,
                   help="random plies at the start of each game (default 8)")
    g.add_argument("--every-position", action="store_true", help="keep every position after the opening")
    g.add_argument("--eval-file", help="an NNUE file the engine evaluates with (default: handcrafted)")
    g.add_argument("--binary", default=default_binary(),
                   help="the zerolab binary shipped to the workers (default: this clone's release build)")
    g.add_argument("--node-ip-address", help="this machine's address on the cluster's network "
                   "(default: 127.0.0.1 for a cluster on loopback, else Ray's guess)")
    g.add_argument("--max-retries", type=ranged(0, 100), default=3,
                   help="runs of a task whose worker or node died, after the first (default 3)")
    g.add_argument("--corrupt-retries", type=ranged(0, 100), default=3,
                   help="times a shard that came back corrupt is asked again (default 3)")
    lp = sub.add_parser(
        "nnue-loop",
        help="zerolab nnue loop: its self-play and arena games as Ray tasks",
        description="The NNUE self-play loop on a Ray cluster: the games on the workers, training on the head.",
        epilog=LOOP_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="zerolab-cluster nnue-loop --address HOST:PORT --out OUT [driver options] [zerolab nnue loop options]",
    )
    driver_options(lp, g, "the loop's run folder on this machine (the head)")
    tp = sub.add_parser(
        "train",
        help="zerolab train: its self-play games as Ray tasks",
        description="The AlphaZero-style learner on a Ray cluster: self-play on the workers, training on the head.",
        epilog=TRAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="zerolab-cluster train GAME --address HOST:PORT --out OUT [driver options] [zerolab train options]",
    )
    tp.add_argument("game", choices=["hexapawn", "chess"], help="the game (as for zerolab train)")
    driver_options(tp, g, "the run folder on this machine (the head)")
    return p


def driver_options(p, gen, out_help):
    """The options of a loop's driver: --address, --out, and nnue-gen's (`gen`) driver options."""
    p.add_argument("--address", required=True, help="the Ray cluster's head, HOST:PORT (see `ray start --head`)")
    p.add_argument("--out", required=True, help=out_help)
    for name in ("--binary", "--node-ip-address", "--max-retries", "--corrupt-retries"):
        action = next(a for a in gen._actions if name in a.option_strings)
        p.add_argument(name, type=action.type, default=action.default, help=action.help.replace("a shard", "a result"))


def train_args(o, rest):
    """`zerolab train GAME ... --resume` (the driver reruns it), with --part-games 4 unless
    given: a cluster plays an iteration's games in parts, one machine with the same
    --part-games plays the same games."""
    args = [a for a in rest if a not in ("--delegate", "--resume")]
    if not any(a == "--part-games" or a.startswith("--part-games=") for a in args):
        args += ["--part-games", "4"]
    return ["train", o.game, *args, "--resume"]


def reachable(address):
    """None when something listens at HOST:PORT, else why not (one line)."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        return f"--address must be HOST:PORT, not '{address}'"
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=5):
            return None
    except OSError as e:
        return f"no Ray cluster at {address} ({e.strerror or e})"


@contextlib.contextmanager
def held_stderr():
    """Holds back what is written to file descriptor 2 (Ray's core logs there, a line a second
    while it retries a refused token) and lets it through only when the block succeeds, so a
    refusal is the one error line of the caller."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        ok = False
        try:
            yield
            ok = True
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            if ok:
                held.seek(0)
                sys.stderr.write(held.read().decode(errors="replace"))


def connect(address, node_ip_address=None):
    """Joins the cluster at `address` as a driver (starting nothing on it). The driver's own
    address is `node_ip_address`, or 127.0.0.1 for a cluster on loopback, or what Ray finds."""
    import ipaddress
    import logging

    host = address.rpartition(":")[0].strip("[]")
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        # Ray turns a loopback head address into this machine's outward address, where a
        # cluster bound to loopback does not listen, unless told this is a one-machine cluster.
        os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
        node_ip_address = node_ip_address or "127.0.0.1"

    import ray

    import zerolab_cluster

    logging.getLogger("ray").setLevel(logging.WARNING)
    with held_stderr():
        ray.init(
            address=address,
            _node_ip_address=node_ip_address,
            runtime_env={"py_modules": [os.path.dirname(zerolab_cluster.__file__)]},
            logging_level=logging.WARNING,
            log_to_driver=False,
        )
    return ray


def main(argv=None):
    p = parser()
    o, rest = p.parse_known_args(argv)
    if rest and o.command not in ("nnue-loop", "train"):
        p.error(f"unrecognized arguments: {' '.join(rest)}")
    if not os.access(o.binary, os.X_OK):
        error(f"no zerolab binary at {o.binary}: build it (make build) or give --binary")
        return 1
    if getattr(o, "eval_file", None) is not None and not os.path.isfile(o.eval_file):
        error(f"no such net: {o.eval_file}")
        return 1
    why = reachable(o.address)
    if why:
        error(why)
        return 1
    from zerolab_cluster import gen

    ray = None
    try:
        try:
            ray = connect(o.address, o.node_ip_address)
        except Exception as e:  # noqa: BLE001 - Ray's refusals (a wrong token, no cluster) in one line
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            error(f"cannot join the Ray cluster at {o.address}: {first}")
            return 1
        if o.command == "nnue-loop":
            from zerolab_cluster import loop

            loop.run(o, ["nnue", "loop", *[a for a in rest if a != "--delegate"]], ray, ray.remote(gen_task()),
                     ray.remote(match_task()))
        elif o.command == "train":
            from zerolab_cluster import loop

            loop.run(o, train_args(o, rest), ray, ray.remote(gen_task()), ray.remote(match_task()))
        else:
            gen.run(o, ray, ray.remote(gen_task()))
    except gen.DriverError as e:
        error(str(e))
        return 1
    except KeyboardInterrupt:
        kept = {"nnue-loop": "the loop's finished steps and results", "train": "the checkpoint and the games played"}.get(
            o.command, "the shards written")
        print(f"\ninterrupted: {kept} are kept; rerun the same command to continue", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        # Out at once, without ray.shutdown(): Ray ends the tasks of a driver that is gone, and
        # its shutdown can abort in its core on a task caught mid-retry, turning 130 into a crash.
        os._exit(130)
    finally:
        if ray is not None:
            ray.shutdown()
    return 0


def gen_task():
    from zerolab_cluster.worker import make_shard

    return make_shard


def match_task():
    from zerolab_cluster.worker import run_command

    return run_command
