#!/usr/bin/env python3
"""Checks that ARCHITECTURE.md's dependency list and the sources agree with Package.swift.

For every target in Package.swift (from `swift package dump-package`):
  - library and executable targets appear in ARCHITECTURE.md's dependency block
    ("Arrows point from a target to what it uses") with exactly their declared dependencies;
  - every declared dependency is imported by at least one of the target's source files (no
    unused dependency), and every module of the package (or a product) a source file imports is
    declared (none reached only through another target).
Exits 1 with one line per disagreement.
"""

import json
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def package():
    out = subprocess.run(["swift", "package", "dump-package"], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def dependency_names(target):
    names = []
    for d in target.get("dependencies", []):
        for kind in ("byName", "target", "product"):
            if kind in d:
                names.append(d[kind][0])
    return names


def documented():
    text = open(os.path.join(ROOT, "ARCHITECTURE.md"), encoding="utf-8").read()
    start = text.index("Arrows point from a target to what it uses")
    block = text[text.index("```", start) + 3 :]
    block = block[block.index("\n") + 1 : block.index("```")]
    out = {}
    for line in block.strip().split("\n"):
        name, _, deps = line.partition("──►")
        deps = re.sub(r"\([^)]*\)", "", deps)
        out[name.strip()] = {d.strip() for d in deps.split(",") if d.strip()}
    return out


def imports(folder):
    found = set()
    for base, _, files in os.walk(folder):
        for f in files:
            if f.endswith(".swift"):
                for line in open(os.path.join(base, f), encoding="utf-8"):
                    m = re.match(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*import\s+(?:(?:struct|class|enum|func|protocol)\s+)?(\w+)", line)
                    if m:
                        found.add(m.group(1))
    return found


def main():
    pkg = package()
    targets = pkg["targets"]
    modules = {t["name"] for t in targets}
    products = set()
    for t in targets:
        for d in t.get("dependencies", []):
            if "product" in d:
                products.add(d["product"][0])
    doc = documented()
    problems = []
    for t in targets:
        name, kind = t["name"], t["type"]
        if kind == "system":
            continue
        declared = set(dependency_names(t))
        if kind in ("regular", "executable"):
            if name not in doc:
                problems.append(f"ARCHITECTURE.md: no dependency line for {name}")
            elif doc[name] != declared:
                extra, missing = doc[name] - declared, declared - doc[name]
                problems.append(
                    f"ARCHITECTURE.md: {name} lists {sorted(extra)} not in Package.swift, misses {sorted(missing)}"
                    if extra and missing
                    else f"ARCHITECTURE.md: {name} lists {sorted(extra)}, not declared in Package.swift"
                    if extra
                    else f"ARCHITECTURE.md: {name} misses {sorted(missing)}, declared in Package.swift"
                )
        folder = os.path.join(ROOT, t.get("path") or ("Tests/" if kind == "test" else "Sources/") + name)
        used = imports(folder) & (modules | products)
        used.discard(name)
        for d in sorted(declared - used):
            problems.append(f"Package.swift: {name} declares {d} and never imports it")
        for d in sorted(used - declared):
            problems.append(f"Package.swift: {name} imports {d} without declaring it")
    for name in sorted(set(doc) - modules):
        problems.append(f"ARCHITECTURE.md: {name} is not a target of Package.swift")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"architecture: {len(targets)} targets; ARCHITECTURE.md, Package.swift and the imports agree")


if __name__ == "__main__":
    main()
