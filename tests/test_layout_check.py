"""The layout check of every build (caipdf.checks.layout), measured again from the PDFs.

The check reads WeasyPrint's boxes; these tests read the built PDF's glyph
boxes and ink (tests/layout_pdf.py), so each side checks the other.
"""

import re
import textwrap

import pytest

from caipdf.commands.build import build
from caipdf.errors import CaipdfError
from layout_pdf import PITCH, read_layout
from pdfcheck import page_texts, squeeze
from small_issue import issue_head

MIDDLE = 595.28 / 2  # the gutter between the columns

SENTENCE = "これは試験用の文章で、段組の高さを満たすために繰り返されます。"
PARAGRAPH = SENTENCE * 6
KEYFIGURES = """\
- keyfigures:
    title: 数字で見る試験
    headline: "試験の数字が\\n大きく示されます"
    unit: 件
    items:
      - {when: 2019年, value: 4, detail: 説明, population: 20}
      - {when: 2020年, value: 87, detail: 説明, population: 60}
    note: "注目の\\n数字"
"""
NOTES = {"a": "注釈の文章です。" * 5, "b": "二つ目の注釈の文章です。" * 3}


def paragraph(note: str | None = None) -> str:
    return f"- p: {PARAGRAPH[:-1]}[^{note}]。\n" if note else f"- p: {PARAGRAPH}\n"


def issue_text(first_blocks: str, first_pages: int = 1, footnotes: dict | None = None) -> str:
    """A cover, the article 'first' on page 2 (owning `first_pages` pages), and a
    one-page article 'second' after it, on the back page."""
    second = 2 + first_pages
    notes = "".join(f"      {key}: {value}\n" for key, value in (footnotes or {}).items())
    first = "  - id: first\n    page: 2\n    toc: 最初の記事\n    title: 最初の記事\n"
    return issue_head(second) + first + (f"    footnotes:\n{notes}" if notes else "") \
        + "    blocks:\n" + textwrap.indent(first_blocks, "      ") + textwrap.indent(textwrap.dedent(f"""\
            - id: second
              page: {second}
              toc: 次の記事
              title: 次の記事
              blocks:
                - p: {PARAGRAPH * 3}
            """), "  ")


