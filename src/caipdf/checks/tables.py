"""Tables as laid out: each row within one column, each table within its measure.

A table flows through columns and pages, breaking between rows
(newsletter.css). WeasyPrint still splits a row that is taller than a whole
column, and lets a table whose cells cannot be made narrow enough overflow
its column: both would print, so both are errors here, read from the
laid-out boxes and named by the table's line in the issue file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes

from caipdf.errors import Problem
from caipdf.render.pdf import Rendering
from caipdf.structure.inline import plain_text
from caipdf.structure.model import Issue, Table

PX_PER_MM = 96 / 25.4  # WeasyPrint lays out in CSS pixels


@dataclass
class _LaidOutTable:
    overflow: float = 0.0  # how far (px) the table is wider than its column, at most
    measure: float = 0.0  # the width (px) it had to fit
    row_pages: dict = field(default_factory=dict)  # body row element → pages of its fragments


def check(issue: Issue, rendering: Rendering) -> list[Problem]:
    tables = [block for article in issue.articles for block in article.blocks
              if isinstance(block, Table)]
    laid_out: dict[object, _LaidOutTable] = {}  # table element → what the layout made of it
    for number, page in enumerate(rendering.document.pages, start=1):
        _collect(page._page_box, (), number, laid_out)
    problems = []
    for table, found in zip(tables, laid_out.values()):
        if found.overflow > 0.5:
            problems.append(Problem(
                table.location,
                f"the table is {found.overflow / PX_PER_MM:.1f} mm wider than the "
                f"{found.measure / PX_PER_MM:.0f} mm its column has",
                "give it widths that leave each column room for its longest word, shorten "
                "its cells, or give it span: page"))
        for index, pages in enumerate(found.row_pages.values()):
            if len(pages) > 1:
                row = table.rows[index]
                first = plain_text(row[0].content) if row else ""
                where = (f"pages {pages[0]}–{pages[-1]}" if pages[-1] != pages[0]
                         else f"both columns of page {pages[0]}")
                problems.append(Problem(
                    table.location,
                    f"row {index + 1} of the table (「{first[:12]}」) is taller than a column "
                    f"and is split over {where}",
                    "shorten the row's cells, widen its longest column (widths), "
                    "or give the table span: page"))
    return problems


def _collect(box, ancestors: tuple, page: int, laid_out: dict) -> None:
    if isinstance(box, boxes.TableBox):
        found = laid_out.setdefault(box.element, _LaidOutTable())
        if len(ancestors) >= 2 and ancestors[-1].is_table_wrapper:
            found.measure = ancestors[-2].width  # the column's (or the page's) width
            found.overflow = max(found.overflow, ancestors[-1].margin_width() - found.measure)
        for group in box.children:
            if isinstance(group, boxes.TableRowGroupBox) and not (group.is_header or group.is_footer):
                for row in group.children:
                    found.row_pages.setdefault(row.element, []).append(page)
        return
    for child in getattr(box, "children", ()):
        _collect(child, (*ancestors[-1:], box), page, laid_out)
