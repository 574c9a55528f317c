"""The layout check: text over text, text outside its area, short columns.

Errors, naming the article and the page:
- a line of text drawn over another (body text over footnotes, a note over
  a headline), or running out of its box or below the text area (overset
  text is never silent);
- a column of an article's page that ends more than a third of the text
  area above the foot.

Warnings: an article's last page whose columns end more than a line short,
with the lines and characters that would fill it (an article with no
paragraph of its own is measured in the issue's body text); a heading with
nothing of its article under it in its column.
"""

from __future__ import annotations

import math

from caipdf.checks.pages import TOLERANCE, Measure, Page, TextLine
from caipdf.errors import Problem
from caipdf.structure.inline import plain_text
from caipdf.structure.model import Heading, Issue

OVERLAP = 1.0          # px both ways before two lines count as drawn over each other
SHORT_COLUMN = 1 / 3   # of the text area: a column ending higher than this is an error


def check(issue: Issue, pages: list[Page],
          measures: dict[str, Measure]) -> tuple[list[Problem], list[str]]:
    """(errors, warnings) of the laid-out pages."""
    articles = {article.id: article for article in issue.articles}
    errors = [problem for page in pages for problem in _drawing_errors(page, articles)]
    last_pages = {article: page.number for page in pages for article in page.articles}
    warnings = [warning for page in pages for warning in _lone_headings(page, articles)
                + _uneven_columns_above_spans(page, articles, measures)]
    for page in pages:
        owner = articles.get(page.articles[-1]) if page.articles and page.number > 1 else None
        if owner is None:
            continue  # the cover, or a back page with the colophon alone
        if last_pages[owner.id] != page.number:
            errors += _short_columns(page, owner)
        elif owner.id in measures and page.number <= owner.last_page:  # (past it: the page plan says)
            empty = page.empty_lines(measures[owner.id])
            if any(lines > 1 for lines in empty):
                warnings.append(f"{owner.location}: warning: article '{owner.id}' ends "
                                f"{describe_lines(empty)} short of the foot of page {page.number}: "
                                f"add about {measures[owner.id].characters(sum(empty)):,} "
                                "characters to fill it")
    return errors, warnings


def _drawing_errors(page: Page, articles: dict) -> list[Problem]:
    """Text running out of its area, then text drawn over text, one error per block."""
    errors, reported = [], set()
    for line in page.lines:
        outside = _outside(page, line)
        if outside and line.block not in reported:
            reported.add(line.block)
            if line.kind.startswith("table__") and line.right > line.room_right + TOLERANCE:
                continue  # past its cell: checks.tables names the column, once for all its cells
            article = articles.get(line.article)
            where, hint = outside
            errors.append(Problem(article.location if article else None,
                                  f"page {page.number}{_of(article)}: {_describe(line)} runs {where}",
                                  hint))
    for first, second in _overlapping(page.lines):
        if {first.block, second.block} & reported or (first.block, second.block) in reported:
            continue  # running out of its box is the cause, or it is said already
        reported.add((first.block, second.block))
        article = articles.get(second.article or first.article)
        errors.append(Problem(article.location if article else None,
                              f"page {page.number}{_of(article)}: {_describe(first)} is drawn over "
                              f"{_describe(second)}", FAULT))
    return errors


def _short_columns(page: Page, article) -> list[Problem]:
    """A column ending more than a third short on a page the article goes on from."""
    short = [column for column in page.columns
             if page.text_bottom - (column.lowest or page.top) > SHORT_COLUMN * (page.bottom - page.top)]
    if not short:
        return []
    sides = " and ".join(_side(page, column) for column in short)
    return [Problem(article.location,
                    f"page {page.number} of article '{article.id}': the {sides} "
                    f"{'ends' if len(short) == 1 else 'end'} more than a third of the page short, "
                    f"and the article goes on on page {page.number + 1}",
                    "a block too tall for the room left (a figure, table or key figures) moved on: "
                    "move it, or shorten the text before it")]


