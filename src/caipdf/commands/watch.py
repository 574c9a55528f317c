"""`caipdf watch`: build an issue, then build it again after every save.

Watched: the issue file, its images, and everything in layouts/, fonts/ and
color/, by looking at their modification times some 60 times a second (no
dependency, no system service). One line per build on stdout; errors and
new warnings on stderr. A failed build leaves the last good PDF in place
(the write is atomic) and watching goes on. The builds share one warm
process and its caches (caipdf.session), so an edit to one article lays out
that article's pages only.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TextIO

from caipdf.errors import CaipdfError, Problem
from caipdf.commands.build import add_issue_arguments
from caipdf.profiles import PROFILES

# caipdf.session is imported where it is used: every caipdf command imports
# this module for its arguments, and only watch needs the session.
if TYPE_CHECKING:
    from caipdf.session import Built, Session

INTERVAL = 0.015  # seconds between two looks at the files (each look: ~30 stat calls)
SETTLE = 0.005  # a change is built once the files look the same twice this far apart


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_issue_arguments(parser)
    parser.add_argument("--max-builds", type=int, metavar="N",
                        help="stop after N builds (for scripts and benchmarks)")


def run(args: argparse.Namespace) -> int:
    from caipdf.session import Session

    output = args.output or Path("build") / f"{args.issue.stem}.pdf"
    session = Session(args.issue, output, draft=args.draft, profile=PROFILES[args.profile])
    print(f"caipdf: watching {args.issue}, its images, layouts/, fonts/ and color/; "
          f"writing {output}; Ctrl-C stops", file=sys.stderr)
    try:
        watch(session, max_builds=args.max_builds)
    except KeyboardInterrupt:
        pass
    print(f"caipdf: stopped watching; {output} is from the last good build", file=sys.stderr)
    return 0


def watch(session: Session, *, max_builds: int | None = None,
          stop: threading.Event | None = None, interval: float = INTERVAL,
          out: TextIO | None = None, err: TextIO | None = None,
          record: Callable[[Built | BaseException], None] | None = None) -> int:
    """Build now and after every change to the session's files (its
    `snapshot()`), until `stop` is set or `max_builds` builds are done;
    returns the number of builds. Each build's result (a Built or the error)
    goes to `record`, by default a BuildLog printing to `out` and `err`."""
    out, err = out or sys.stdout, err or sys.stderr
    stop = stop or threading.Event()
    record = record or BuildLog(session.output, out, err).record
    built_from: dict | None = None  # the files' stamps the last build started from
    builds = 0
    while not stop.is_set():
        now = session.snapshot()
        if now != built_from:
            now = _settled(session, now)
            record(try_build(session))
            # The files may have changed with the issue (a new image path):
            # keep the stamps taken before the build, so that a save during
            # the build is seen as a change.
            after = session.snapshot()
            built_from = {path: now.get(path, value) for path, value in after.items()}
            builds += 1
            if max_builds is not None and builds >= max_builds:
                break
        else:
            stop.wait(interval)
    return builds


def _settled(session: Session, now: dict) -> dict:
    """The files' stamps once two looks a moment apart agree (an editor may
    write a file in more than one step)."""
    for _ in range(int(1 / SETTLE)):
        time.sleep(SETTLE)
        again = session.snapshot()
        if again == now:
            break
        now = again
    return now


def try_build(session: Session) -> Built | CaipdfError | BaseException:
    try:
        return session.build()
    except CaipdfError as error:
        return error
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as error:  # a bug: report it and keep watching
        error.trace = traceback.format_exc()
        return error


def what_was_laid_out(layout) -> str:
    """How a build laid the issue out, for its line: "laid out jcm, reused 8"."""
    if layout.whole:
        return "whole issue laid out"
    return (f"laid out {', '.join(dict.fromkeys(layout.laid_out)) or 'nothing'}, "
            f"reused {len(layout.reused)}")


def what_failed(error: BaseException) -> str:
    """"2 errors", or "internal error" for a bug."""
    if isinstance(error, CaipdfError):
        count = len(error.problems)
        return f"{count} error{'s' if count > 1 else ''}"
    return "internal error"


class BuildLog:
    """The line printed for each build, and the warnings that are new."""

    def __init__(self, output: Path, out: TextIO, err: TextIO):
        self.output, self.out, self.err = output, out, err
        self.warnings: set[str] = set()
        self.last_good: str | None = None

    def record(self, result) -> None:
        from caipdf.session import Built

        clock = time.strftime("%H:%M:%S")
        if isinstance(result, Built):
            for warning in result.warnings:
                if warning not in self.warnings:
                    print(warning, file=self.err)
            self.warnings = set(result.warnings)
            print(f"{clock}  wrote {result.output}: {result.pages} pages, "
                  f"{len(result.warnings)} warnings, {result.seconds:.2f} s "
                  f"({what_was_laid_out(result.layout)})",
                  file=self.out, flush=True)
            self.last_good = clock
        else:
            if isinstance(result, CaipdfError):
                print(result, file=self.err)
            else:
                print(getattr(result, "trace", repr(result)), file=self.err)
                print(Problem(None, "caipdf failed unexpectedly; please report it with the trace "
                                    "above"), file=self.err)
            kept = f"{self.output} is unchanged" + (
                f" (last good build {self.last_good})" if self.last_good else "")
            print(f"{clock}  build failed ({what_failed(result)}); {kept}", file=self.out,
                  flush=True)
        self.err.flush()
