"""Copy-fitting: how far each article's last page is from full, measured.

For every article, the page it ends on and, per column, the body lines left
empty at its foot; or, when it runs past the pages it owns, the lines it
has on the pages it should not fill. An editor fits the text by these
figures; `caipdf check` prints them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from caipdf.checks.pages import Measure, Page, read_pages
from caipdf.structure.model import Article, Issue


@dataclass
class Fit:
    article: Article
    last_page: int              # where it ends as laid out
    empty: list[int]            # per column, the lines left empty at the foot of that page
    over: int                   # the lines it has on pages past its own
    measure: Measure
    shared: bool = False        # another article follows it on its last page

    def describe(self) -> str:
        where = f"p.{self.last_page}"
        if self.over:
            return (f"{where}: {self.over} lines over its pages: cut about "
                    f"{self.measure.characters(self.over):,} characters")
        if self.shared:
            return f"{where}: the next article follows on the page"
        if all(lines <= 1 for lines in self.empty):
            return f"{where}: full (within a line per column)"
        sides = ", ".join(f"{side} {lines}" for side, lines in zip(_sides(self.empty), self.empty))
        return (f"{where}: {sum(self.empty)} lines short ({sides}): add about "
                f"{self.measure.characters(sum(self.empty)):,} characters")


def fits(issue: Issue, rendering) -> list[Fit]:
    pages, measures = read_pages(rendering.document)
    return fits_of(issue, pages, measures)


def fits_of(issue: Issue, pages: list[Page], measures: dict[str, Measure]) -> list[Fit]:
    found = []
    for article in issue.articles:
        filled = [page for page in pages if article.id in page.articles]
        measure = measures.get(article.id)
        if not filled or measure is None:
            continue
        last = filled[-1]
        over = sum(lines_on(page, article.id, measure) for page in filled
                   if page.number > article.last_page)
        found.append(Fit(article, last.number, last.empty_lines(measure), over, measure,
                         shared=last.articles[-1] != article.id))
    return found


def lines_on(page: Page, article: str, measure: Measure) -> int:
    """The body lines' worth of what `article` has on `page`, column by column."""
    total = 0
    for column in page.columns:
        extent = page.extent(article, column)
        if extent:
            top, bottom = extent
            total += math.ceil((bottom - top) / measure.pitch - 0.05)
    return total


def _sides(columns: list[int]) -> list[str]:
    return ["left", "right"] if len(columns) == 2 else [f"column {n}" for n in range(1, len(columns) + 1)]