def write(tmp_path, text: str, name: str = "issue.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the bug behind the check: key figures and footnotes ---------------------------

def test_key_figures_and_footnotes_fill_the_first_page_and_keep_clear_of_the_notes(tmp_path):
    """Footnotes called above a spanning block (the key figures) used to be
    ignored below it: the body moved off its first page, leaving it empty
    under the banner, and was then printed over the footnotes."""
    blocks = (f"- lead: {SENTENCE * 3}\n" + paragraph("a") + paragraph() + KEYFIGURES
              + paragraph("b") + paragraph() * 5)
    issue = write(tmp_path, issue_text(blocks, first_pages=2, footnotes=NOTES))
    pdf = build(issue, tmp_path / "out.pdf").output
    pages = read_layout(pdf)
    first = pages[1]
    # The first page is full to the footnotes in both columns …
    assert all(first.shortfall(column) < 2 * PITCH for column in (0, 1)), \
        [first.shortfall(column) / PITCH for column in (0, 1)]
    # … its footnotes are those called on it, and no text is drawn over other text.
    texts = [squeeze(text) for text in page_texts(pdf)]
    assert "*1注釈の文章です" in texts[1] and "*2二つ目の注釈" in texts[1]
    for page in pages:
        assert page.overlaps() == [] and page.body_in_footnotes() == [], page.number


def test_key_figures_that_no_longer_fit_move_whole_to_the_next_page(tmp_path):
    """Key figures after footnote calls near a page foot: once the notes are
    counted they do not fit; they move, whole, instead of being drawn over
    the notes (or split, which made WeasyPrint fail on the next page)."""
    blocks = paragraph() * 8 + paragraph("a") + paragraph("b") + KEYFIGURES
    issue = write(tmp_path, issue_text(blocks, first_pages=2, footnotes=NOTES))
    pdf = build(issue, tmp_path / "out.pdf").output
    texts = [squeeze(text) for text in page_texts(pdf)]
    [headline_page] = [number for number, text in enumerate(texts, 1) if "試験の数字が" in text]
    [bars_page] = [number for number, text in enumerate(texts, 1) if "2020年" in text]
    assert headline_page == bars_page == 3
    for page in read_layout(pdf):
        assert page.overlaps() == [] and page.body_in_footnotes() == [], page.number


# --- errors ----------------------------------------------------------------------

def test_an_overlap_made_on_purpose_fails_the_build_naming_article_and_page(tmp_path, monkeypatch):
    from caipdf.render import html

    # A stylesheet in the issue's folder pulls the body up over the lead (and
    # takes the lead off the line grid, which would end it below the lead).
    (tmp_path / "overlap.css").write_text(
        ".article--first .lead { margin-bottom: -14mm; --caipdf-grid: none; }")
    monkeypatch.setattr(html, "STYLESHEETS", html.STYLESHEETS + (str(tmp_path / "overlap.css"),))
    issue = write(tmp_path, issue_text(f"- lead: {SENTENCE * 4}\n" + paragraph() * 8))
    with pytest.raises(CaipdfError) as caught:
        build(issue, tmp_path / "out.pdf")
    message = str(caught.value)
    assert re.search(r"issue\.yaml:\d+:\d+: error: page 2 \(article 'first'\): the lead “[^”]+” "
                     r"is drawn over body text", message), message
    assert not (tmp_path / "out.pdf").exists()
    # The draft shows it: glyphs of the lead and of the body intersect.
    draft = build(issue, tmp_path / "draft.pdf", draft=True).output
    assert read_layout(draft)[1].overlaps()


def test_text_running_out_of_its_column_is_an_error(tmp_path):
    word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2
    issue = write(tmp_path, issue_text(f"- p: {SENTENCE}{word}{SENTENCE}\n" + paragraph() * 6))
    with pytest.raises(CaipdfError) as caught:
        build(issue, tmp_path / "out.pdf")
    assert re.search(r"page 2 \(article 'first'\): body text “[^”]+” runs [\d.]+ pt past the edge "
                     r"of its column", str(caught.value)), str(caught.value)


def test_a_hole_in_an_article_page_is_an_error(tmp_path):
    """A tall figure that no longer fits the left column moves to the right
    one and leaves the left column more than a third empty."""
    figure = "- figure: photos/tall.jpg\n  aspect: \"1:2\"\n"
    issue = write(tmp_path, issue_text(paragraph() * 3 + figure + paragraph() * 10, first_pages=2))
    with pytest.raises(CaipdfError) as caught:
        build(issue, tmp_path / "out.pdf")
    assert "page 2 of article 'first': the left column ends more than a third of the page short, " \
           "and the article goes on on page 3" in str(caught.value), str(caught.value)
    draft = build(issue, tmp_path / "draft.pdf", draft=True).output
    page = read_layout(draft)[1]
    third = (page.glyphs and (841.89 - 15 * 72 / 25.4 - 20 * 72 / 25.4) / 3)
    assert page.shortfall(0) > third > page.shortfall(1)


# --- warnings --------------------------------------------------------------------

def test_an_underfilled_last_page_warns_with_its_page_and_the_lines_that_fill_it(tmp_path):
    issue = write(tmp_path, issue_text(paragraph() * 5))
    result = build(issue, tmp_path / "out.pdf")
    [warning] = [warning for warning in result.warnings if "article 'first'" in warning]
    found = re.search(r"article 'first' ends (\d+) lines \(left column (\d+), right column (\d+)\) "
                      r"short of the foot of page 2: add about ([\d,]+) characters", warning)
    assert found, warning
    total, left, right, characters = (int(group.replace(",", "")) for group in found.groups())
    page = read_layout(result.output)[1]
    for column, lines in ((0, left), (1, right)):
        assert abs(page.shortfall(column) / PITCH - lines) < 1, (column, page.shortfall(column) / PITCH)
    assert 25 * total <= characters <= 27.5 * total  # a column is 27 em wide


def test_an_article_with_no_paragraph_warns_of_its_empty_page_and_its_lone_heading(tmp_path):
    """The trial's vol.33 p.6: a lead, a heading, a photo and a last heading with
    nothing under it, no paragraph. The page was ~60 % empty and no warning said so:
    an article without body text of its own had no measure to count lines by."""
    blocks = ("- lead: 測定網の整備と排出源の対策を同時に進める都市の取組を紹介します。\n"
              "- h3: 測定網を広げる\n  number: 1\n"
              "- figure: photos/site.jpg\n  aspect: \"3:4\"\n"
              "- h3: 排出源に手を打つ\n  number: 2\n")
    text = issue_text(blocks)
    issue = write(tmp_path, text)
    result = build(issue, tmp_path / "out.pdf")
    warnings = "\n".join(result.warnings)
    found = re.search(r"article 'first' ends (\d+) lines \(left column (\d+), right column (\d+)\) "
                      r"short of the foot of page 2", warnings)
    assert found, warnings
    _, left, right = (int(group) for group in found.groups())
    page = read_layout(result.output)[1]
    for column, lines in ((0, left), (1, right)):
        assert abs(page.shortfall(column) / PITCH - lines) < 1, (column, page.shortfall(column) / PITCH)
    line = text.splitlines().index("      - h3: 排出源に手を打つ") + 1
    assert (f"{issue}:{line}:9: warning: page 2 (article 'first'): the heading 「排出源に手を打つ」 "
            "has nothing under it in its column\n  fix: write the text it heads, or remove the "
            "heading") in warnings, warnings
    assert warnings.count("has nothing under it") == 1  # not the first heading, with the photo under it


def test_columns_ending_apart_above_a_page_wide_quote_warn_with_the_lines(tmp_path):
    """The trial's vol.32 p.2: a photo that cannot split leaves the column run
    above a page-wide quote 8 lines shorter on the right; the page was full to
    its foot, so no check saw it."""
    quote = f"- quote: {SENTENCE[:-1]}\n  span: page\n"
    blocks = (paragraph() * 2 + "- figure: photos/wide.jpg\n  aspect: \"1:1\"\n" + paragraph()
              + quote + paragraph() * 4)
    issue = write(tmp_path, issue_text(blocks, first_pages=2))
    result = build(issue, tmp_path / "out.pdf", draft=True)
    found = re.search(r"page 2 \(article 'first'\): the (left|right) column ends (\d+) lines above "
                      r"the other one, over the page-wide block below them\n  fix: add about ([\d,]+) "
                      r"characters", "\n".join(result.warnings))
    assert found, result.warnings
    side, lines, characters = found.group(1), int(found.group(2)), int(found.group(3).replace(",", ""))
    page = read_layout(result.output)[1]
    quote_top = max(glyph.top for glyph in page.glyphs  # the quote's first line
                    if glyph.char == "こ" and "Gothic" in glyph.font)
    lowest = [min([glyph.bottom for glyph in page.glyphs if glyph.bottom > quote_top
                   and (glyph.right < MIDDLE if column == 0 else glyph.left > MIDDLE)]
                  + [bottom for left, bottom, right, top in page.ink if bottom > quote_top
                     and (right < MIDDLE if column == 0 else left > MIDDLE)])
              for column in (0, 1)]
    apart = (lowest[0] - lowest[1]) / PITCH  # points, y up: the left column ends higher when > 0
    assert side == ("left" if apart > 0 else "right")
    assert abs(abs(apart) - lines) < 1, (apart, lines)
    assert 25 * lines <= characters <= 27.5 * lines
