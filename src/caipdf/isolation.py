"""Running a command's work in a child process, so that a crash is reported.

WeasyPrint drives Pango, fontconfig and cairo-free C code through cffi; a
broken font or a bug there can kill the process outright (SIGSEGV). The
work runs in a forked child — cheap, it shares the parent's imports — and
the parent turns such a death into a message and exit status 2.

The child's temporary files go into one scratch folder that the parent
removes when the child has ended, however it ended. The child leaves by
os._exit, so finalizers do not run: WeasyPrint's FontConfiguration, for one,
would otherwise leave a copy of every font (16 MB) in /tmp per build.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import traceback
from contextlib import contextmanager
from typing import Callable

CRASHED = 2


def run_in_child(work: Callable[[], int], what: str) -> int:
    if not hasattr(os, "fork"):
        return work()
    sys.stdout.flush()
    sys.stderr.flush()
    with scratch_folder() as scratch:
        status = _run_and_wait(work, what, scratch)
    return _exit_code(status, what)


@contextmanager
def scratch_folder():
    """A temporary folder for processes that leave by os._exit (a forked worker,
    a process pool's), removed when the block ends."""
    folder = tempfile.mkdtemp(prefix="caipdf-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def use_as_temporary(folder: str) -> None:
    """This process's temporary files, and its programs', go into `folder`."""
    tempfile.tempdir = os.environ["TMPDIR"] = folder


def _run_and_wait(work: Callable[[], int], what: str, scratch: str) -> int:
    """Fork, run `work` in the child with `scratch` as its temporary folder,
    and return the child's wait status."""
    pid = os.fork()
    if pid == 0:
        use_as_temporary(scratch)
        code = CRASHED
        try:
            code = work()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        except BaseException:
            print(f"caipdf: internal error while {what}; please report it with this trace:",
                  file=sys.stderr)
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    forward = {sig: signal.signal(sig, lambda number, _: os.kill(pid, number))
               for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        while True:
            try:
                _, status = os.waitpid(pid, 0)
                break
            except InterruptedError:
                continue
    finally:
        for sig, handler in forward.items():
            signal.signal(sig, handler)
    return status


def _exit_code(status: int, what: str) -> int:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        if number in (signal.SIGTERM, signal.SIGINT):
            print(f"caipdf: stopped while {what}; no file was changed", file=sys.stderr)
            return 130
        print(f"caipdf: the renderer crashed ({signal.Signals(number).name}) while {what}; "
              "no file was changed. A damaged font in fonts/ or image is the usual cause: "
              "run 'git status' to see what changed, and report it if nothing did.",
              file=sys.stderr)
        return CRASHED
    return os.WEXITSTATUS(status)
