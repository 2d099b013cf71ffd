"""UCI conformance of `zerolab uci`, driven by python-chess (`make uci-test`, part of `make test`).

Usage: python scripts/uci_conformance.py PATH/TO/zerolab [NETWORK_ENGINE.json]
With an engine file of type network, its engine (`zerolab uci --engine FILE`) is checked too.
Exits non-zero (with a one-line reason) on the first problem.
"""
import subprocess
import sys
import time

import chess
import chess.engine

ZEROLAB = sys.argv[1] if len(sys.argv) > 1 else ".build/release/zerolab"
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        print(f"UCI conformance FAILED: {what}")
        sys.exit(1)


def raw_session(lines, timeout=20):
    """Feeds raw lines, returns the output lines (the engine must exit by itself on quit)."""
    p = subprocess.run([ZEROLAB, "uci"], input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=timeout)
    check(p.returncode == 0, f"exit code {p.returncode} for {lines!r}: {p.stderr[-300:]}")
    return p.stdout.splitlines()


engine = chess.engine.SimpleEngine.popen_uci([ZEROLAB, "uci"])
try:
    check(engine.id.get("name", "").startswith("ZeroLab"), f"id name: {engine.id}")
    check("Hash" in engine.options, "Hash option advertised")
    engine.configure({"Hash": 32})

    board = chess.Board()
    for limit in [chess.engine.Limit(depth=5), chess.engine.Limit(nodes=5000), chess.engine.Limit(time=0.1)]:
        r = engine.play(board, limit)
        check(r.move in board.legal_moves, f"play {limit}: {r.move}")

    info = engine.analyse(board, chess.engine.Limit(depth=7))
    for key in ["depth", "seldepth", "score", "nodes", "nps", "time", "pv", "hashfull"]:
        check(key in info, f"analyse info has {key}: {info}")
    check(info["depth"] >= 7, f"depth reached: {info['depth']}")

    # Mate scores.
    mate = chess.Board("6k1/5ppp/8/8/8/8/5PPP/3R2K1 w - - 0 1")
    info = engine.analyse(mate, chess.engine.Limit(depth=4))
    check(info["score"].relative == chess.engine.Mate(1), f"mate in 1 score: {info['score']}")
    mated = chess.Board("3R2k1/5ppp/8/8/8/8/5PPP/6K1 b - - 1 1")
    r = engine.play(mated, chess.engine.Limit(depth=2))
    check(r.move is None, f"no move when mated: {r.move}")

    # Infinite analysis stops promptly.
    with engine.analysis(chess.Board(), chess.engine.Limit()) as analysis:
        for i in analysis:
            if i.get("depth", 0) >= 4:
                break
        t0 = time.monotonic()
        analysis.stop()
        best = analysis.wait()
        latency = time.monotonic() - t0
    check(best.move in chess.Board().legal_moves, f"bestmove after stop: {best.move}")
    check(latency < 0.25, f"stop answered after {latency * 1000:.0f} ms")

    # A short game with a clock, castling and promotions along the way.
    board = chess.Board("r3k2r/pP3ppp/8/8/8/8/P4PPP/R3K2R w KQkq - 0 1")
    for _ in range(30):
        if board.is_game_over():
            break
        r = engine.play(board, chess.engine.Limit(white_clock=2, black_clock=2, white_inc=0.05, black_inc=0.05))
        check(r.move in board.legal_moves, f"clock game move {r.move} in {board.fen()}")
        board.push(r.move)
finally:
    engine.quit()

