"""What caipdf keeps between builds: files named by a digest of what they
were made from (prepared photos, font subsets, measured photo slots).

The cache is `build/.cache/` below the working folder, or the folder that
CAIPDF_CACHE names. Deleting it is always safe: whatever is missing is made
again, the same.
"""

from __future__ import annotations

import os
from pathlib import Path

from caipdf.atomic import write_atomically


def root() -> Path:
    return Path(os.environ.get("CAIPDF_CACHE") or "build/.cache").resolve()


def read(name: str) -> bytes | None:
    """The file `name` (a path relative to the cache), or None when it is not kept."""
    try:
        return (root() / name).read_bytes()
    except OSError:
        return None


def has(name: str) -> bool:
    return (root() / name).is_file()


def keep(name: str, data: bytes) -> None:
    write_atomically(root() / name, data)
