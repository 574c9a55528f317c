"""Fitting hints are measured: doing what they say fits the article, doing
70 % of it does not (issue 12, item 3)."""

import re

import pytest

from caipdf.commands.build import build
from caipdf.errors import CaipdfError
from test_layout_check import PARAGRAPH, SENTENCE, issue_text, write

PLAN_HINT = re.compile(r"article 'first' has pages? [\d–]+ but fills \d+ pages?: (cut|add) about "
                       r"([\d,]+) of its [\d,]+ characters \((\d+) lines of ([\d.]+) characters\)")
FILL_HINT = re.compile(r"article 'first' ends \d+ lines.* short of the foot of page \d+: "
                       r"add about ([\d,]+) characters to fill it")


def paragraphs_text(paragraphs: list[str]) -> str:
    return "".join(f"- p: {text}\n" for text in paragraphs)


def cut(paragraphs: list[str], characters: int) -> list[str]:
    """The paragraphs with `characters` taken off the end of the text, as an editor shortens."""
    kept = list(paragraphs)
    while characters > 0:
        last = kept.pop()
        if len(last) > characters:
            kept.append(last[:len(last) - characters])
        characters -= len(last)
    return kept


def extended(paragraphs: list[str], characters: int) -> list[str]:
    """The paragraphs with `characters` of text added to the last one."""
    addition = (SENTENCE * (characters // len(SENTENCE) + 1))[:characters]
    return paragraphs[:-1] + [paragraphs[-1] + addition]


def plan_hint(tmp_path, paragraphs, first_pages=1) -> tuple[str, int]:
    with pytest.raises(CaipdfError) as caught:
        build(write(tmp_path, issue_text(paragraphs_text(paragraphs), first_pages)),
              tmp_path / "out.pdf")
    found = PLAN_HINT.search(str(caught.value))
    assert found, str(caught.value)
    verb, characters, lines, per_line = found.groups()
    assert 25 <= float(per_line) <= 27.5  # a column is 27 em wide
    assert abs(int(characters.replace(",", "")) - int(lines) * float(per_line)) <= int(lines) * 0.05 + 1
    return verb, int(characters.replace(",", ""))


def fill_warning(tmp_path, paragraphs, first_pages=1) -> int | None:
    """The characters the underfill warning asks for; None when 'first' ends full.
    The build must hold its page plan."""
    result = build(write(tmp_path, issue_text(paragraphs_text(paragraphs), first_pages)),
                   tmp_path / "out.pdf")
    found = [FILL_HINT.search(warning) for warning in result.warnings]
    found = [match for match in found if match]
    return int(found[0].group(1).replace(",", "")) if found else None


def test_cutting_what_the_overflow_hint_says_fits_and_cutting_70_percent_does_not(tmp_path):
    paragraphs = [PARAGRAPH] * 14  # one page's worth and about a dozen lines more
    verb, characters = plan_hint(tmp_path, paragraphs)
    assert verb == "cut"
    fill_warning(tmp_path, cut(paragraphs, characters))  # builds: the page plan holds
    with pytest.raises(CaipdfError, match="should start on page 3"):
        build(write(tmp_path, issue_text(paragraphs_text(cut(paragraphs, int(0.7 * characters))))),
              tmp_path / "out.pdf")


def test_cutting_a_long_overflow_by_its_hint_fits(tmp_path):
    paragraphs = [PARAGRAPH] * 22  # runs well onto a second page
    verb, characters = plan_hint(tmp_path, paragraphs)
    assert verb == "cut"
    fill_warning(tmp_path, cut(paragraphs, characters))  # builds: the page plan holds
    with pytest.raises(CaipdfError, match="should start on page 3"):
        build(write(tmp_path, issue_text(paragraphs_text(cut(paragraphs, int(0.7 * characters))))),
              tmp_path / "out.pdf")


def test_adding_what_the_underfill_warning_says_fills_the_page_and_70_percent_does_not(tmp_path):
    paragraphs = [PARAGRAPH] * 6
    characters = fill_warning(tmp_path, paragraphs)
    assert characters
    assert fill_warning(tmp_path, extended(paragraphs, characters)) is None
    assert fill_warning(tmp_path, extended(paragraphs, int(0.7 * characters))) is not None


def test_adding_what_the_page_plan_says_fills_a_page_left_empty(tmp_path):
    """'first' owns pages 2–3 but fills page 2 only: 'second' starts a page early."""
    paragraphs = [PARAGRAPH] * 5
    verb, characters = plan_hint(tmp_path, paragraphs, first_pages=2)
    assert verb == "add"
    assert fill_warning(tmp_path, extended(paragraphs, characters), first_pages=2) is None
    assert fill_warning(tmp_path, extended(paragraphs, int(0.7 * characters)), first_pages=2)


def _fits(tmp_path, paragraphs) -> bool:
    try:
        build(write(tmp_path, issue_text(paragraphs_text(paragraphs))), tmp_path / "out.pdf")
    except CaipdfError:
        return False
    return True


def _least(works, low: int, high: int) -> int:
    """The least n in (low, high] for which works(n), given works(high) and not works(low)."""
    while high - low > 5:
        middle = (low + high) // 2
        low, high = (low, middle) if works(middle) else (middle, high)
    return high


def test_the_overflow_hint_is_within_15_percent_of_the_least_cut_that_fits(tmp_path):
    paragraphs = [PARAGRAPH] * 15
    _, hinted = plan_hint(tmp_path, paragraphs)
    needed = _least(lambda n: _fits(tmp_path, cut(paragraphs, n)), 0, 2 * hinted)
    assert abs(hinted - needed) <= 0.15 * needed, (hinted, needed)


def test_the_underfill_hint_is_within_15_percent_of_the_least_addition_that_fills(tmp_path):
    paragraphs = [PARAGRAPH] * 5
    hinted = fill_warning(tmp_path, paragraphs)
    needed = _least(lambda n: fill_warning(tmp_path, extended(paragraphs, n)) is None, 0, hinted)
    assert abs(hinted - needed) <= 0.15 * needed, (hinted, needed)


def test_an_overflow_larger_than_the_text_says_to_resize_the_figures_and_no_tables(tmp_path):
    figures = "".join(f"- figure: photos/{number}.jpg\n  span: page\n" for number in range(7))
    blocks = f"- p: {PARAGRAPH}\n{figures}- p: {PARAGRAPH}\n"
    with pytest.raises(CaipdfError) as caught:
        build(write(tmp_path, issue_text(blocks, first_pages=2)), tmp_path / "out.pdf")
    assert re.search(r"article 'first' has pages 2–3 but fills \d pages: it runs \d+ lines of [\d.]+ "
                     r"characters over, more than all of its [\d,]+ characters: resize its figures$",
                     str(caught.value), re.MULTILINE), str(caught.value)  # it has no table


def test_the_hint_names_the_tables_of_an_article_with_tables_and_no_photo(tmp_path):
    rows = "".join(f"      - [{number}月, 会合の名前, 場所]\n" for number in range(1, 13)) * 8
    blocks = f"- p: {PARAGRAPH}\n- table:\n    header: [日程, 会合, 場所]\n    rows:\n{rows}- p: {PARAGRAPH}\n"
    with pytest.raises(CaipdfError) as caught:
        build(write(tmp_path, issue_text(blocks)), tmp_path / "out.pdf")
    [hint] = [line for line in str(caught.value).splitlines() if "article 'first' has page 2" in line]
    assert hint.endswith("shorten its tables") and "figures" not in hint, hint
