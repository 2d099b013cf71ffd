"""zerolab play on a pseudo-terminal: a move typed while the engine thinks is not played.

Usage: python3 scripts/typeahead_check.py BINARY. White is the engine; Black types e5 during
White's first move, then (at the prompt) quit. The game must stop after White's one move, with
the note that what was typed before the prompt was discarded. Part of scripts/cli_check.sh.
"""

import os
import pty
import select
import sys
import time

binary = sys.argv[1]
pid, fd = pty.fork()
if pid == 0:
    args = ["play", "chess", "--white", "zerolab-hce", "--black", "human", "--move-time", "0.5", "--plain"]
    os.execv(binary, [binary] + args)

out = b""


def pump(seconds):
    """Reads the program's output for `seconds`; False once it has ended."""
    global out
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                return False
            if not chunk:
                return False
            out += chunk
    return True


pump(0.2)
os.write(fd, b"e5\n")  # typed while White's engine thinks
deadline = time.time() + 20
while b"Black to move> " not in out and time.time() < deadline:
    if not pump(0.1):
        break
os.write(fd, b"quit\n")
while pump(0.2):
    pass
os.waitpid(pid, 0)
text = out.decode("utf-8", "replace")
problems = []
if "(what was typed before this prompt was discarded)" not in text:
    problems.append("no note that the type-ahead was discarded")
if "Game stopped after 1 plies." not in text:
    problems.append("the move typed ahead was played (want the game stopped after White's first move)")
if problems:
    print("typeahead-check: " + "; ".join(problems) + ":\n" + text[-1200:], file=sys.stderr)
    sys.exit(1)
