"""What a build was made from: digests of its sources and the tools' versions."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

from caipdf import __version__, paths


@lru_cache(maxsize=1)
def tool_versions() -> dict[str, str]:
    """The versions that shape a PDF's bytes, the font subsetter's included
    (always fontTools: caipdf.render.font_subsets)."""
    return {"caipdf": __version__, "weasyprint": version("weasyprint"), "pydyf": version("pydyf"),
            "font subsetter": f"fonttools {version('fonttools')}",
            "photos": f"pillow {version('pillow')}"}


def issue_epoch(issue) -> int:
    """Midnight on the first of the issue's month in Japan, in Unix seconds."""
    from datetime import datetime, timedelta, timezone

    return int(datetime(issue.year, issue.month, 1, tzinfo=timezone(timedelta(hours=9))).timestamp())


@lru_cache(maxsize=8)
def _tree_digest_cached(folder: Path, stamp: tuple) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def tree_digest(folder: Path) -> str:
    """sha256 over the relative paths and contents of every file below `folder`."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return _tree_digest_cached(folder, stamp)


def layouts_digest() -> str:
    """One digest for everything besides the issue that shapes the output."""
    parts = [tree_digest(paths.LAYOUTS), tree_digest(paths.FONTS), tree_digest(paths.COLOR)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def inputs_digest(issue) -> str:
    """Everything a volume's PDF depends on but the profile: its issue file and
    images, the layouts, fonts and colour profiles, and the tools' versions."""
    from caipdf.pdf.archival import source_digests

    digest = hashlib.sha256()
    for name, file_digest in source_digests(issue):
        digest.update(name.encode() + b"\0" + file_digest)
    digest.update(layouts_digest().encode())
    digest.update(repr(sorted(tool_versions().items())).encode())
    return digest.hexdigest()


def build_digest(issue, profile_name: str) -> str:
    """The digest a PDF's identifiers derive from: same inputs, same bytes."""
    digest = hashlib.sha256(inputs_digest(issue).encode())
    digest.update(profile_name.encode())
    return digest.hexdigest()
