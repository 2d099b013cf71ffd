#!/usr/bin/env python3
"""Differential test of ZeroLab's chess rules against python-chess.

Reads the JSON lines of `zerolab chess-games` (one per ply: FEN before, sorted legal moves in
UCI, the move played in UCI and SAN, FEN after, status after) and replays every game with
python-chess, comparing each field. Prints every mismatch (up to 20) and a summary line;
exits 1 on any mismatch.

Status after a move, in this order: checkmate, stalemate, insufficient material, fifty-move
rule (halfmove clock >= 100), threefold repetition (python-chess `is_repetition(3)`), none.
"""
import json
import sys

import chess


def status(board: chess.Board) -> str:
    if board.is_checkmate():
        return "checkmate"
    if board.is_stalemate():
        return "stalemate"
    if board.is_insufficient_material():
        return "insufficient material"
    if board.halfmove_clock >= 100:
        return "fifty-move rule"
    if board.is_repetition(3):
        return "threefold repetition"
    return "none"


def main() -> int:
    source = open(sys.argv[1]) if len(sys.argv) > 1 else sys.stdin
    mismatches = 0
    plies = 0
    games = set()
    ends = {}
    board = None
    current = None

    def report(rec, field, ours, theirs):
        nonlocal mismatches
        mismatches += 1
        if mismatches <= 20:
            print(f"MISMATCH game {rec['game']} ply {plies} {field}: zerolab={ours!r} python-chess={theirs!r}"
                  f" (fen {rec['fen']})")

    for line in source:
        if not line.strip():
            continue
        rec = json.loads(line)
        if rec["game"] != current:
            current = rec["game"]
            games.add(current)
            board = chess.Board()
        plies += 1
        if board.fen() != rec["fen"]:
            report(rec, "fen before", rec["fen"], board.fen())
            board = chess.Board(rec["fen"])
        legal = sorted(m.uci() for m in board.legal_moves)
        if legal != rec["moves"]:
            report(rec, "legal moves", sorted(set(rec["moves"]) - set(legal)), sorted(set(legal) - set(rec["moves"])))
        move = chess.Move.from_uci(rec["uci"])
        if move not in board.legal_moves:
            report(rec, "move", rec["uci"], "illegal")
            continue
        san = board.san(move)
        if san != rec["san"]:
            report(rec, "san", rec["san"], san)
        board.push(move)
        if board.fen() != rec["after"]:
            report(rec, "fen after", rec["after"], board.fen())
        st = status(board)
        if st != rec["status"]:
            report(rec, "status", rec["status"], st)
        if st != "none":
            ends[st] = ends.get(st, 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(ends.items()))
    print(f"chess differential: {len(games)} games, {plies} plies, {mismatches} mismatches (endings: {summary})")
    return 1 if mismatches or plies == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
