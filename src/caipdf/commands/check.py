"""`caipdf check`: validate and lay out an issue, report, write nothing."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from caipdf import pipeline
from caipdf.errors import CaipdfError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("issue", type=Path, help="the issue file, e.g. issues/vol19.yaml")


def run(args: argparse.Namespace) -> int:
    from caipdf.structure.loader import load_volume
    from caipdf.structure.model import PastVolume

    volume = load_volume(args.issue)
    if isinstance(volume, PastVolume):  # nothing to lay out: the archive converts its PDF
        print(f"{args.issue}: valid past volume, kept as printed ({volume.pdf_path}, "
              f"{volume.pages} pages, {len(volume.contents)} contents entries)")
        return 0
    issue = pipeline.read(args.issue)
    print(f"{args.issue}: valid ({len(issue.articles)} articles, every character in the fonts)")
    print("laying out …", file=sys.stderr)
    laid_out = pipeline.lay_out(issue)
    for line in report_lines(laid_out):
        print(line)
    for line in fitting_lines(laid_out):
        print(line)
    for line in typesetting_lines(issue, laid_out):
        print(line)
    for line in grid_lines(laid_out):
        print(line)
    for line in display_lines(laid_out):
        print(line)
    for warning in laid_out.warnings:
        print(warning, file=sys.stderr)
    if laid_out.problems:
        raise CaipdfError(laid_out.problems)
    return 0


def fitting_lines(laid_out: pipeline.LaidOutIssue) -> list[str]:
    """Each article's last page: how many lines (and characters) it is from full."""
    from caipdf.checks.fitting import fits

    return ["copy-fitting (each article's last page, in its body lines):",
            *(f"  {fit.article.id:<20} {fit.describe()}"
              for fit in fits(laid_out.issue, laid_out.rendering))]


def typesetting_lines(issue, laid_out: pipeline.LaidOutIssue) -> list[str]:
    """The JLREQ figures, measured from the glyph positions of the laid-out PDF."""
    from caipdf.render.pdf import write_pdf
    from caipdf.typesetting.metrics import measure

    with tempfile.TemporaryDirectory(prefix="caipdf-check-") as folder:
        pdf = Path(folder) / "check.pdf"
        pdf.write_bytes(write_pdf(laid_out.rendering))
        report = measure(pdf, expected={article.id: article.page for article in issue.articles})
    return ["typesetting (JLREQ), measured from the glyph positions:",
            *(f"  {line}" for line in report.lines())]


def grid_lines(laid_out: pipeline.LaidOutIssue) -> list[str]:
    """How many body lines are on the page's line grid, and the ones that are not."""
    from caipdf.checks import grid
    from caipdf.checks.pages import read_pages

    pages, measures = read_pages(laid_out.rendering.document)
    lines, off = grid.body_lines(pages), grid.off_grid(pages, measures)
    return [f"line grid: {len(lines) - len(off)} of {len(lines)} body lines on the page grid",
            *(f"  p.{found.page} {found.line.article}: {found.describe()}" for found in off)]


def display_lines(laid_out: pipeline.LaidOutIssue) -> list[str]:
    """Display text broken inside a phrase, and paragraphs ending on a short line."""
    from caipdf.checks.display import check

    return ["line breaks (display text and paragraph ends), read from the laid-out lines:",
            *(f"  {line}" for line in check(laid_out.rendering).lines())]


def report_lines(laid_out: pipeline.LaidOutIssue) -> list[str]:
    issue, rendering = laid_out.issue, laid_out.rendering
    verdict = "as declared" if laid_out.pages == issue.pages else f"declared {issue.pages}"
    lines = [f"pages: {laid_out.pages} ({verdict})", "page plan:"]
    for article in issue.articles:
        actual = rendering.first_page_of(article.id)
        mark = "ok" if actual == article.page else f"starts on page {actual}"
        pages = (f"{article.page}" if article.page == article.last_page
                 else f"{article.page}–{article.last_page}")
        lines.append(f"  {pages:>6}  {article.id:<20} {mark}")
    lines.append(f"warnings: {len(laid_out.warnings)}")
    return lines
