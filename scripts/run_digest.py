#!/usr/bin/env python3
"""Digests and checks of a run folder, for scripts/kill_check.sh.

    run_digest.py digest DIR        one line per output file: its path and the sha256 of its
                                    content with the fields that legitimately differ taken out
    run_digest.py check DIR REF     a folder left by a kill: every file whole, nothing that REF
                                    (the same run, uninterrupted) does not also hold

What is compared (`digest`): every file under DIR except dot files (temporary files of an atomic
write), a learning run's `checkpoint/` folders (their state.json holds the training clock and
their network file that state's checksum; the final network and the metrics are compared
instead) and a study's run logs (`*.log`: their progress lines time the run). Left out of the
content, and nothing else:

- the JSON keys `wall_seconds` (Hexapawn metrics), `seconds` (NNUE training metrics and loop
  generations, a study's run times) and `seconds_to_target` (a study's): the wall clock;
- the process ids of a study's `running.json` (empty when it ends);
- the key `checksum` of JSON files and lines: it covers the clock above (it is checked instead);
- in `report.md`, the table columns whose header ends in `(s)` (training time, time to 100 %);
- the plots against time (`*_vs_time*.svg`);
- the run folder's own path inside JSON strings (a loop names its nets by path), read as `OUT`.

`check` verifies, independently of ZeroLab's own reader, that every JSON file and JSON Lines
line parses and matches its `checksum` member (FNV-1a 64 of the object without that member),
that every JSON Lines file ends with a line break and its lines are a prefix of REF's (nothing
written is lost or written differently), that every safetensors file is whole (header and data
sizes agree), and that every `.zldata` shard equals REF's byte for byte.
"""
import hashlib
import json
import re
import struct
import sys
from pathlib import Path

TIME_KEYS = {"wall_seconds", "seconds", "seconds_to_target", "checksum", "pid"}
SEAL = re.compile(rb'^\{(\s*)"checksum"( ?: ?)"fnv1a64:([0-9a-f]{16})",')


def fnv1a64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def unseal(text: bytes, where: str) -> bytes:
    """The object without its checksum member, after checking it; text without one as it is."""
    m = SEAL.match(text)
    if not m:
        if b'"checksum"' in text or b"fnv1a64:" in text:
            raise ValueError(f"{where}: damaged checksum member")
        return text
    payload = b"{" + text[m.end():]
    if f"{fnv1a64(payload):016x}" != m.group(3).decode():
        raise ValueError(f"{where}: checksum mismatch")
    return payload


def compared(rel: Path) -> bool:
    """Whether `digest` compares the file at `rel` (see the list above)."""
    if any(part.startswith(".") for part in rel.parts):
        return False
    if any(part in ("checkpoint", "checkpoint.old", "checkpoint.new") for part in rel.parts[:-1]):
        return False
    if rel.suffix == ".log":
        return False
    return not (rel.suffix == ".svg" and "_vs_time" in rel.stem)


def outputs(root: Path):
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and compared(rel):
            yield rel, p


def strip(value, root: str):
    if isinstance(value, dict):
        return {k: strip(v, root) for k, v in value.items() if k not in TIME_KEYS}
    if isinstance(value, list):
        return [strip(v, root) for v in value]
    if isinstance(value, str):
        return value.replace(root, "OUT")
    return value


def normal_line(line: bytes, root: Path) -> str:
    return json.dumps(strip(json.loads(line), str(root)), sort_keys=True)


def report_without_times(text: str) -> str:
    """The report with the cells of its timing columns (headers ending in `(s)`) blanked."""
    out, timed = [], None
    for line in text.split("\n"):
        if not line.startswith("|"):
            timed = None
        elif timed is None:  # a table's header row
            timed = [i for i, c in enumerate(line.split("|")) if c.strip().endswith("(s)")]
        elif not line.startswith("|---"):
            cells = line.split("|")
            for i in timed:
                if i < len(cells):
                    cells[i] = " … "
            line = "|".join(cells)
        out.append(line)
    return "\n".join(out)


def content(root: Path, p: Path) -> bytes:
    data = p.read_bytes()
    if p.suffix == ".jsonl":
        return "\n".join(normal_line(l, root) for l in data.split(b"\n") if l.strip()).encode()
    if p.suffix == ".json":
        return json.dumps(strip(json.loads(data), str(root)), sort_keys=True).encode()
    if p.name == "report.md":
        return report_without_times(data.decode()).encode()
    return data


def digest(root: Path) -> None:
    for rel, p in outputs(root):
        print(f"{rel} {hashlib.sha256(content(root, p)).hexdigest()}")


def safetensors_whole(p: Path) -> None:
    data = p.read_bytes()
    if len(data) < 8:
        raise ValueError(f"{p}: cut short")
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    end = max((v["data_offsets"][1] for k, v in header.items() if k != "__metadata__"), default=0)
    if 8 + n + end != len(data):
        raise ValueError(f"{p}: {len(data)} bytes, the header says {8 + n + end}")


def check(root: Path, ref: Path) -> None:
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if not p.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        where = str(p)
        if p.suffix == ".json":
            json.loads(unseal(p.read_bytes(), where))
        elif p.suffix == ".jsonl":
            data = p.read_bytes()
            if data and not data.endswith(b"\n"):
                raise ValueError(f"{where}: the last line is cut short")
            lines = [l for l in data.split(b"\n") if l]
            for n, l in enumerate(lines, 1):
                json.loads(unseal(l, f"{where}:{n}"))
            r = ref / rel
            if compared(rel) and r.exists():
                mine = [normal_line(l, root) for l in lines]
                theirs = [normal_line(l, ref) for l in r.read_bytes().split(b"\n") if l]
                if mine != theirs[: len(mine)]:
                    raise ValueError(f"{where}: its lines are not the uninterrupted run's first {len(mine)}")
        elif p.suffix in (".safetensors", ".nnue"):
            safetensors_whole(p)
        elif p.suffix == ".zldata":
            r = ref / rel
            if not r.exists() or r.read_bytes() != p.read_bytes():
                raise ValueError(f"{where}: differs from the uninterrupted run's shard")


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "digest":
        digest(Path(sys.argv[2]))
        return 0
    if len(sys.argv) == 4 and sys.argv[1] == "check":
        try:
            check(Path(sys.argv[2]), Path(sys.argv[3]))
        except (ValueError, json.JSONDecodeError, UnicodeDecodeError, KeyError, struct.error) as e:
            print(f"run-digest: {e}", file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
