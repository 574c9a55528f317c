"""What caipdf keeps between builds: files named by a digest of what they
were made from (prepared photos, font subsets, measured photo slots).

The cache is `build/.cache/` below the working folder, or the folder that
CAIPDF_CACHE names. Deleting it is always safe: whatever is missing is made
again, the same.

Every edit in `caipdf watch` or `serve` makes new font subsets, and every
photo change new prepared photos, so the cache is kept under a size
(CAIPDF_CACHE_MB, 1,024 MB unless set): past it, the files used longest ago
go. A file's access time says when it was last used (read, or found kept);
its modification time stays when it was made. Files used in the last hour
are never removed, so a build never loses what it has just prepared.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from caipdf.atomic import write_atomically
from caipdf.errors import CaipdfError, Problem

DEFAULT_LIMIT_MB = 1024
KEPT_AFTER_USE = 3600  # seconds
TRIM_EVERY = 64 * 2**20  # bytes written by this process between two trims

_written_since_trim: int | None = None  # None: not trimmed yet by this process
_trimming = threading.Lock()  # photos are kept from several threads


def root() -> Path:
    return Path(os.environ.get("CAIPDF_CACHE") or "build/.cache").resolve()


def read(name: str) -> bytes | None:
    """The file `name` (a path relative to the cache), or None when it is not kept."""
    path = root() / name
    try:
        data = path.read_bytes()
    except OSError:
        return None
    _mark_used(path)
    return data


def has(name: str) -> bool:
    path = root() / name
    if not path.is_file():
        return False
    _mark_used(path)
    return True


def keep(name: str, data: bytes) -> None:
    global _written_since_trim
    write_atomically(root() / name, data)
    with _trimming:
        if _written_since_trim is None or _written_since_trim >= TRIM_EVERY:
            _written_since_trim = 0
            trim(limit())
        _written_since_trim += len(data)


def limit() -> int:
    """The cache's size limit in bytes."""
    setting = os.environ.get("CAIPDF_CACHE_MB", "").strip()
    if not setting:
        return DEFAULT_LIMIT_MB * 2**20
    if not setting.isdigit():
        raise CaipdfError(Problem(None, f"CAIPDF_CACHE_MB is '{setting}', not a number of megabytes",
                                  "set it to a whole number such as 2048, or unset it for 1024"))
    return int(setting) * 2**20


def trim(limit_bytes: int) -> None:
    """Remove the files used longest ago until the cache holds at most
    `limit_bytes`, sparing those used within KEPT_AFTER_USE."""
    files = []
    for folder, _, names in os.walk(root()):
        for file_name in names:
            path = Path(folder, file_name)
            try:
                status = path.stat()
            except OSError:
                continue
            if status.st_size:  # an empty marker frees nothing, and saves a decode
                files.append((status.st_atime, status.st_size, path))
    total = sum(size for _, size, _ in files)
    spared_from = time.time() - KEPT_AFTER_USE
    for used, size, path in sorted(files):
        if total <= limit_bytes or used >= spared_from:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size


def _mark_used(path: Path) -> None:
    try:
        os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))
    except OSError:
        pass
