"""`caipdf build`: an issue file to its PDF."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from caipdf import pipeline
from caipdf.atomic import write_atomically
from caipdf.errors import CaipdfError
from caipdf.profiles import DEFAULT, PROFILES, Profile


def add_issue_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of every command that builds an issue (build, watch)."""
    parser.add_argument("issue", type=Path, help="the issue file, e.g. issues/vol19.yaml")
    parser.add_argument("-o", "--output", type=Path,
                        help="where to write the PDF (default: build/<issue name>.pdf)")
    parser.add_argument("--draft", action="store_true",
                        help="write the PDF even if the page plan fails, marked DRAFT on every page")
    parser.add_argument("--for", dest="profile", choices=sorted(PROFILES), default=DEFAULT,
                        help="what the PDF is for: " + "; ".join(
                            f"{name}: {profile.summary}" for name, profile in sorted(PROFILES.items()))
                        + f" (default: {DEFAULT})")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_issue_arguments(parser)
    parser.add_argument("--html", type=Path, metavar="OUT.html",
                        help="also write the exact HTML that is laid out (stylesheets linked by "
                             "absolute path), to debug the templates in a browser")


def run(args: argparse.Namespace) -> int:
    output = args.output or Path("build") / f"{args.issue.stem}.pdf"
    print(f"caipdf: building {args.issue} …", file=sys.stderr)
    result = build(args.issue, output, draft=args.draft, html_output=args.html,
                   profile=PROFILES[args.profile])
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


def build(issue_file: Path, output: Path, draft: bool = False,
          html_output: Path | None = None, profile: Profile = PROFILES[DEFAULT]) -> BuildResult:
    """Build `issue_file` into `output`; on any failure `output` is left as it was.

    A `draft` is written even when the page plan does not hold, and says so
    on every page.
    """
    started = time.perf_counter()
    issue = pipeline.read(issue_file)
    laid_out = pipeline.lay_out(issue, draft=draft, profile=profile)
    if html_output:
        write_atomically(html_output, laid_out.rendering.html.encode("utf-8"))
    if laid_out.problems and not draft:
        raise CaipdfError(laid_out.problems)
    warnings = laid_out.warnings + [str(problem).replace("error:", "warning (draft):", 1)
                                    for problem in laid_out.problems]
    write_atomically(output, pipeline.pdf_bytes(laid_out, profile))
    return BuildResult(output, laid_out.pages, time.perf_counter() - started, warnings)
