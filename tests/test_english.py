"""English inside the Japanese issue (`lang: en`), read back from the PDF.

tests/samples/tables.yaml has an English article (page 4) and English
paragraphs in a Japanese article (page 7). The expectations come from the
issue file's text and the fonts' own metrics.
"""

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
import yaml
from fontTools.ttLib import TTFont

from caipdf import paths
from caipdf.commands.build import build
from conftest import ROOT

SAMPLE = ROOT / "tests" / "samples" / "tables.yaml"
BODY_SIZE = 9.0
MIDDLE = 595.28 / 2


@dataclass(frozen=True)
class Glyph:
    char: str
    x: float  # origin
    left: float
    right: float
    baseline: float
    size: float
    font: str


def body_lines(pdf: Path, page_index: int) -> list[list[Glyph]]:
    """Lines of body text (9 pt) per column, top to bottom, without spaces
    (a word space is the gap between two glyphs, however it was drawn)."""
    textpage = pdfium.PdfDocument(str(pdf))[page_index].get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    name, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    glyphs = []
    for index in range(textpage.count_chars()):
        char = chr(raw.FPDFText_GetUnicode(textpage, index))
        if raw.FPDFText_IsGenerated(textpage, index) == 1 or char in "\r\n ":
            continue
        char = "-" if char == "\x02" else char  # pdfium's mark for a hyphen at a line end
        raw.FPDFText_GetCharOrigin(textpage, index, x, y)
        left, _, right, _ = textpage.get_charbox(index, loose=True)
        raw.FPDFText_GetFontInfo(textpage, index, name, 256, ctypes.byref(flags))
        size = raw.FPDFText_GetFontSize(textpage, index) * 0.75  # pdfium gives CSS px here
        glyphs.append(Glyph(char, x.value, left, right, round(y.value, 1), round(size, 1),
                            name.value.decode().split("+")[-1]))
    lines = []
    for column in (0, 1):
        in_column = [g for g in glyphs if (g.x < MIDDLE) == (column == 0)
                     and abs(g.size - BODY_SIZE) < 0.2]
        for baseline in sorted({g.baseline for g in in_column}, reverse=True):
            lines.append(sorted((g for g in in_column if g.baseline == baseline), key=lambda g: g.x))
    return lines


WORD_GAP = 0.1 * BODY_SIZE  # letters of a word touch; words are further apart


def word_gaps(line: list[Glyph]) -> list[float]:
    return [b.x - a.right for a, b in zip(line, line[1:]) if b.x - a.right > WORD_GAP]


def text(line: list[Glyph]) -> str:
    """The line's text, a space where its words are apart."""
    out = line[0].char if line else ""
    for a, b in zip(line, line[1:]):
        out += (" " if b.x - a.right > WORD_GAP else "") + b.char
    return out


def english_paragraphs() -> list[str]:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return [block["p"] for article in data["articles"] for block in article["blocks"]
            if "p" in block and (block.get("lang") or article.get("lang")) == "en"]


def english_source() -> str:
    return " ".join(english_paragraphs())


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("english") / "tables.pdf"
    build(SAMPLE, output)
    return output


def english_lines(pdf: Path) -> list[list[Glyph]]:
    return [line for page in (3, 6) for line in body_lines(pdf, page)
            if text(line).isascii() or "’" in text(line) or "“" in text(line)]


def test_lang_en_is_hyphenated(sample_pdf):
    source = english_source()
    words = set(re.findall(r"[A-Za-z’]+", source))
    lines = english_lines(sample_pdf)
    inserted = []
    for line, following in zip(lines, lines[1:]):
        if text(line).endswith("-"):
            before = re.findall(r"[A-Za-z’-]+$", text(line))[0][:-1]
            after = re.findall(r"^[A-Za-z’]+", text(following))[0]
            if f"{before}-{after}" in source:
                continue  # a hyphen of the text itself (energy-efficient)
            assert before + after in words, f"{before}-{after} is not a word of the text"
            inserted.append(before + after)
    assert len(inserted) >= 4, inserted
    # and the hyphen is the Latin face's
    hyphens = [line[-1] for line in lines if text(line).endswith("-")]
    assert all("Latin" in glyph.font for glyph in hyphens), {glyph.font for glyph in hyphens}


def test_apostrophes_and_quotes_come_from_the_latin_face_and_close_up(sample_pdf):
    quotes = [(line, index) for line in english_lines(sample_pdf)
              for index, glyph in enumerate(line) if glyph.char in "’“”"]
    assert len(quotes) >= 10
    for line, index in quotes:
        glyph = line[index]
        assert "Latin" in glyph.font, (glyph, text(line))
        if glyph.char == "’" and index + 1 < len(line) and line[index + 1].char == "s":
            assert line[index + 1].x - glyph.right < 0.05 * BODY_SIZE, text(line)


def test_word_spaces_keep_their_width_and_lines_fill_the_measure(sample_pdf):
    """English is set flush left: every word space is the font's own (0.333 em
    in CAI Latin Mincho), and hyphenation keeps the rag short: every line but
    a paragraph's last fills at least 85 % of the 27 em column."""
    font = TTFont(paths.FONTS / "CAILatinMincho-Regular.ttf")
    natural = font["hmtx"]["space"][0] / font["head"].unitsPerEm * BODY_SIZE
    measure = 27 * BODY_SIZE
    endings = [paragraph.replace(" ", "") for paragraph in english_paragraphs()]
    measured = 0
    for line in english_lines(sample_pdf):
        last_of_paragraph = any(ending.endswith(text(line).replace(" ", "")) for ending in endings)
        spaces = word_gaps(line)
        if not spaces or last_of_paragraph:
            continue
        measured += 1
        assert natural - 0.05 <= min(spaces) and max(spaces) <= natural + 0.05, text(line)
        assert line[-1].right - line[0].x >= 0.85 * measure - BODY_SIZE, text(line)  # 1 em indent
    assert measured >= 40


def test_a_japanese_story_in_an_english_article_keeps_the_japanese_rules(sample_pdf):
    """`lang: ja` on the h2 of 日本の自治体から (in the English article on page 4):
    its paragraphs are set to JLREQ again, with a quarter em of 和欧間 before
    the digits of 延べ1,000人."""
    lines = [line for line in body_lines(sample_pdf, 3) if "延べ" in text(line)]
    [line] = lines
    before = next(index for index, glyph in enumerate(line) if glyph.char == "べ")
    gap = (line[before + 1].x - line[before].right) / BODY_SIZE
    assert line[before + 1].char == "1" and 0.2 <= gap <= 0.3


def test_check_measures_jlreq_justification_on_japanese_lines_only(sample_pdf):
    """English is set flush left, on purpose: `caipdf check`'s justification
    figures leave its lines out (they are all in the Latin face)."""
    from caipdf.typesetting.metrics import measure

    report = measure(sample_pdf)
    assert dict(report.checks())["justification"], report.lines()
