"""Tables as laid out: each row within one column, each table within its
measure, each cell's text within its cell.

A table flows through columns and pages, breaking between rows
(newsletter.css). WeasyPrint still splits a row that is taller than a whole
column, lets a table whose cells cannot be made narrow enough overflow its
column, and lets a word wider than its cell run into the next one: all would
print, so all are errors here, read from the laid-out boxes and named by the
table's line in the issue file, one per table column however many cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes

from caipdf.errors import Problem
from caipdf.render.pdf import Rendering
from caipdf.structure.inline import plain_text
from caipdf.structure.model import Issue, Table

PX_PER_MM = 96 / 25.4  # WeasyPrint lays out in CSS pixels
PT_PER_PX = 0.75
CELL_TOLERANCE = 0.5  # px a glyph may reach past its cell before it counts


@dataclass
class _Overrun:
    """Text running past the right edge of a table column's cells."""
    cells: set = field(default_factory=set)  # their elements: a header repeated on each page is one
    most: float = 0.0  # px, the farthest
    text: str = ""  # the text that runs farthest


@dataclass
class _LaidOutTable:
    overflow: float = 0.0  # how far (px) the table is wider than its column, at most
    measure: float = 0.0  # the width (px) it had to fit
    row_pages: dict = field(default_factory=dict)  # body row element → pages of its fragments
    overruns: dict = field(default_factory=dict)  # column index → _Overrun


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
        for column, overrun in sorted(found.overruns.items()):
            name = (f" (「{plain_text(table.header[column])}」)"
                    if table.header and column < len(table.header) else "")
            cells = f"{len(overrun.cells)} cells run" if len(overrun.cells) > 1 else "a cell runs"
            problems.append(Problem(
                table.location,
                f"column {column + 1} of the table{name} is too narrow: {cells} past its edge, "
                f"「{overrun.text[:12]}」 by {overrun.most * PT_PER_PX:.1f} pt",
                "give the table widths that leave this column room for its longest word, "
                "shorten those cells, or give the table span: page"))
    return problems


def _cell_overruns(cell, overruns: dict) -> None:
    """Note the lines of `cell` whose text ends past the cell's content edge."""
    room = cell.content_box_x() + cell.width
    for line in _lines(cell):
        texts = [child for child in line.descendants() if isinstance(child, boxes.TextBox)]
        if not texts:
            continue
        end = max(text.position_x + text.width for text in texts)
        if end > room + CELL_TOLERANCE:
            overrun = overruns.setdefault(_column_of(cell), _Overrun())
            overrun.cells.add(cell.element)
            if end - room > overrun.most:
                overrun.most, overrun.text = end - room, "".join(text.text for text in texts)
            return  # one line is enough to name the cell


def _lines(box):
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            yield child
        else:
            yield from _lines(child)


def _column_of(cell) -> int:
    """The issue file's column of a cell, from the class the template gives it."""
    for name in (cell.element.get("class") or "").split():
        if name.startswith("table__column-"):
            return int(name.removeprefix("table__column-"))
    return cell.grid_x


def _collect(box, ancestors: tuple, page: int, laid_out: dict) -> None:
    if isinstance(box, boxes.TableBox):
        found = laid_out.setdefault(box.element, _LaidOutTable())
        if len(ancestors) >= 2 and ancestors[-1].is_table_wrapper:
            found.measure = ancestors[-2].width  # the column's (or the page's) width
            found.overflow = max(found.overflow, ancestors[-1].margin_width() - found.measure)
        for group in box.children:
            for row in group.children:
                if not (group.is_header or group.is_footer):
                    found.row_pages.setdefault(row.element, []).append(page)
                for cell in row.children:
                    _cell_overruns(cell, found.overruns)
        return
    for child in getattr(box, "children", ()):
        _collect(child, (*ancestors[-1:], box), page, laid_out)
