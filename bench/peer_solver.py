#!/usr/bin/env python3
"""A plain Python Hexapawn solver: the peer for `make bench-solver`.

Same job as `zerolab solve`: negamax over the position graph with a dict as the
transposition table, every reachable position visited once, distance-to-end values
(fastest win, slowest loss). Bitboards as Python ints, square = rank * 8 + file.
Prints `positions=<n> seconds=<t> value=<v>` where v > 0 means the side to move wins.
"""
import sys
import time

sys.setrecursionlimit(10000)


def solve(files, ranks):
    row = (1 << files) - 1
    board = 0
    for r in range(ranks):
        board |= row << (8 * r)
    file_a = sum(1 << (8 * r) for r in range(8))
    last_file = file_a << (files - 1)
    w_goal = 0xFF << (8 * (ranks - 1))
    b_goal = 0xFF
    table = {}
    base = 30000

    def moves(w, b, white):
        empty = ~(w | b) & board
        out = []
        if white:
            for t, d in ((((w & ~last_file) << 9) & b, 9), (((w & ~file_a) << 7) & b, 7), ((w << 8) & empty, 8)):
                while t:
                    to = (t & -t).bit_length() - 1
                    out.append((to - d, to))
                    t &= t - 1
        else:
            for t, d in ((((b & ~last_file) >> 7) & w, 7), (((b & ~file_a) >> 9) & w, 9), ((b >> 8) & empty, 8)):
                while t:
                    to = (t & -t).bit_length() - 1
                    out.append((to + d, to))
                    t &= t - 1
        return out

    def value(w, b, white):
        key = (w, b, white)
        v = table.get(key)
        if v is not None:
            return v
        if w & w_goal or b & b_goal:
            v = -base  # the previous mover reached the far rank: side to move has lost
        else:
            ms = moves(w, b, white)
            if not ms:
                v = -base
            else:
                best = -10**9
                for f, t in ms:
                    fb, tb = 1 << f, 1 << t
                    if white:
                        c = value((w & ~fb) | tb, b & ~tb, False)
                    else:
                        c = value(w & ~tb, (b & ~fb) | tb, True)
                    s = -c - 1 if c < 0 else (-c + 1 if c > 0 else 0)
                    if s > best:
                        best = s
                v = best
        table[key] = v
        return v

    start = time.perf_counter()
    v = value(row, row << (8 * (ranks - 1)), True)
    return len(table), time.perf_counter() - start, v


if __name__ == "__main__":
    f, r = (int(x) for x in sys.argv[1].split("x"))
    n, t, v = solve(f, r)
    print(f"positions={n} seconds={t:.3f} value={v}")