def _uneven_columns_above_spans(page: Page, articles: dict, measures: dict[str, Measure]) -> list[str]:
    """Columns that end more than a line apart above a page-wide block (a
    quote, a photo, key figures): the band of columns above it is short on
    one side. The columns' foot (the last band) is the short-page check's."""
    if len(page.columns) != 2:
        return []
    spans = sorted((block for block in page.blocks
                    if all(block.across(column) for column in page.columns)), key=lambda b: b.top)
    warnings, band_top = [], page.top
    for span in spans:
        article = articles.get(span.article)
        band = [block for block in page.blocks if block.article == span.article
                and not all(block.across(column) for column in page.columns)
                and block.top >= band_top - TOLERANCE and block.bottom <= span.top + TOLERANCE]
        ends = [max((block.bottom for block in band if block.across(column)), default=band_top)
                for column in page.columns]
        band_top = span.bottom
        if article is None or not band or span.article not in measures:
            continue
        measure = measures[span.article]
        short = [math.floor((max(ends) - end) / measure.pitch + 0.05) for end in ends]
        if max(short) > 1:
            side = "left" if short[0] > short[1] else "right"
            warnings.append(
                f"{article.location}: warning: page {page.number} (article '{article.id}'): the "
                f"{side} column ends {max(short)} lines above the other one, over the page-wide "
                f"block below them\n  fix: add about {measure.characters(max(short)):,} characters "
                "to the text above that block, or cut as many, or move a figure of that column")
    return warnings


def _lone_headings(page: Page, articles: dict) -> list[str]:
    """A heading (h2, h3) with no block of its article below it in its column."""
    warnings, reported = [], set()
    for line in page.lines:
        if line.kind not in ("h2", "h3") or line.block in reported or line.article not in articles:
            continue
        column = next((column for column in page.columns
                       if column.left - 1 <= line.left and line.right <= column.right + 1), None)
        if column is None or any(block.article == line.article and block.across(column)
                                 and block.top >= line.bottom - TOLERANCE for block in page.blocks):
            continue
        reported.add(line.block)
        article = articles[line.article]
        # The heading's whole text (it may take two lines, after its number), and of the
        # headings it ends in the longest: 「事業概要」 is not 「概要」.
        said = "".join("".join(other.text.split()) for other in page.lines if other.block == line.block)
        heading = max((block for block in article.blocks if isinstance(block, Heading)
                       and said.endswith("".join(plain_text(block.content).split()))),
                      key=lambda block: len(plain_text(block.content)), default=None)
        if heading is not None and heading is article.blocks[-1]:
            fix = "write the text it heads, or remove the heading"
        else:
            fix = ("it is left at the foot of the column: shorten the text before it by a few "
                   "lines, or lengthen it, so that the heading goes on with its text")
        location, text = ((heading.location, plain_text(heading.content).strip()) if heading
                          else (article.location, line.text.strip()))
        warnings.append(f"{location}: warning: page {page.number} (article '{article.id}'): the "
                        f"heading 「{text}」 has nothing under it in its column\n"
                        f"  fix: {fix}")
    return warnings


def describe_lines(per_column: list[int]) -> str:
    """'12 lines (left column 6, right column 6)'."""
    total = f"{sum(per_column)} lines"
    if len(per_column) == 2:
        return f"{total} (left column {per_column[0]}, right column {per_column[1]})"
    return total


def _overlapping(lines: list[TextLine]):
    ordered = sorted(lines, key=lambda line: line.top)
    for index, first in enumerate(ordered):
        for second in ordered[index + 1:]:
            if second.top > first.bottom - OVERLAP:
                break
            if min(first.right, second.right) - max(first.left, second.left) > OVERLAP:
                yield first, second


FAULT = "this is a layout fault, not an editing one: report it with the issue file"


def _outside(page: Page, line: TextLine) -> tuple[str, str] | None:
    """(where the line runs out of its area, what to do), if it does."""
    if line.right > line.room_right + TOLERANCE:
        return (f"{(line.right - line.room_right) * 0.75:.1f} pt past the edge of its column or box",
                "break the long word or address it holds, or shorten the text")
    if line.bottom > page.bottom + TOLERANCE:
        return "below the page's text area (overset)", FAULT
    if line.area == "body" and page.footnotes_top is not None \
            and line.bottom > page.footnotes_top + TOLERANCE:
        return "into the footnotes", FAULT
    return None


def _of(article) -> str:
    return f" (article '{article.id}')" if article else ""


NAMES = {"p": "body text", "footnote": "the footnote", "lead": "the lead", "h2": "the heading",
         "h3": "the heading", "keyfigures__note": "the key figures' note",
         "keyfigures__headline": "the key figures' headline"}


def _describe(line: TextLine) -> str:
    return f"{NAMES.get(line.kind, line.kind or 'text')} {line.quoted()}"


def _side(page: Page, column) -> str:
    if len(page.columns) == 2:
        return "left column" if column is page.columns[0] else "right column"
    return "column"
