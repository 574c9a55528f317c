"""The line grid, read from WeasyPrint's boxes: is every body line on it?

Every line box of an article's paragraphs should start a whole number of
line pitches below the top of the page's text area (caipdf.typesetting.grid
puts it there). A line that does not — a paragraph after a block that is
not snapped to the grid, or a line made taller by an inline image — is a
warning naming the article, the page and the line; `caipdf check` also
prints the count.
"""

from __future__ import annotations

from dataclasses import dataclass

from caipdf.checks.pages import Measure, Page, TextLine
from caipdf.structure.model import Issue
from caipdf.typesetting import grid_metrics

TOLERANCE = grid_metrics.TOLERANCE * 4 / 3  # px: as the PDF measurement, 0.3 pt


@dataclass
class OffGrid:
    page: int
    line: TextLine
    offset: float    # px below the grid line above it

    def describe(self) -> str:
        return f"{self.line.quoted()} {self.offset * 0.75:.1f} pt below the grid"


def body_lines(pages: list[Page]) -> list[tuple[Page, TextLine]]:
    """The lines of articles' paragraphs, page by page."""
    return [(page, line) for page in pages for line in page.lines
            if line.area == "body" and line.kind == "p" and line.article]


def off_grid(pages: list[Page], measures: dict[str, Measure]) -> list[OffGrid]:
    found = []
    for page, line in body_lines(pages):
        pitch = measures[line.article].pitch
        offset = (line.top - page.top) % pitch
        if TOLERANCE < offset < pitch - TOLERANCE:
            found.append(OffGrid(page.number, line, offset))
    return found


def check(issue: Issue, pages: list[Page], measures: dict[str, Measure]) -> list[str]:
    """One warning per article and page with body lines off the grid."""
    articles = {article.id: article for article in issue.articles}
    grouped: dict[tuple[str, int], list[OffGrid]] = {}
    for found in off_grid(pages, measures):
        grouped.setdefault((found.line.article, found.page), []).append(found)
    return [f"{articles[article].location}: warning: article '{article}' has {len(lines)} body "
            f"line{'s' if len(lines) > 1 else ''} off the line grid on page {page}, from "
            f"{lines[0].describe()}: a block before them is not a whole number of line pitches"
            for (article, page), lines in grouped.items()]
