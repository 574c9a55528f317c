"""Glyph positions read back from a PDF, for the typesetting tests.

Each glyph's origin and advance (pdfium's loose character box runs from the
origin to the origin plus the font's advance width), grouped into lines by
baseline. Independent of caipdf.typesetting.metrics on purpose: the layout
tests check the hooks with a reader of their own.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from caipdf import paths
from caipdf.render.pdf import render, write_pdf

FONTS_CSS = (paths.LAYOUTS / "fonts.css").as_uri()
SIZE = 9.0  # pt, the body size: 1 em in the tests' paragraphs
LEFT = 20.0  # pt, the page margin of the test pages


@dataclass(frozen=True)
class Glyph:
    char: str
    x: float      # origin, pt
    right: float  # origin + advance, pt
    y: float      # baseline, pt
    size: float = 0.0  # font size, in the text matrix's units (12 for 9 pt)


def paragraph_pdf(body: str, width_em: float = 10, css: str = "", jlreq: bool = True) -> bytes:
    """A page with `body` (HTML) in a box `width_em` wide at the body size,
    set with caipdf's fonts; with `jlreq`, the box asks for the JLREQ rules
    and is justified with a 1 em first-line indent, like .article__body p.p."""
    rules = ("--caipdf-typesetting: jlreq; text-align: justify; text-indent: 1em;"
             if jlreq else "text-align: justify; text-indent: 1em;")
    html = f"""<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">
<link rel="stylesheet" href="{FONTS_CSS}"><style>
@page {{ size: 210mm 120mm; margin: {LEFT}pt; }}
html {{ font-family: "CAI Latin Mincho", "CAI Mincho"; font-size: {SIZE}pt; line-height: 1.7; }}
body {{ margin: 0; }}
p {{ margin: 0; width: {width_em}em; {rules} }}
strong {{ font-family: "CAI Latin Gothic", "CAI Gothic"; font-weight: 700; }}
sup {{ font-size: 0.65em; line-height: 0; vertical-align: 0.6em; }}
{css}</style></head><body>{body}</body></html>"""
    return write_pdf(render(html, paths.LAYOUTS))


def page_glyphs(pdf: bytes, page: int = 0) -> list[Glyph]:
    """Every glyph of a page in pdfium's order, less the spaces and line
    ends pdfium makes up."""
    document = pdfium.PdfDocument(pdf)
    textpage = document[page].get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    box = raw.FS_RECTF()
    glyphs = []
    for index in range(textpage.count_chars()):
        if raw.FPDFText_IsGenerated(textpage, index) == 1:
            continue
        char = chr(raw.FPDFText_GetUnicode(textpage, index))
        if char in "\r\n":
            continue
        raw.FPDFText_GetCharOrigin(textpage, index, x, y)
        raw.FPDFText_GetLooseCharBox(textpage, index, box)
        glyphs.append(Glyph(char, x.value, box.right, y.value,
                            raw.FPDFText_GetFontSize(textpage, index)))
    textpage.close()
    document.close()
    return glyphs


def glyph_lines(pdf: bytes, page: int = 0) -> list[list[Glyph]]:
    """The glyphs of a page, line by line from the top, left to right;
    superscripts (raised above a line) are left out, so are spaces pdfium
    makes up for wide gaps."""
    glyphs = page_glyphs(pdf, page)
    baselines = sorted({round(glyph.y, 1) for glyph in glyphs}, reverse=True)
    lines = [sorted((glyph for glyph in glyphs if round(glyph.y, 1) == baseline),
                    key=lambda glyph: glyph.x) for baseline in baselines]
    # A superscript sits less than a line pitch above the line it belongs to.
    return [line for line, below in zip(lines, lines[1:] + [None])
            if below is None or line[0].y - below[0].y > 0.8 * SIZE]


def text_of(line: list[Glyph]) -> str:
    return "".join(glyph.char for glyph in line)


def em(points: float) -> float:
    return points / SIZE


def gap_after(line: list[Glyph], index: int) -> float:
    """The space between glyph `index` and the next one, in em."""
    return em(line[index + 1].x - line[index].right)


def find(line: list[Glyph], text: str) -> int:
    """Index of the first glyph of `text` in the line."""
    index = text_of(line).find(text)
    assert index >= 0, f"{text!r} not in {text_of(line)!r}"
    return index
