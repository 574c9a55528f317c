"""`caipdf build`: an issue file to its PDF."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from caipdf import pipeline
from caipdf.errors import CaipdfError
from caipdf.render.pdf import write_pdf


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("issue", type=Path, help="the issue file, e.g. issues/vol19.yaml")
    parser.add_argument("-o", "--output", type=Path,
                        help="where to write the PDF (default: build/<issue name>.pdf)")
    parser.add_argument("--draft", action="store_true",
                        help="write the PDF even if the page plan fails, marked DRAFT on every page")


def run(args: argparse.Namespace) -> int:
    output = args.output or Path("build") / f"{args.issue.stem}.pdf"
    print(f"caipdf: building {args.issue} …", file=sys.stderr)
    result = build(args.issue, output, draft=args.draft)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    print(f"caipdf: wrote {result.output} ({result.pages} pages, "
          f"{len(result.warnings)} warnings, {result.seconds:.1f} s)", file=sys.stderr)
    return 0


@dataclass
class BuildResult:
    output: Path
    pages: int
    seconds: float
    warnings: list[str] = field(default_factory=list)


def build(issue_file: Path, output: Path, draft: bool = False) -> BuildResult:
    """Build `issue_file` into `output`; on any failure `output` is left as it was.

    A `draft` is written even when the page plan does not hold, and says so
    on every page.
    """
    started = time.perf_counter()
    laid_out = pipeline.lay_out(pipeline.read(issue_file), draft=draft)
    if laid_out.plan_problems and not draft:
        raise CaipdfError(laid_out.plan_problems)
    warnings = laid_out.warnings + [str(problem).replace("error:", "warning (draft):", 1)
                                    for problem in laid_out.plan_problems]
    write_atomically(output, write_pdf(laid_out.rendering))
    return BuildResult(output, laid_out.pages, time.perf_counter() - started, warnings)


def write_atomically(target: Path, data: bytes) -> None:
    """Write to a temporary file beside `target`, then move it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part",
                                         dir=target.parent)
    try:
        os.chmod(temporary, _file_mode(target))
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    """Keep an existing file's mode; a new file gets the usual 0666 less umask."""
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask
