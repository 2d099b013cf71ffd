"""The driver's progress line: shards done, positions, rate per node, ETA. On a terminal one
line rewritten in place; otherwise a plain line every 10 s."""

import os
import sys
import time


class Progress:
    """`label: done/total unit, N measure, N measure/s (by node: ...), ETA` (shards and
    positions by default; the loop's arena counts parts and games)."""

    def __init__(self, out, shards, shard_games=None, games=None, count=None, label="cluster gen", unit="shards",
                 measure="positions", digits=0):
        self.out = out
        self.label, self.unit, self.measure, self.digits = label, unit, measure, digits
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
        per_node = ", ".join(f"{n[:8]} {p / t:,.{self.digits}f}/s" for n, p in sorted(self.nodes.items()))
        eta = "?" if self.done == 0 else f"{(self.total - self.done) * t / self.done:.0f} s"
        text = (f"{self.label}: {self.done}/{self.total} {self.unit}, {self.positions:,} {self.measure}, "
                f"{rate:,.{self.digits}f} {self.measure}/s")
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
        print(f"{self.label}: {text}", file=self.out, flush=True)

    def end(self):
        if self.tty and self.shown:
            self.out.write("\r\033[K")
            self.out.flush()
        elif not self.tty and self.done:
            self.show(force=True)


def error(text):
    print(f"Error: {text}", file=sys.stderr)
