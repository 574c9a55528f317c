"""The page plan: each article starts on the page the contents list names."""

from __future__ import annotations

from dataclasses import dataclass

from caipdf.errors import Problem
from caipdf.render.pdf import Rendering
from caipdf.structure.model import Issue


@dataclass(frozen=True)
class Placement:
    article_id: str
    declared: int
    actual: int | None


def placements(issue: Issue, rendering: Rendering) -> list[Placement]:
    return [Placement(article.id, article.page, rendering.first_page_of(article.id))
            for article in issue.articles]


def check(issue: Issue, rendering: Rendering) -> list[Problem]:
    """Every way the laid-out issue departs from its declared page plan."""
    problems = []
    articles = {article.id: article for article in issue.articles}
    for placement in placements(issue, rendering):
        if placement.actual == placement.declared:
            continue
        article = articles[placement.article_id]
        if placement.actual is None:
            problems.append(Problem(article.location,
                                    f"article '{article.id}' is not in the laid-out issue"))
            continue
        direction = "later" if placement.actual > placement.declared else "earlier"
        problems.append(Problem(
            article.location,
            f"article '{article.id}' should start on page {placement.declared} "
            f"but starts on page {placement.actual}",
            f"the article before it runs {direction} than planned: "
            f"cut or add text there, or resize its figures"))
    actual_pages = len(rendering.document.pages)
    if actual_pages != issue.pages:
        last = issue.articles[-1] if issue.articles else None
        problems.append(Problem(
            last.location if last else None,
            f"the issue has {actual_pages} pages, not the {issue.pages} it declares",
            "cut or add text in the last article, or change 'pages'"))
    return problems
