"""The page plan: each article starts on the page the contents list names."""

from __future__ import annotations

from caipdf.errors import Problem
from caipdf.render.pdf import Rendering
from caipdf.structure.model import Article, Issue


def check(issue: Issue, rendering: Rendering) -> list[Problem]:
    """Every way the laid-out issue departs from its declared page plan.

    An article that runs long (or short) moves every article after it; the
    message names the article that starts in the wrong place and the one
    before it, which is the one to shorten or lengthen.
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
            cause = (f"the cover takes {actual - 1} pages" if actual > article.page
                     else "the cover is shorter than planned")
        else:
            before = issue.articles[index - 1]
            cause = _resize_hint(before, filled=actual - before.page)
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
            _resize_hint(last, filled=actual_pages - last.page + 1)))
    return problems


def _resize_hint(article: Article, filled: int) -> str:
    """Which pages the article has, which it fills, and about how much text to change.

    The estimate assumes the article's text is spread evenly over the pages
    it fills, figures included; it is meant as a first step, not a count.
    """
    characters = article.text_length
    per_page = characters / max(filled, 1)
    change = round(abs(filled - article.page_count) * per_page, -1)
    verb = "cut" if filled > article.page_count else "add"
    return (f"article '{article.id}' has {_pages(article.page, article.last_page)} but fills "
            f"{_count(filled)}: {verb} roughly {change:,.0f} of its {characters:,} characters, "
            f"or resize its figures")


def _pages(first: int, last: int) -> str:
    return f"page {first}" if first == last else f"pages {first}–{last}"


def _count(pages: int) -> str:
    return "1 page" if pages == 1 else f"{pages} pages"
