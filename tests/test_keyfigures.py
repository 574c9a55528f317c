"""Key figures, read back from the PDF: bar lengths and the note in its circle."""

import math
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from caipdf.checks import notes
from caipdf.cli import main
from caipdf.commands.build import build
from caipdf.pipeline import read
from caipdf.render.html import render_html
from caipdf.render.pdf import render
from conftest import ROOT
from pdfcheck import MM, content_boxes
from small_issue import issue_head

SAMPLE = ROOT / "tests" / "samples" / "tables.yaml"
BAR_HEIGHT = 4 * MM
CIRCLE = 36 * MM


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("keyfigures") / "tables.pdf"
    build(SAMPLE, output)
    return output


def bar_widths(pdf: Path, page_index: int) -> list[float]:
    """Widths of the 4 mm high bars (their white tracks and their fills), widest first."""
    return sorted((box.right - box.left for box in content_boxes(pdf, page_index)
                   if box.kind == "path" and abs(box.top - box.bottom - BAR_HEIGHT) < 0.3),
                  reverse=True)


def test_bars_take_their_length_from_value(sample_pdf):
    """8, 31 and 60 cities, no scale: the largest value fills its track."""
    widths = bar_widths(sample_pdf, 4)
    full = widths[0]
    fills = sorted(width for width in widths if width < full - 0.5)
    assert len(widths) == 6  # three tracks, three fills (the longest as long as its track)
    assert fills == pytest.approx([8 / 60 * full, 31 / 60 * full], abs=0.3)


def test_scale_population_draws_the_bars_from_the_population(vol19_pdf):
    widths = bar_widths(vol19_pdf, 5)
    full = widths[0]
    fills = [width for width in widths if width < full - 0.5]
    assert fills == pytest.approx([20_000_000 / 62_400_000 * full], abs=0.3)


def note_corners_outside(pdf: Path, page_index: int) -> tuple[int, list[str]]:
    """(glyphs of the note, those with a corner outside the note's circle)."""
    [circle] = [box for box in content_boxes(pdf, page_index) if box.kind == "path"
                and abs(box.right - box.left - CIRCLE) < 0.5 and abs(box.top - box.bottom - CIRCLE) < 0.5]
    centre = ((circle.left + circle.right) / 2, (circle.bottom + circle.top) / 2)
    textpage = pdfium.PdfDocument(str(pdf))[page_index].get_textpage()
    inside, outside = 0, []
    for index in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(index, loose=True)
        if not (circle.left < (left + right) / 2 < circle.right
                and circle.bottom < (bottom + top) / 2 < circle.top) or right - left < 0.1:
            continue
        inside += 1
        if any(math.dist(centre, corner) > CIRCLE / 2
               for corner in ((left, bottom), (left, top), (right, bottom), (right, top))):
            outside.append(textpage.get_text_range(index, 1))
    return inside, outside


def test_the_notes_fit_their_circles(vol19_pdf, sample_pdf):
    for pdf, page_index, characters in ((vol19_pdf, 5, len("人口規模は6,000万人を超えた")),
                                         (sample_pdf, 4, len("10年で7倍以上に"))):
        count, outside = note_corners_outside(pdf, page_index)
        assert count == characters and outside == []


def test_a_note_too_long_for_its_circle_is_an_error(tmp_path, capfd):
    text = SAMPLE.read_text(encoding="utf-8")
    long_note = "都市間連携の事業は10年で7倍以上に増えて、参加する国も大きく広がりました"
    text = text.replace('note: "10年で\\n7倍以上に"', f"note: {long_note}")
    issue = tmp_path / "note.yaml"
    issue.write_text(text, encoding="utf-8")
    assert main(["check", str(issue)]) == 1
    err = capfd.readouterr().err
    line = next(n for n, l in enumerate(text.splitlines(), 1) if l.strip().startswith("note:"))
    assert f"{issue}:{line}:" in err and "runs outside its circle" in err and "fix:" in err


FOUR_ITEMS = issue_head(4) + """\
  - id: mercury
    page: 2
    toc: 水銀
    title: 水銀の排出
    blocks:
      - keyfigures:
          title: 世界の人為的な水銀排出の内訳
          headline: "排出の約4割が\\n小規模金採掘から"
          unit: "%"
          scale: 100
          items:
            - {when: 小規模金採掘, value: 38, detail: "約840トン"}
            - {when: 石炭の燃焼, value: 21, detail: "約470トン"}
            - {when: 非鉄金属の生産, value: 15, detail: "約330トン"}
            - {when: セメント生産, value: 11, detail: "約230トン"}
          note: "2015年の\\n推計値による"
      - p: 水銀の排出は、小規模な金の採掘から出るものが最も多くなっています。
"""


@pytest.fixture(scope="module")
def four_items(tmp_path_factory) -> tuple[Path, Path]:
    """(issue file, its PDF): four items under a two-line headline, the trial's vol.32 p.3."""
    folder = tmp_path_factory.mktemp("four-items")
    issue = folder / "four.yaml"
    issue.write_text(FOUR_ITEMS, encoding="utf-8")
    build(issue, folder / "four.pdf", draft=True)
    return issue, folder / "four.pdf"


def test_the_circle_covers_no_item_of_a_short_headline(four_items):
    _, pdf = four_items
    count, outside = note_corners_outside(pdf, 1)
    assert count == len("2015年の推計値による") and outside == []  # only the note is in it


def test_every_items_figure_stands_on_one_baseline(four_items):
    """The last item's figure is 48 pt, the others 36 pt: their baselines are level."""
    _, pdf = four_items
    textpage = pdfium.PdfDocument(str(pdf))[1].get_textpage()
    digits = []  # (bottom, height) of each digit of 36 pt or more: the figures 38 21 15 11
    for index in range(textpage.count_chars()):
        left, bottom, right, top = textpage.get_charbox(index)
        if textpage.get_text_range(index, 1).isdigit() and top - bottom > 20:
            digits.append((bottom, top - bottom))
    assert len(digits) == 8
    heights = [height for _, height in digits]
    assert max(heights) > min(heights) * 1.25  # the last figure is the larger one
    bottoms = [bottom for bottom, _ in digits]
    assert max(bottoms) - min(bottoms) < 1.0


def test_a_circle_drawn_over_an_item_is_an_error(four_items):
    """Undo the layout's room for the circle: the check names what it covers."""
    issue_file, _ = four_items
    undo = issue_file.parent / "undo.css"
    undo.write_text(".keyfigures__head--note { min-height: 0 !important; padding-right: 0 !important; }",
                    encoding="utf-8")
    issue = read(issue_file)
    rendering = render(render_html(issue), issue_file.parent, stylesheets=[undo])
    [problem] = notes.check(issue, rendering)
    assert "セメント生産" in problem.message and "drawn over" in problem.message
    assert problem.location.line == next(number for number, line in enumerate(FOUR_ITEMS.splitlines(), 1)
                                         if line.strip().startswith("note:"))
