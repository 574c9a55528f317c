"""The test volumes (tests/volumes/) build clean, measured from their PDFs.

Each volume was written from docs/format.md as a new office user would and
fitted by the figures caipdf gives. Built without --draft (so the page plan
and the layout check hold), each PDF is read back: no glyph over another,
no body text in the footnotes, no column of an article page ending more
than a third short (lowest ink per column), and every last page that is
more than a line short in a column is reported by the build.
"""

import re
from pathlib import Path

import pytest
import yaml

from caipdf.commands.build import build
from layout_pdf import PITCH, TEXT_TOP, read_layout

VOLUMES = sorted((Path(__file__).parent / "volumes").glob("*.yaml"))


def test_there_are_a_4_an_8_and_a_16_page_volume():
    pages = sorted(yaml.safe_load(path.read_text(encoding="utf-8"))["pages"] for path in VOLUMES)
    assert pages == [4, 8, 16]


@pytest.fixture(scope="module", params=VOLUMES, ids=[path.stem for path in VOLUMES])
def built(request, tmp_path_factory):
    path = request.param
    result = build(path, tmp_path_factory.mktemp(path.stem) / "out.pdf")
    return yaml.safe_load(path.read_text(encoding="utf-8")), result


def article_pages(issue: dict) -> dict[int, str]:
    """Page number → the article whose text ends the page (the last to start on or before it)."""
    owners = {}
    articles = issue["articles"]
    last = issue["pages"] if articles[-1]["page"] == issue["pages"] else issue["pages"] - 1
    for index, article in enumerate(articles):
        end = max(article["page"], articles[index + 1]["page"] - 1) if index + 1 < len(articles) else last
        for page in range(article["page"], end + 1):
            owners[page] = article["id"]
    return owners


def test_no_text_over_text_and_none_in_the_footnotes(built):
    issue, result = built
    for page in read_layout(result.output):
        assert page.overlaps() == [], (page.number, page.overlaps()[:3])
        assert page.body_in_footnotes() == [], page.number


def test_no_article_page_has_a_column_a_third_short(built):
    issue, result = built
    pages = read_layout(result.output)
    assert len(pages) == issue["pages"]
    for number in article_pages(issue):
        page = pages[number - 1]
        third = (TEXT_TOP - page.text_bottom) / 3
        for column in (0, 1):
            assert page.shortfall(column) < third, (number, column, page.shortfall(column) / PITCH)


def test_every_underfilled_last_page_is_reported(built):
    issue, result = built
    pages = read_layout(result.output)
    owners = article_pages(issue)
    ends = {article: max(page for page, owner in owners.items() if owner == article)
            for article in set(owners.values())}
    for article, number in ends.items():
        page = pages[number - 1]
        empty = [page.empty_lines(column) for column in (0, 1)]
        reported = [warning for warning in result.warnings
                    if f"article '{article}' ends" in warning and f"foot of page {number}:" in warning]
        if max(empty) > 2.2:  # more than a line left empty, whatever the rounding
            assert reported, (article, number, empty)
            left, right = map(int, re.search(r"left column (\d+), right column (\d+)", reported[0]).groups())
            assert abs(left - empty[0]) < 1 and abs(right - empty[1]) < 1, (reported[0], empty)
        elif max(empty) < 1.8:
            assert not reported, (article, number, empty, reported)
