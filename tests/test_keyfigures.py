"""Key figures, read back from the PDF: bar lengths and the note in its circle."""

import math
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from caipdf.cli import main
from caipdf.commands.build import build
from conftest import ROOT
from pdfcheck import MM, content_boxes

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
