"""The layout of a built issue read back from its PDF, for the tests.

Independent of caipdf.checks (which reads WeasyPrint's boxes): here the
text is pdfium's glyph boxes, the rest of the ink the page's path and image
objects, and the grid the newsletter's CSS (A4, margins 15/16/20 mm, the
back page's 62 mm, two columns of 27 em of 9 pt with a 6.55 mm gap).
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

MM = 72 / 25.4
PAGE_HEIGHT = 841.89
TEXT_TOP = PAGE_HEIGHT - 15 * MM
TEXT_BOTTOM = 20 * MM
BACK_TEXT_BOTTOM = 62 * MM                     # the back page holds the colophon below
COLUMNS = ((16 * MM, 16 * MM + 243), (16 * MM + 243 + 6.55 * MM, 16 * MM + 486 + 6.55 * MM))
PITCH = 9 * 1.7                                # a body line
FOOTNOTE_SIZE = 7.5
FOOTNOTE_AREA_ABOVE_GLYPHS = 16.5   # pt, see PageLayout.footnotes_top
LINE_BELOW_GLYPHS = 3.5             # pt from a body glyph's foot to its line box's: the half leading


@dataclass(frozen=True)
class Glyph:
    char: str
    left: float
    bottom: float
    right: float
    top: float
    size: float
    font: str

    @property
    def footnote(self) -> bool:
        return abs(self.size - FOOTNOTE_SIZE) < 0.05 and "Mincho" in self.font


@dataclass
class PageLayout:
    number: int
    glyphs: list[Glyph]
    ink: list[tuple[float, float, float, float]]  # path and image objects: left, bottom, right, top
    text_bottom: float                            # the text area's foot (points from the bottom)

    @property
    def footnotes_top(self) -> float | None:
        """The top of the footnote area: above the highest footnote glyph, the half
        leading of its line, the 6 px padding, the rule and the 12 px margin."""
        tops = [glyph.top for glyph in self.glyphs if glyph.footnote]
        return max(tops) + FOOTNOTE_AREA_ABOVE_GLYPHS if tops else None

    def lowest_ink(self, column: int) -> float | None:
        """The lowest ink of the body in a column (footnotes and margins left out)."""
        lowest = self._lowest(column)
        return lowest[0] if lowest else None

    def _lowest(self, column: int) -> tuple[float, bool] | None:
        """(the lowest ink's foot, whether it is a glyph's) in a column."""
        left, right = COLUMNS[column]
        floor = self.footnotes_top or self.text_bottom - 1
        bottoms = [(glyph.bottom, True) for glyph in self.glyphs
                   if glyph.left < right and glyph.right > left and floor < glyph.bottom < TEXT_TOP + 1]
        bottoms += [(bottom, False) for x0, bottom, x1, top in self.ink
                    if x0 < right - 1 and x1 > left + 1 and bottom > floor and top < TEXT_TOP + 1]
        return min(bottoms) if bottoms else None

    def shortfall(self, column: int) -> float:
        """Points from the column's lowest ink down to the foot of the text area."""
        foot = max(self.footnotes_top or 0, self.text_bottom)
        lowest = self.lowest_ink(column)
        return (lowest if lowest is not None else TEXT_TOP) - foot

    def body_in_footnotes(self) -> list[Glyph]:
        """Body text (9 pt Mincho) set at or below the footnote rule."""
        top = self.footnotes_top
        return [glyph for glyph in self.glyphs if top is not None and glyph.bottom < top
                and abs(glyph.size - 9) < 0.05 and "Mincho" in glyph.font]

    def empty_lines(self, column: int) -> float:
        """The body lines that would still fit below the column's lowest ink
        (a text line's box reaches a little below its glyphs)."""
        lowest = self._lowest(column)
        below_ink = LINE_BELOW_GLYPHS if lowest and lowest[1] else 0
        return (self.shortfall(column) - below_ink) / PITCH

    def overlaps(self) -> list[tuple[Glyph, Glyph]]:
        """Glyphs on different baselines whose boxes intersect: text drawn over text."""
        cells: dict[tuple[int, int], list[Glyph]] = {}
        for glyph in self.glyphs:
            for x in range(int(glyph.left // 20), int(glyph.right // 20) + 1):
                for y in range(int(glyph.bottom // 20), int(glyph.top // 20) + 1):
                    cells.setdefault((x, y), []).append(glyph)
        found = set()
        for members in cells.values():
            for index, first in enumerate(members):
                for second in members[index + 1:]:
                    if abs(first.bottom - second.bottom) > 1 and \
                            min(first.right, second.right) - max(first.left, second.left) > 1 and \
                            min(first.top, second.top) - max(first.bottom, second.bottom) > 1:
                        found.add((first, second))
        return sorted(found, key=lambda pair: -pair[0].top)


def read_layout(pdf_path) -> list[PageLayout]:
    document = pdfium.PdfDocument(str(pdf_path))
    pages = []
    count = len(document)
    for index in range(count):
        page = document[index]
        trim_x, trim_y, _, _ = page.get_trimbox()
        glyphs = _glyphs(page, trim_x, trim_y)
        ink = []
        for obj in page.get_objects(max_depth=4):
            if obj.type in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_IMAGE):
                left, bottom, right, top = obj.get_bounds()
                if right - left < 590 or top - bottom < 800:  # not a page-sized background
                    ink.append((left - trim_x, bottom - trim_y, right - trim_x, top - trim_y))
        bottom = BACK_TEXT_BOTTOM if index == count - 1 else TEXT_BOTTOM
        pages.append(PageLayout(index + 1, glyphs, ink, bottom))
    document.close()
    return pages


def _glyphs(page, trim_x: float, trim_y: float) -> list[Glyph]:
    textpage = page.get_textpage()
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    matrix = raw.FS_MATRIX()
    out = []
    for index in range(textpage.count_chars()):
        code = raw.FPDFText_GetUnicode(textpage, index)
        if raw.FPDFText_IsGenerated(textpage, index) == 1 or code in (0, 0xFFFE, 0xFFFF) \
                or not chr(code).strip():
            continue
        raw.FPDFText_GetCharBox(textpage, index, left, right, bottom, top)
        if right.value - left.value <= 0:
            continue
        length = raw.FPDFText_GetFontInfo(textpage, index, name, len(name), flags)
        raw.FPDFText_GetMatrix(textpage, index, matrix)
        size = raw.FPDFText_GetFontSize(textpage, index) * math.hypot(matrix.a, matrix.b)
        out.append(Glyph(chr(code), left.value - trim_x, bottom.value - trim_y,
                         right.value - trim_x, top.value - trim_y,
                         round(size, 2),
                         name.value.decode("latin-1") if length else ""))
    textpage.close()
    return out
