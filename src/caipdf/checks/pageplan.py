"""The page plan: each article starts on the page the contents list names."""

from __future__ import annotations

import math

from caipdf.checks.fitting import lines_on
from caipdf.checks.pages import Measure, Page
from caipdf.errors import Problem
from caipdf.render.pdf import Rendering
from caipdf.structure.model import Article, Figure, Issue, Table

# A cut asks for a little more than the lines measured past the article's
# pages: a cut also has to absorb the half-empty last line of the paragraph
# it comes from, and a heading kept with its text.
MARGIN = 1.05


def check(issue: Issue, rendering: Rendering, pages: list[Page],
          measures: dict[str, Measure]) -> list[Problem]:
    """Every way the laid-out issue departs from its declared page plan.

    An article that runs long (or short) moves every article after it; the
    message names the article that starts in the wrong place and the one
    before it, which is the one to shorten or lengthen, with the lines and
    characters measured on the pages it fills.
    """
    problems = []
    starts = [rendering.first_page_of(article.id) for article in issue.articles]
    for index, (article, actual) in enumerate(zip(issue.articles, starts)):
        if actual == article.page:
            continue
        if actual is None:
            problems.append(Problem(article.location, f"article '{article.id}' is not in the laid-out issue"))
            continue
        if index == 0:
            cause = (_cover_overflow(rendering, actual - 1) if actual > article.page
                     else "the cover is shorter than planned")
        else:
            before = issue.articles[index - 1]
            cause = _resize_hint(before, pages, measures)
        problems.append(Problem(
            article.location,
            f"article '{article.id}' should start on page {article.page} but starts on page {actual}",
            cause))
        break  # the articles after it move with it
    actual_pages = len(rendering.document.pages)
    if actual_pages != issue.pages and not problems:
        last = issue.articles[-1]
        problems.append(Problem(
            last.location,
            f"the issue has {actual_pages} pages, not the {issue.pages} it declares",
            _resize_hint(last, pages, measures)))
    return problems


def _resize_hint(article: Article, pages: list[Page], measures: dict[str, Measure]) -> str:
    """The pages the article fills, and how much text to cut (what it has
    past its own pages) or add (the empty lines of its last page, and the
    pages it leaves empty), in the article's own lines and characters."""
    filled = [page for page in pages if article.id in page.articles]
    measure = measures.get(article.id)
    described = (f"article '{article.id}' has {_pages(article.page, article.last_page)} but "
                 f"fills {_count(len(filled))}")
    resizable = _resizable(article)
    if not filled or measure is None:
        return f"{described}: shorten or lengthen it" + (f", or {resizable}" if resizable else "")
    if filled[-1].number > article.last_page:
        over = sum(lines_on(page, article.id, measure) for page in filled
                   if page.number > article.last_page)
        verb, lines = "cut", math.ceil(over * MARGIN)
    else:
        last = filled[-1]
        whole_page = len(last.columns) * math.floor((last.bottom - last.top) / measure.pitch)
        verb, lines = "add", (sum(last.empty_lines(measure))
                              + whole_page * (article.last_page - last.number))
    if verb == "cut" and measure.characters(lines) > article.text_length:
        return (f"{described}: it runs {measure.describe(lines)} over, more than all of its "
                f"{article.text_length:,} characters: "
                + (resizable or "a block that cannot split moved on, and the text after it with "
                   "it: the page's other warnings say which"))
    return (f"{described}: {verb} about {measure.characters(lines):,} of its "
            f"{article.text_length:,} characters ({measure.describe(lines)})"
            + (f", or {resizable}" if resizable else ""))


def _resizable(article: Article) -> str:
    """What the article holds, besides its text, that an editor can make
    smaller: its tables (fewer rows) and its photos (their frames)."""
    kinds = {type(block) for block in article.blocks}
    return ", or ".join((["shorten its tables"] if Table in kinds else [])
                        + (["resize its figures"] if Figure in kinds else []))


# What may run over from the cover, by its class in cover.html, and what to do then.
COVER_PARTS = {
    "contents__entry": "contents entry 「{text}」",
    "figure": "the cover image",
    "contents": "the contents list",
    "cover__line": "the cover line",
}


def _cover_overflow(rendering: Rendering, cover_pages: int) -> str:
    """Which part of the cover runs onto page 2 (the smallest named one), and
    how to make it fit."""
    first_boxes = {}
    for box in rendering.document.pages[1]._page_box.descendants():
        classes = (box.element.get("class") or "").split() if box.element is not None else []
        for name in COVER_PARTS:
            if name in classes:
                first_boxes.setdefault(name, box)
    what = "the cover"
    for name, part in COVER_PARTS.items():
        if name in first_boxes:
            text = " ".join("".join(first_boxes[name].element.itertext()).split())
            what = part.format(text=text[:30])
            break
    return (f"the cover takes {cover_pages} pages: {what} runs over onto page 2; shorten "
            "the cover line or the contents entries (toc), give the cover image a lower "
            "aspect (e.g. \"4:1\") or remove it, or list at most 16 contents entries")


def _pages(first: int, last: int) -> str:
    return f"page {first}" if first == last else f"pages {first}–{last}"


def _count(pages: int) -> str:
    return "1 page" if pages == 1 else f"{pages} pages"
