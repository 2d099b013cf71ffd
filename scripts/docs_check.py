#!/usr/bin/env python3
"""The manual stays a manual: README.md at most 15,000 bytes, and no text in the README, docs,
sources, scripts or notebooks that speaks of how the project was developed (work sessions,
issue numbers, goals set for it, what was tried and dropped). Library errors name settings,
not command-line flags (flags belong to the executable, Sources/zerolab). Part of make lint."""
import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parent.parent
failures = []

readme = root / "README.md"
size = readme.stat().st_size
if size > 15000:
    failures.append(f"README.md is {size} bytes; a manual of at most 15,000 bytes (move detail to docs/)")

patterns = [
    (re.compile(r"\b(this|next|last|previous|earlier|a later|one) sessions?\b", re.I), "a work session"),
    (re.compile(r"\bissues? #?\d+\b", re.I), "an issue number"),
    (re.compile(r"\bgoal=\d"), "a goal in a BENCH line (name a peer)"),
    (re.compile(r"\bthe goal'?s?\b", re.I), "a goal set for the project"),
    (re.compile(r"\btried and (dropped|not kept|abandoned)\b", re.I), "a development diary"),
]
texts = [readme, root / "ARCHITECTURE.md", root / "CHANGELOG.md", root / "Makefile"]
for folder, suffixes in [("docs", {".md"}), ("engines", {".md", ".json"}), ("notebooks", {".md", ".ipynb"}),
                         ("Sources", {".swift"}), ("Tests", {".swift"}), ("scripts", {".sh", ".py"}),
                         ("bench", {".sh", ".py"}), ("fuzz", {".swift"}), ("cluster", {".py"})]:
    texts += [p for p in sorted((root / folder).rglob("*")) if p.suffix in suffixes]
me = pathlib.Path(__file__).resolve()
for path in texts:
    if path.resolve() == me or not path.is_file():
        continue
    for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        for pattern, what in patterns:
            if pattern.search(line):
                failures.append(f"{path.relative_to(root)}:{n}: speaks of {what}: {line.strip()[:100]}")

# A string literal in a library that quotes a flag (`--out`), outside the executable.
flag = re.compile(r'"[^"\n]*(?<![\w-])--[a-z][a-z0-9-]+[^"\n]*"')
for path in sorted((root / "Sources").rglob("*.swift")):
    if path.parts[-2] == "zerolab":
        continue
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        code = line.split("//", 1)[0] if not line.lstrip().startswith("///") else ""
        if flag.search(code):
            failures.append(f"{path.relative_to(root)}:{n}: a library string names a command-line flag: {line.strip()[:100]}")

for f in failures:
    print(f"docs-check: {f}", file=sys.stderr)
if failures:
    sys.exit(1)
print(f"docs-check: README.md {size} bytes; {len(texts)} files speak of ZeroLab only; library strings name no flags")
