"""The driver's progress line: shards done, positions, rate per node, ETA. On a terminal one
line rewritten in place; otherwise a plain line every 10 s."""

import os
import sys
import time


class Progress:
    def __init__(self, out, shards, shard_games, games, count):
        self.out = out
        self.total = shards
        self.done = 0
        self.positions = 0
        self.nodes = {}
        self.start = time.monotonic()
        self.last = self.start
        self.tty = hasattr(out, "isatty") and out.isatty() and os.environ.get("TERM") != "dumb"
        self.shown = False

    def elapsed(self):
        return time.monotonic() - self.start

    def line(self):
        t = max(self.elapsed(), 1e-9)
        rate = self.positions / t
        per_node = ", ".join(f"{n[:8]} {p / t:,.0f}/s" for n, p in sorted(self.nodes.items()))
        eta = "?" if self.done == 0 else f"{(self.total - self.done) * t / self.done:.0f} s"
        text = f"cluster gen: {self.done}/{self.total} shards, {self.positions:,} positions, {rate:,.0f} positions/s"
        if per_node:
            text += f" (by node: {per_node})"
        return text + f", ETA {eta}"

    def show(self, force=False):
        now = time.monotonic()
        if self.tty:
            self.out.write("\r\033[K" + self.line())
            self.out.flush()
            self.shown = True
        elif force or now - self.last >= 10:
            print(self.line(), file=self.out, flush=True)
            self.last = now

    def tick(self):
        if self.tty or time.monotonic() - self.last >= 10:
            self.show()

    def shard(self, node, positions):
        self.done += 1
        self.positions += positions
        self.nodes[node] = self.nodes.get(node, 0) + positions
        self.show()

    def done_elsewhere(self):
        self.done += 1
        self.show()

    def note(self, text):
        if self.tty and self.shown:
            self.out.write("\r\033[K")
        print(f"cluster gen: {text}", file=self.out, flush=True)

    def end(self):
        if self.tty and self.shown:
            self.out.write("\r\033[K")
            self.out.flush()
        elif not self.tty and self.done:
            self.show(force=True)


def error(text):
    print(f"Error: {text}", file=sys.stderr)
