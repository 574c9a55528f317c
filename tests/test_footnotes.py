"""Footnotes, read back from the PDF: one note per footnote however often it
is called, and the notes of a lead spaced like the body's."""

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from caipdf.commands.build import build
from caipdf.profiles import PROFILES
from small_issue import issue_head
from tagged import marked_texts, structure_tree
from pdfcheck import squeeze

NOTES = {"ndc": "各国が自ら決める削減目標。", "ncqg": "新たな気候資金の数値目標。",
         "gga": "適応に関する世界全体の目標。", "jcm": "二国間クレジット制度。"}
ISSUE = issue_head(4) + f"""\
  - id: cop
    page: 2
    toc: 締約国会議
    title: 締約国会議
    footnotes:
{"".join(f"      {key}: {text}{chr(10)}" for key, text in NOTES.items())}\
    blocks:
      - lead: 各国の新しい削減目標[^ndc]の提出が続くなか、資金[^ncqg]、適応[^gga]について議論が行われました。
      - p: 今回の会議では、新しい資金の目標[^ncqg]の具体化について意見が分かれました。日本はJCM[^jcm]を紹介しました。
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("footnotes")
    issue = folder / "notes.yaml"
    issue.write_text(ISSUE, encoding="utf-8")
    pdfs = {}
    for edition in ("print", "screen"):
        pdfs[edition] = folder / f"{edition}.pdf"
        build(issue, pdfs[edition], draft=True, profile=PROFILES[edition])
    return pdfs


def footnote_lines(pdf: Path) -> dict[str, float]:
    """Each footnote text of page 2 → the bottom of its first character's line."""
    textpage = pdfium.PdfDocument(str(pdf))[1].get_textpage()
    text = textpage.get_text_range()
    lines = {}
    for key, note in NOTES.items():
        start = text.find(note)
        assert start >= 0, f"{note} is not on page 2"
        assert text.count(note) == 1, f"{note} is printed {text.count(note)} times"
        lines[key] = textpage.get_charbox(start, loose=True)[1]  # the font's box, not the glyph's
    return lines


def test_a_footnote_called_twice_is_printed_once_and_its_mark_twice(built):
    footnote_lines(built["print"])
    text = squeeze(pdfium.PdfDocument(str(built["print"]))[1].get_textpage().get_text_range())
    assert text.count("資金*2") == 1 and text.count("目標*2の具体化") == 1


def test_notes_of_the_lead_are_spaced_like_the_body_ones(built):
    bottoms = sorted(footnote_lines(built["print"]).values(), reverse=True)
    gaps = [upper - lower for upper, lower in zip(bottoms, bottoms[1:])]
    assert max(gaps) - min(gaps) < 0.5, gaps


def test_the_screen_edition_has_one_note_per_footnote(built):
    tree = structure_tree(built["screen"])
    texts = marked_texts(built["screen"])
    notes = [squeeze(note.text(texts)) for note in tree.find("Note")]
    assert notes == [f"*{number}{text}" for number, text in enumerate(NOTES.values(), 1)]
