"""Shard files on the head: the data format's own checks, and whole, exclusive writes."""

import errno
import hashlib
import os
import secrets
import struct

MAGIC = b"ZLNNDATA"
VERSION = 1
RECORD_SIZE = 32
HEADER = 32


def fnv1a64(data, start=HEADER):
    """FNV-1a 64 of data[start:], the checksum a ZeroLab data file carries in its header."""
    h = 0xCBF29CE484222325
    for b in memoryview(data)[start:]:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def check_shard(data):
    """The number of positions in a ZeroLab data file's bytes; ValueError naming what is wrong."""
    if len(data) < HEADER or data[:8] != MAGIC:
        raise ValueError("not a ZeroLab NNUE data file")
    version, size, count, checksum = struct.unpack_from("<IIQQ", data, 8)
    if version != VERSION or size != RECORD_SIZE:
        raise ValueError(f"data format version {version}, record size {size}")
    if len(data) != HEADER + count * RECORD_SIZE:
        raise ValueError(f"truncated or padded ({len(data)} bytes for {count} records)")
    if fnv1a64(data) != checksum:
        raise ValueError("checksum mismatch (corrupted data)")
    return count


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def _temp(path):
    folder, name = os.path.split(path)
    return os.path.join(folder, f".{name}.tmp-{os.getpid()}-{secrets.token_hex(8)}")


def _write_temp(path, data, mode=0o644):
    tmp = _temp(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp


def write_exclusive(path, data):
    """Writes `data` whole to `path` unless a file is there already (another writer's): the
    bytes go to a temporary file that is then hard-linked to the name, so no reader sees a
    partial file and two writers never both write one name. True when this call wrote it."""
    tmp = _write_temp(path, data)
    try:
        os.link(tmp, path)
        return True
    except OSError as e:
        if e.errno == errno.EEXIST:
            return False
        raise
    finally:
        os.unlink(tmp)


def write_replace(path, data, mode=0o644):
    """Writes `data` whole to `path`, replacing what is there (temporary file, then rename)."""
    os.replace(_write_temp(path, data, mode), path)
