"""Writing a file so that readers only ever see the old or the whole new one.

The data goes to an unnamed file in the target's folder (O_TMPFILE), which
is given the target's name only when complete: a build killed at any moment,
even by SIGKILL, leaves the previous file as it was and nothing beside it.
Where the file system has no O_TMPFILE, a hidden named temporary file is
used and removed on any failure.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from caipdf.errors import CaipdfError, Problem


def write_atomically(target: Path, data: bytes) -> None:
    """Write `data` to `target`; an OSError becomes a CaipdfError naming it."""
    target = Path(target)
    try:
        _write(target, data)
    except OSError as error:
        raise CaipdfError(Problem(None, f"cannot write {target}: {error.strerror or error}",
                                  "choose a file in a folder you can write to")) from None


def _write(target: Path, data: bytes) -> None:
    if target.is_dir():
        raise IsADirectoryError(21, "it is a folder, not a file")
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = _file_mode(target)
    try:
        handle = os.open(target.parent, os.O_TMPFILE | os.O_WRONLY, mode)
    except (AttributeError, OSError):
        _write_via_named_temporary(target, data, mode)
        return
    with os.fdopen(handle, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
        # Give the finished file a hidden name, then move it over the target.
        for attempt in range(100):
            temporary = target.parent / f".{target.name}.{os.getpid()}.{attempt}.part"
            try:
                _link_open_file(stream.fileno(), temporary)
                break
            except FileExistsError:
                continue
        else:
            raise FileExistsError(f"no free temporary name beside {target}")
    try:
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _link_open_file(descriptor: int, name: Path) -> None:
    # os.link() calls link(2), which will not follow /proc's magic link;
    # giving a src_dir_fd makes it call linkat(2) with AT_SYMLINK_FOLLOW.
    directory = os.open("/", os.O_RDONLY)
    try:
        os.link(f"/proc/self/fd/{descriptor}", name, src_dir_fd=directory, follow_symlinks=True)
    finally:
        os.close(directory)


def _write_via_named_temporary(target: Path, data: bytes, mode: int) -> None:
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temporary = Path(name)
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual 0666 less umask."""
    if target.exists():
        return target.stat().st_mode & 0o777
    return 0o666 & ~_umask()


def _umask() -> int:
    # Reading it from /proc avoids os.umask()'s set-and-restore, which races
    # with other threads creating files (watch mode).
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022
