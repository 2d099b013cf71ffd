"""Soak of `zerolab uci`: many random and random-but-valid lines with searches between them.

Usage: python scripts/uci_soak.py PATH/TO/zerolab [--lines N] [--seed S]

Feeds N lines (100,000 by default) drawn from a seeded generator: a third garbage (random
bytes of printable, control and non-ASCII characters, truncated commands, huge numbers), the
rest valid commands (`uci`, `isready`, `ucinewgame`, `position` with legal moves from
python-chess, `setoption`, `go` with depth, nodes, movetime or a clock, `go infinite` ended by
`stop`). Every 500 lines it sends `stop` and `isready` and needs `readyok` within 30 s (no
hang); by then every search has ended, each valid `go` with exactly one `bestmove` and a
malformed one with at most one. Every line the engine prints must be a UCI line, the engine
must exit with status 0 on `quit`, and its resident memory at the end may exceed that after
the first 5,000 lines by at most 16 MB. Prints one summary line; exits non-zero with a
one-line reason on the first problem.
"""
import argparse
import queue
import random
import re
import subprocess
import sys
import threading
import time

import chess

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("zerolab")
parser.add_argument("--lines", type=int, default=100_000)
parser.add_argument("--seed", type=int, default=1)
args = parser.parse_args()
rng = random.Random(args.seed)

UCI_LINE = re.compile(
    r"^(id (name|author) .+|uciok|readyok|option name .+|bestmove (\(none\)|[a-h][1-8][a-h][1-8][qrbn]?)"
    r"( ponder [a-h][1-8][a-h][1-8][qrbn]?)?|info( .*)?)$"
)


def fail(what):
    print(f"uci-soak FAILED: {what}")
    try:
        engine.kill()
    except Exception:
        pass
    sys.exit(1)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


engine = subprocess.Popen(
    [args.zerolab, "uci"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0
)
output = queue.Queue()


def read():
    for raw in engine.stdout:
        output.put(raw.decode("utf-8", errors="replace").rstrip("\n"))
    output.put(None)


threading.Thread(target=read, daemon=True).start()
stats = {"bestmove": 0, "printed": 0}


def drain(until=None, timeout=0.0, ended=False):
    """Checks everything printed so far; with `until`, waits up to `timeout` s for that line;
    `ended`: the engine has quit, so its output ends."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            line = output.get(timeout=max(0.0, deadline - time.monotonic()) if until else 0)
        except queue.Empty:
            if until:
                fail(f"no '{until}' within {timeout:.0f} s")
            return
        if line is None:
            if ended:
                return
            fail(f"the engine ended (exit status {engine.wait()})")
        stats["printed"] += 1
        if not UCI_LINE.match(line):
            fail(f"not a UCI line: {line[:200]!r}")
        if line.startswith("bestmove"):
            stats["bestmove"] += 1
        if until and line == until:
            return


def send(line):
    try:
        engine.stdin.write(line.encode("utf-8", errors="surrogateescape") + b"\n")
    except BrokenPipeError:
        fail("the engine closed its input")


def garbage():
    kind = rng.randrange(6)
    if kind == 0:
        return "".join(chr(rng.randrange(1, 0x250)) for _ in range(rng.randrange(0, 120))).replace("\n", " ")
    if kind == 1:
        # A cut or extended command word (never `quit` itself, which would end the session).
        word = rng.choice(["go", "position", "setoption", "stop", "uci", "isready", "quit", "ucinewgame"])
        cut = word[: rng.randrange(1, len(word) + 1)] + "x" * rng.randrange(3)
        return cut + "x" if cut == "quit" else cut
    if kind == 2:
        return f"go {rng.choice(['depth', 'nodes', 'movetime', 'wtime', 'movestogo'])} " + rng.choice(
            ["-1", "0", "99999999999999999999", "abc", "1e9", ""]
        )
    if kind == 3:
        return "position fen " + " ".join(rng.choice(["8/8/8", "rnbqkbnr", "w", "-", "0", "x", "K7/8"]) for _ in range(4))
    if kind == 4:
        return "position startpos moves " + " ".join(rng.choice(["e2e4", "e7e5", "a1a8", "zz", "e2e9"]) for _ in range(3))
    return "setoption name " + rng.choice(["Hash", "EvalFile", "Nope", ""]) + " value " + rng.choice(["", "-5", "x", "16"])


board = chess.Board()
searches = 0
garbage_lines = 0
garbage_go = 0


def valid():
    """A valid command; `go` lines are followed through to their bestmove by the caller."""
    global board
    r = rng.random()
    if r < 0.25:
        board = chess.Board()
        for _ in range(rng.randrange(0, 40)):
            moves = list(board.legal_moves)
            if not moves:
                break
            board.push(rng.choice(moves))
        moves = " ".join(m.uci() for m in board.move_stack)
        return f"position startpos moves {moves}" if moves else "position startpos"
    if r < 0.3:
        return "position fen " + board.fen()
    if r < 0.65:
        return rng.choice(
            [f"go depth {rng.randrange(1, 5)}", f"go nodes {rng.randrange(1, 3000)}", f"go movetime {rng.randrange(1, 15)}",
             f"go wtime {rng.randrange(10, 2000)} btime {rng.randrange(10, 2000)} winc 5 binc 5", "go infinite"]
        )
    if r < 0.75:
        return "isready"
    if r < 0.85:
        return "ucinewgame"
    if r < 0.9:
        return "uci"
    return "setoption name Hash value " + str(rng.choice([1, 4, 8, 16]))


start = time.monotonic()
send("uci")
drain("uciok", 30)
rss_start = None
sent = 0
while sent < args.lines:
    if rng.random() < 1 / 3:
        line = garbage()
        garbage_lines += 1
        # A malformed `go` may still search (`go depth -1`) or be ignored with a message.
        garbage_go += line.split(" ")[0] == "go"
    else:
        line = valid()
        searches += line.startswith("go ")
    send(line)
    sent += 1
    if line.startswith("go"):
        if line == "go infinite" or rng.random() < 0.3:
            time.sleep(rng.random() * 0.003)
            send("stop")
            sent += 1
    if sent % 500 < 2 or sent >= args.lines:
        send("isready")
        drain("readyok", 30)
        # `isready` is answered while a search thinks; after `stop` every search has ended.
        send("stop")
        send("isready")
        drain("readyok", 30)
        if not searches <= stats["bestmove"] <= searches + garbage_go:
            fail(f"{searches} searches and {garbage_go} malformed go lines, but {stats['bestmove']} bestmoves by line {sent}")
    else:
        drain()
    if rss_start is None and sent >= 5000:
        rss_start = rss_mb(engine.pid)
rss_end = rss_mb(engine.pid)
send("quit")
try:
    status = engine.wait(timeout=30)
except subprocess.TimeoutExpired:
    fail("no exit within 30 s of quit")
drain(ended=True)
if status != 0:
    fail(f"exit status {status}")
if rss_start is not None and rss_end > rss_start + 16:
    fail(f"resident memory grew from {rss_start:.1f} MB to {rss_end:.1f} MB")
print(
    f"uci-soak: {sent} lines ({garbage_lines} garbage), {searches} searches and {garbage_go} malformed go lines, "
    f"{stats['bestmove']} bestmoves, "
    f"{stats['printed']} lines printed, all UCI; resident memory {rss_start or 0:.1f} MB after 5,000 lines, "
    f"{rss_end:.1f} MB at the end; {time.monotonic() - start:.0f} s"
)