# Garbage and illegal input: reported with `info string`, ignored, never fatal.
out = raw_session([
    "uci", "hello world", "position", "position fen not a fen", "position startpos moves e2e5",
    "position startpos moves e2e4 zzzz", "position fen 8/8/8/8/8/8/8/8 w - - 0 1", "go depth x", "go wibble 3",
    "setoption name Hash value -5", "setoption name Nonsense value 1", "setoption", "\x00\x01\xff",
    "isready", "position startpos moves e2e4", "go depth 4", "isready", "quit",
])
check(out.count("uciok") == 1, "one uciok")
check(out.count("readyok") == 2, f"readyok answered: {out}")
reports = [line for line in out if line.startswith("info string")]
check(len(reports) >= 10, f"garbage reported with info string ({len(reports)}): {reports}")
best = [line for line in out if line.startswith("bestmove")]
check(len(best) == 1, f"one bestmove for one go: {best}")
move = chess.Move.from_uci(best[0].split()[1])
b = chess.Board()
b.push_uci("e2e4")
check(move in b.legal_moves, f"bestmove legal after garbage: {best}")
check(all(line.startswith(("id ", "option ", "uciok", "readyok", "info ", "bestmove")) for line in out if line),
      f"only UCI output: {[line for line in out if not line.startswith(('id ', 'option ', 'uciok', 'readyok', 'info ', 'bestmove'))]}")

# End of input without quit, and a go without a position.
out = raw_session(["go depth 3"])
check(any(line.startswith("bestmove") for line in out), "go with the start position by default")
out = raw_session(["position fen 3R2k1/5ppp/8/8/8/8/5PPP/6K1 b - - 1 1", "go depth 3", "quit"])
check("bestmove (none)" in out, f"bestmove (none) when mated: {out}")


def check_network_engine(path):
    """The network engine: simulations as nodes, a clock, info lines, stop within 50 ms, mates."""
    engine = chess.engine.SimpleEngine.popen_uci([ZEROLAB, "uci", "--engine", path])
    try:
        check("WeightsFile" in engine.options, f"network engine: WeightsFile advertised: {list(engine.options)}")
        board = chess.Board()
        info = engine.analyse(board, chess.engine.Limit(nodes=300))
        for key in ["depth", "seldepth", "score", "nodes", "nps", "time", "pv"]:
            check(key in info, f"network engine: analyse info has {key}: {info}")
        check(info["nodes"] == 300, f"network engine: go nodes 300 made {info.get('nodes')} simulations")
        check(info["pv"] and info["pv"][0] in board.legal_moves, f"network engine: pv {info.get('pv')}")
        t0 = time.monotonic()
        r = engine.play(board, chess.engine.Limit(time=0.3))
        spent = time.monotonic() - t0
        check(r.move in board.legal_moves and spent < 0.6, f"network engine: movetime 0.3 s took {spent:.2f} s")
        mate = chess.Board("6k1/5ppp/8/8/8/8/5PPP/3R2K1 w - - 0 1")
        info = engine.analyse(mate, chess.engine.Limit(nodes=2000))
        check(info["score"].relative == chess.engine.Mate(1), f"network engine: mate in 1 score: {info['score']}")
        check(info["pv"][0] == chess.Move.from_uci("d1d8"), f"network engine: mating move: {info['pv']}")
        r = engine.play(chess.Board("3R2k1/5ppp/8/8/8/8/5PPP/6K1 b - - 1 1"), chess.engine.Limit(nodes=10))
        check(r.move is None, f"network engine: no move when mated: {r.move}")
        worst = 0.0
        for _ in range(3):
            with engine.analysis(chess.Board(), chess.engine.Limit()) as analysis:
                time.sleep(0.3)
                t0 = time.monotonic()
                analysis.stop()
                best = analysis.wait()
                worst = max(worst, time.monotonic() - t0)
            check(best.move in chess.Board().legal_moves, f"network engine: bestmove after stop: {best.move}")
        check(worst < 0.05, f"network engine: stop answered after {worst * 1000:.0f} ms")
        board = chess.Board("r3k2r/pP3ppp/8/8/8/8/P4PPP/R3K2R w KQkq - 0 1")
        for _ in range(20):
            if board.is_game_over():
                break
            r = engine.play(board, chess.engine.Limit(white_clock=1, black_clock=1, white_inc=0.02, black_inc=0.02))
            check(r.move in board.legal_moves, f"network engine: clock game move {r.move} in {board.fen()}")
            board.push(r.move)
    finally:
        engine.quit()


if len(sys.argv) > 2:
    check_network_engine(sys.argv[2])

print(f"UCI conformance: {checks} checks passed")
