#!/usr/bin/env python3
"""Runs every example of the README and of every `zerolab ... --help`, and checks the help texts.

Usage: examples_check.py BIN [--only SUBSTRING] [--list]

Help texts (rendered on a 1000-column pseudo-terminal, so argument-parser wraps nothing):
  - every example line fits in 80 columns (help is read on 80-column terminals);
  - no paragraph is broken mid-sentence by a hard line break (argument-parser wraps
    paragraphs itself, so a hard break shows as a ragged line).

Examples: each runs in a fresh folder holding a copy of engines/ and a link to bench/, with
`zerolab` on the PATH and standard input empty. Files an example reads but does not make
(data/gen0, runs/nnue0, ...) are made first by small runs of the same commands. An example that
ends by itself must exit 0; one still running after LIMIT seconds (training for 600 s, a
40-game match) is sent SIGINT and must stop cleanly within GRACE seconds, having printed
something and no error. A `console` block of the README also shows output: each shown line
must appear, in order, in the real output (`…` stands for omitted lines; times and speeds are
masked).
"""

import fcntl
import os
import pty
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time

LIMIT = 6.0
GRACE = 20.0

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def render_help(binary, path):
    """The help of `zerolab PATH --help` on a pseudo-terminal 1000 columns wide."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 1000, 0, 0))
    p = subprocess.Popen([binary, *path, "--help"], stdout=slave, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    p.wait()
    os.close(master)
    return b"".join(chunks).decode().replace("\r\n", "\n")


def subcommands(help_text):
    names, inside = [], False
    for line in help_text.split("\n"):
        if line.startswith("SUBCOMMANDS:"):
            inside = True
            continue
        if inside:
            m = re.match(r"^  ([a-z][a-z0-9-]*)\s", line)
            if m:
                names.append(m.group(1))
            elif line.strip() and not line.startswith("   "):
                inside = False
    return names


def all_helps(binary):
    out, queue = [], [[]]
    while queue:
        path = queue.pop(0)
        text = render_help(binary, path)
        out.append((path, text))
        queue.extend(path + [name] for name in subcommands(text) if name != "help")
    return out


def discussion(text):
    """The lines between the overview and USAGE."""
    lines = text.split("\n")
    try:
        end = next(i for i, l in enumerate(lines) if l.startswith("USAGE:"))
    except StopIteration:
        end = len(lines)
    return lines[1:end]


def join_continued(lines):
    out, pending = [], ""
    for line in lines:
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1].rstrip() + " "
            continue
        out.append(pending + line.strip() if pending else line)
        pending = ""
    return out


def is_command(line):
    s = line.strip()
    return s.startswith("zerolab ") or (s.startswith("printf ") and "zerolab " in s)


def help_problems(path, text):
    problems = []
    name = " ".join(["zerolab", *path])
    lines = discussion(text)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if is_command(line) or (i > 0 and lines[i - 1].rstrip().endswith("\\")):
            if len(line) > 80:
                problems.append(f"{name} --help: example longer than 80 columns: {stripped[:60]}...")
            continue
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if (
            line and not line.startswith(" ") and nxt and not nxt.startswith(" ")
            and re.search(r"[a-z,(]$", line) and re.match(r"^[a-z(`'-]", nxt)
            and "  " not in line.strip()  # a row of a two-column table
        ):
            problems.append(f"{name} --help: paragraph broken mid-sentence: ...{line[-40:]} / {nxt[:40]}...")
    return problems


def help_examples(path, text):
    lines = join_continued(discussion(text))
    return [l.strip() for l in lines if is_command(l)]


def readme_examples(readme):
    """(command, expected output lines or None) from the sh and console blocks."""
    out, block, lines = [], None, open(readme, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            block = None if block is not None else (line[3:].strip() or "text")
            i += 1
            continue
        if block == "sh" and is_command(line):
            out.append((line.strip(), None))
        elif block == "console" and line.startswith("$ "):
            command, expected = line[2:].strip(), []
            i += 1
            while i < len(lines) and not lines[i].startswith("$ ") and not lines[i].startswith("```"):
                expected.append(lines[i])
                i += 1
            if is_command(command):
                out.append((command, expected))
            continue
        i += 1
    return out


# Files some examples read: (the token that names them, the paths to copy, the commands that make
# them in the fixture folder, the fixtures those commands need).
FIXTURES = [
    ("data/gen0", ["data/gen0"], ["zerolab nnue gen --games 2 --nodes 300 --out data/gen0"], []),
    ("data/gen1", ["data/gen1"], ["zerolab nnue gen --games 2 --nodes 300 --out data/gen1 --seed 2"], []),
    ("data/zero0", ["data/zero0"], ["zerolab nnue gen --games 2 --nodes 300 --every-position --out data/zero0"], []),
    (
        "runs/sup",
        ["runs/sup"],
        [
            "zerolab supervise chess --data data/zero0 --out runs/sup --iterations 1 --blocks 6 --channels 64"
            " --steps 2"
        ],
        ["data/zero0"],
    ),
    (
        "runs/nnue-loop/gen0/data",
        ["runs/nnue-loop/gen0/data"],
        ["zerolab nnue gen --games 2 --nodes 300 --out runs/nnue-loop/gen0/data"],
        [],
    ),
    ("runs/nnue0", ["runs/nnue0"], ["zerolab nnue train --data data/gen0 --out runs/nnue0 --epochs 2"], ["data/gen0"]),
    (
        "my-nnue",
        ["engines/my-nnue.json", "engines/my-nnue.nnue"],
        ["zerolab nnue export runs/nnue0/quantized.safetensors --name my-nnue"],
        ["runs/nnue0"],
    ),
    (
        "runs/sup-chess",
        ["runs/sup-chess"],
        [
            "zerolab supervise chess --data data/gen0 --out runs/sup-chess --iterations 1 --blocks 1 --channels 8"
            " --steps 2"
        ],
        ["data/gen0"],
    ),
    ("runs/h", ["runs/h"], ["zerolab train hexapawn --out runs/h --iterations 1 --games 8 --delegate"], []),
    (
        "runs/selfplay-4x4",
        ["runs/selfplay-4x4"],
        ["zerolab train hexapawn --size 4x4 --out runs/selfplay-4x4 --iterations 1 --channels 48 --games 2 --sims 8"],
        [],
    ),
]

OUTPUT_OPTIONS = {"--out", "--engine", "--name", "--pgn", "--plot", ">"}


def tokens(command):
    return re.findall(r"'[^']*'|\"[^\"]*\"|\S+", command)


def needed_fixtures(command):
    toks = tokens(command)
    need = []
    for key, _, _, _ in FIXTURES:
        for i, t in enumerate(toks):
            is_output = i > 0 and toks[i - 1] in OUTPUT_OPTIONS
            names_it = t == key or t.startswith(key + "/")
            if names_it and (not is_output or "--resume" in toks):
                need.append(key)
                break
    return need


class Runner:
    def __init__(self, binary):
        self.binary = os.path.abspath(binary)
        self.env = dict(os.environ)
        self.env["PATH"] = os.path.dirname(self.binary) + os.pathsep + self.env.get("PATH", "")
        self.env["NO_COLOR"] = "1"
        self.base = tempfile.mkdtemp(prefix="zerolab-examples-")
        self.fixture_dir = self.new_dir("fixtures")
        self.made = set()
        self.count = 0

    def new_dir(self, name):
        d = os.path.join(self.base, name)
        os.makedirs(d)
        shutil.copytree(os.path.join(ROOT, "engines"), os.path.join(d, "engines"))
        os.symlink(os.path.join(ROOT, "bench"), os.path.join(d, "bench"))
        return d

    def ensure(self, key):
        if key in self.made:
            return
        _, _, commands, deps = next(f for f in FIXTURES if f[0] == key)
        for d in deps:
            self.ensure(d)
        for c in commands:
            r = subprocess.run(
                ["bash", "-c", c], cwd=self.fixture_dir, env=self.env, stdin=subprocess.DEVNULL,
                capture_output=True, text=True, timeout=300)
            if r.returncode != 0:
                raise SystemExit(f"examples: making {key} failed: {c}\n{r.stdout}{r.stderr}")
        self.made.add(key)

    def run(self, command):
        """(status, output, interrupted)"""
        self.count += 1
        d = self.new_dir(f"example-{self.count}")
        for key in needed_fixtures(command):
            self.ensure(key)
            for rel in next(f for f in FIXTURES if f[0] == key)[1]:
                src, dst = os.path.join(self.fixture_dir, rel), os.path.join(d, rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                if os.path.isdir(src):
                    shutil.copytree(src, dst)
                else:
                    shutil.copy(src, dst)
        log = open(os.path.join(d, ".output"), "w+")
        p = subprocess.Popen(
            ["bash", "-c", "exec " + command if "|" not in command else command], cwd=d, env=self.env,
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        interrupted = False
        try:
            p.wait(timeout=LIMIT)
        except subprocess.TimeoutExpired:
            interrupted = True
            os.killpg(p.pid, signal.SIGINT)
            try:
                p.wait(timeout=GRACE)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
                log.seek(0)
                return None, log.read(), True
        log.seek(0)
        return p.returncode, log.read(), interrupted


def mask(line):
    line = re.sub(r"\b(nps|time) \d+", r"\1 N", line)
    return line.rstrip()


def output_problem(expected, output):
    got = [mask(l) for l in output.split("\n")]
    at = 0
    for line in expected:
        if "…" in line or line.startswith("Time:") or not line.strip():
            continue
        want = mask(line)
        try:
            at = got.index(want, at) + 1
        except ValueError:
            return f"shown output line not produced: {line}"
    return None


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    binary, only, list_only = args[0], None, "--list" in args
    if "--only" in args:
        only = args[args.index("--only") + 1]
    subprocess.run(["bash", os.path.join(ROOT, "scripts/stockfish.sh")], check=True)

    problems, examples = [], []
    for path, text in all_helps(binary):
        problems += help_problems(path, text)
        examples += [(c, None, "zerolab " + " ".join(path) + " --help") for c in help_examples(path, text)]
    examples += [(c, e, "README.md") for c, e in readme_examples(os.path.join(ROOT, "README.md"))]
    seen, unique = set(), []
    for c, e, where in examples:
        if (c, e is None) not in seen:
            seen.add((c, e is None))
            unique.append((c, e, where))
    if only:
        unique = [u for u in unique if only in u[0]]
    if list_only:
        for c, _, where in unique:
            print(f"{where}: {c}")
        return

    runner = Runner(binary)
    start = time.time()
    for c, expected, where in unique:
        t0 = time.time()
        status, output, interrupted = runner.run(c)
        took = time.time() - t0
        error_lines = [l for l in output.split("\n") if l.startswith("Error:")]
        problem = None
        if status is None:
            problem = f"did not stop within {GRACE:.0f} s of SIGINT"
        elif error_lines:
            problem = error_lines[0]
        elif not interrupted and status != 0:
            problem = f"exit status {status}"
        elif interrupted and status not in (0, 130, -signal.SIGINT):
            problem = f"exit status {status} after SIGINT"
        elif not output.strip():
            problem = "printed nothing"
        elif expected is not None:
            if interrupted:
                problem = "a README console example must finish by itself"
            else:
                problem = output_problem(expected, output)
        state = "stopped after %.0f s" % LIMIT if interrupted else "%.1f s" % took
        if problem:
            problems.append(f"{where}: {c}\n    {problem}\n    " + "\n    ".join(output.strip().split("\n")[-6:]))
            print(f"FAIL {c} ({state})", flush=True)
        else:
            print(f"ok   {c} ({state})", flush=True)
    shutil.rmtree(runner.base, ignore_errors=True)
    print(f"examples: {len(unique)} run in {time.time() - start:.0f} s")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        raise SystemExit(f"examples: {len(problems)} problem(s)")


if __name__ == "__main__":
    main()
