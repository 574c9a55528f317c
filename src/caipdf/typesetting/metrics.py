"""Measure the Japanese typesetting of a built issue from the PDF itself.

Everything is read back from the laid-out glyph positions with pypdfium2
(each character's origin, its advance from the font's width, its font and
size); nothing comes from caipdf's own layout data, so the figures hold for
any PDF laid out on the newsletter's grid and fail honestly on text set by
plain WeasyPrint.

Which text is measured: the body text of the articles, recognised by its
font (the Mincho faces, "CAI Mincho" / "CAI Latin Mincho") at the body size
of 9 pt, in one of the two columns of 27 em on an A4 page with 16 mm side
margins and a 6.55 mm column gap. A column is split into segments by
anything that spans the column gap (a page-wide figure, quote or lead);
text flows from the left to the right column of a segment, segment by
segment, page by page.

A line is *paragraph-final* when the next line of its segment starts
indented by 1 em (a new paragraph), when more than one and a half line
pitches separate it from the next line (a heading or figure in between), or,
for the last line of a segment, when the first line of the next segment in
reading order is indented. All other lines are non-final and, text being
justified, should end flush with the column edge.

The figures (targets of issue 3, "Japanese typesetting to JLREQ"):

- shortfall of non-final lines: the column's right edge minus the end of
  the line's last glyph advance (median ≤ 0.02 em, 95th percentile ≤ 0.1 em;
  a line-end comma, full stop or closing bracket ends anywhere from half
  to all of its em); and no body line runs more than 0.01 em past its
  column edge;
- loose lines (listed, no target): justified lines whose kana and kanji
  stand more than 0.1 em apart;
- 和欧間: for each kana/kanji ↔ Latin letter/digit boundary inside a line,
  the space between the two glyphs minus the line's inter-character
  spacing (the median space between adjacent kana/kanji on that line);
  at least 90 % must measure 0.2–0.35 em;
- adjacent punctuation: for each pair of adjacent full-width marks that
  JLREQ 3.1.4 compresses (closing bracket, comma or full stop followed by a
  mark; opening bracket followed by an opening bracket), the distance from
  the first mark's origin to the second's (median ≤ 0.55 em);
- kinsoku: lines inside a paragraph starting with a character JLREQ forbids
  at a line start, non-final lines ending with one forbidden at a line end,
  or a break inside ——, …… or a number, or between a number and its
  counter (「2050/年」, `jlreq.COUNTERS`) (0);
- page plan: every page number of the contents list (page 1, in order) is
  a page where an article's anchor (a named destination) is; with
  `expected` (article id → declared page), each article's anchor is on its
  declared page and the contents list names exactly those pages.
"""

from __future__ import annotations

import ctypes
import math
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from caipdf.typesetting import jlreq

MM = 72 / 25.4
BODY_SIZE = 9.0                  # pt
LATIN_FACE = "Latin"             # in the names of the Latin-only faces (fonts/)
PITCH = BODY_SIZE * 1.7          # line-height of the body text
PAGE_WIDTH = 595.28
MARGIN = 16 * MM
COLUMN = 27 * BODY_SIZE
GAP = 6.55 * MM
COLUMNS = ((MARGIN, MARGIN + COLUMN), (MARGIN + COLUMN + GAP, MARGIN + 2 * COLUMN + GAP))
HEADING_SIZES = (10.5, 13.0)     # .h3, .h2
CONTENTS_NUMBER_SIZES = (20.0, 15.0)  # .contents__page, in one column and in two
LIST_BULLET = "・"                # .list li::before

# Targets (issue 3).
SHORTFALL_MEDIAN_MAX = 0.02
SHORTFALL_P95_MAX = 0.1
OVERFLOW_MAX = 0.01             # em a line may run past the column edge
LOOSE = 0.1                     # em between characters from which a justified line is listed as loose
AUTOSPACE_RANGE = (0.2, 0.35)
AUTOSPACE_SHARE_MIN = 0.9
PUNCTUATION_MEDIAN_MAX = 0.55


@dataclass(frozen=True)
class Glyph:
    char: str
    x: float        # origin, pt from the page's left edge
    right: float    # origin + advance
    y: float        # baseline, pt from the page's bottom
    size: float     # font size, pt
    font: str

    @property
    def mincho(self) -> bool:
        return "Mincho" in self.font and "Gothic" not in self.font


@dataclass
class Line:
    page: int       # 1-based
    band: int
    column: int
    y: float
    glyphs: list[Glyph]                               # on the baseline, left to right
    raised: list[Glyph] = field(default_factory=list)  # superscripts over the line
    final: bool = True
    continues: Line | None = None                      # the next line of its paragraph

    @property
    def left(self) -> float:
        return self.glyphs[0].x

    @property
    def right(self) -> float:
        """Where the line ends. A comma, full stop or closing bracket at its
        end takes half to all of its em (a line pushed in sets it half
        width, JLREQ 3.8.2): ending anywhere in that range, at the column
        edge, the line is flush."""
        right = max(glyph.right for glyph in self.glyphs + self.raised if glyph.char.strip())
        last = self.glyphs[-1]
        if last.char in jlreq.COMPRESSIBLE_CLOSING and last.right == right:
            edge = COLUMNS[self.column][1]
            others = [glyph.right for glyph in self.glyphs[:-1] + self.raised
                      if glyph.char.strip()]
            return max([min(max(edge, last.x + last.size / 2), right)] + others)
        return right

    @property
    def indent(self) -> float:
        return (self.left - COLUMNS[self.column][0]) / BODY_SIZE

    @property
    def text(self) -> str:
        return "".join(glyph.char for glyph in self.glyphs)

    def where(self) -> str:
        side = "left" if self.column == 0 else "right"
        return f"p.{self.page} {side} column, line “{self.text[:12]}…”"

    def neighbours(self):
        """Adjacent pairs of glyphs with nothing (no superscript) between them."""
        for first, second in zip(self.glyphs, self.glyphs[1:]):
            if not any(first.x < glyph.x < second.x + 0.01 for glyph in self.raised):
                yield first, second


@dataclass
class TypesettingReport:
    justified_lines: int
    shortfall_median: float          # em
    shortfall_p95: float             # em
    shortfall_mean: float            # em
    autospace_boundaries: int
    autospace_in_range: int
    punctuation_pairs: int
    punctuation_median: float        # em
    kinsoku_violations: list[str]
    articles: int
    articles_on_plan: int            # of `articles`, those starting where the contents list says
    page_plan_problems: list[str]
    stranded_headings: list[str]
    body_lines: int
    overflow_max: float = 0.0        # em, the most any body line runs past its column edge
    loose_lines: list[str] = field(default_factory=list)  # justified lines spread more than LOOSE

    @property
    def autospace_share(self) -> float:
        if not self.autospace_boundaries:
            return 0.0
        return self.autospace_in_range / self.autospace_boundaries

    def checks(self) -> list[tuple[str, bool | None]]:
        """Each target with whether it is met; None where there was nothing to measure."""

        def unless_empty(measured: int, met: bool) -> bool | None:
            return met if measured else None

        return [
            ("justification", unless_empty(self.justified_lines,
                                           self.shortfall_median <= SHORTFALL_MEDIAN_MAX
                                           and self.shortfall_p95 <= SHORTFALL_P95_MAX
                                           and self.overflow_max <= OVERFLOW_MAX)),
            ("和欧間", unless_empty(self.autospace_boundaries,
                                  self.autospace_share >= AUTOSPACE_SHARE_MIN)),
            ("punctuation", unless_empty(self.punctuation_pairs,
                                         self.punctuation_median <= PUNCTUATION_MEDIAN_MAX)),
            ("kinsoku", unless_empty(self.body_lines, not self.kinsoku_violations)),
            ("page plan", unless_empty(self.articles, not self.page_plan_problems)),
        ]

    @property
    def passed(self) -> bool:
        return all(ok is not False for _, ok in self.checks())

    def lines(self) -> list[str]:
        """The report, one human-readable line per figure."""
        ok = dict(self.checks())

        def em(value: float) -> str:
            return f"{0.0 if abs(value) < 0.0005 else value:.3f}"

        mark = {True: "ok  ", False: "FAIL", None: "n/a "}
        low, high = AUTOSPACE_RANGE
        out = [
            f"{mark[None]} justification: no justified body lines to measure"
            if ok["justification"] is None else
            f"{mark[ok['justification']]} justification: {self.justified_lines} non-final lines of "
            f"{self.body_lines} body lines end a median {em(self.shortfall_median)} em short of the "
            f"column edge (target ≤ {SHORTFALL_MEDIAN_MAX}), 95th percentile "
            f"{em(self.shortfall_p95)} em (target ≤ {SHORTFALL_P95_MAX}), "
            f"mean {em(self.shortfall_mean)} em; no line runs more than "
            f"{em(self.overflow_max)} em past its column edge (target ≤ {OVERFLOW_MAX})",
            f"     loose lines (characters more than {LOOSE} em apart): {len(self.loose_lines)}",
            f"{mark[None]} 和欧間: no kana/kanji–Latin/digit boundaries to measure"
            if ok["和欧間"] is None else
            f"{mark[ok['和欧間']]} 和欧間: {self.autospace_in_range} of {self.autospace_boundaries} "
            f"kana/kanji–Latin/digit boundaries ({self.autospace_share:.0%}) measure {low}–{high} em "
            f"beyond the line's inter-character spacing (target ≥ {AUTOSPACE_SHARE_MIN:.0%})",
            f"{mark[None]} punctuation: no adjacent marks to measure"
            if ok["punctuation"] is None else
            f"{mark[ok['punctuation']]} punctuation: the first of {self.punctuation_pairs} adjacent "
            f"marks advances a median {self.punctuation_median:.2f} em "
            f"(target ≤ {PUNCTUATION_MEDIAN_MAX})",
            f"{mark[ok['kinsoku']]} kinsoku: {len(self.kinsoku_violations)} violations (target 0)",
        ]
        out[2:2] = [f"       {line}" for line in self.loose_lines[:10]]
        out += [f"       {violation}" for violation in self.kinsoku_violations[:10]]
        out.append(f"{mark[ok['page plan']]} page plan: {self.articles_on_plan} "
                   f"of {self.articles} articles start on the page the contents list names")
        out += [f"       {problem}" for problem in self.page_plan_problems]
        out.append(f"     headings at the foot of a column: {len(self.stranded_headings)}")
        out += [f"       {heading}" for heading in self.stranded_headings]
        return out


def measure(pdf_path: Path | str, expected: dict[str, int] | None = None) -> TypesettingReport:
    """Measure the typesetting of the issue in `pdf_path`.

    `expected` maps article ids (the PDF's named destinations) to the pages
    they are declared to start on (the issue file's `page:`).
    """
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        lines: list[Line] = []
        headings: list[tuple[int, int, int, float, str]] = []
        for number in range(1, len(document) + 1):
            page = document[number - 1]
            glyphs = _glyphs(page)
            cuts = _spanning_ranges(page)
            page_lines, page_headings = _lines(number, glyphs, cuts)
            lines += page_lines
            headings += page_headings
        _link_paragraphs(lines)
        plan_articles, on_plan, plan_problems = _page_plan(document, expected)
    finally:
        document.close()

    shortfalls = sorted((COLUMNS[line.column][1] - line.right) / BODY_SIZE
                        for line in lines if not line.final)
    autospace = _autospace(lines)
    low, high = AUTOSPACE_RANGE
    punctuation = _punctuation(lines)
    return TypesettingReport(
        overflow_max=max([(line.right - COLUMNS[line.column][1]) / BODY_SIZE for line in lines]
                         + [0.0]),
        loose_lines=_loose(lines),
        justified_lines=len(shortfalls),
        shortfall_median=statistics.median(shortfalls) if shortfalls else math.nan,
        shortfall_p95=_percentile(shortfalls, 0.95),
        shortfall_mean=statistics.fmean(shortfalls) if shortfalls else math.nan,
        autospace_boundaries=len(autospace),
        autospace_in_range=sum(low <= value <= high for value in autospace),
        punctuation_pairs=len(punctuation),
        punctuation_median=statistics.median(punctuation) if punctuation else math.nan,
        kinsoku_violations=_kinsoku(lines),
        articles=plan_articles,
        articles_on_plan=on_plan,
        page_plan_problems=plan_problems,
        stranded_headings=_stranded(lines, headings),
        body_lines=len(lines),
    )


def _percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted `values`."""
    if not values:
        return math.nan
    return values[max(0, math.ceil(fraction * len(values)) - 1)]


# --- reading the PDF ----------------------------------------------------------

def _trim_origin(page) -> tuple[float, float]:
    """The lower left corner of the trimmed page (a print PDF's media box
    reaches into the bleed): every position is measured from it."""
    left, bottom, _, _ = page.get_trimbox()
    return left, bottom


def _glyphs(page) -> list[Glyph]:
    import pypdfium2.raw as raw

    trim_x, trim_y = _trim_origin(page)
    textpage = page.get_textpage()
    out = []
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    x, y = ctypes.c_double(), ctypes.c_double()
    box = raw.FS_RECTF()
    matrix = raw.FS_MATRIX()
    fonts = {}
    for index in range(textpage.count_chars()):
        if raw.FPDFText_IsGenerated(textpage, index) == 1:
            continue  # a space pdfium made up for a wide gap
        code = raw.FPDFText_GetUnicode(textpage, index)
        if code in (0, 0xFFFE, 0xFFFF) or chr(code) in "\r\n":
            continue
        raw.FPDFText_GetCharOrigin(textpage, index, x, y)
        raw.FPDFText_GetLooseCharBox(textpage, index, box)   # x: origin to origin + advance
        raw.FPDFText_GetMatrix(textpage, index, matrix)
        size = raw.FPDFText_GetFontSize(textpage, index) * math.hypot(matrix.a, matrix.b)
        length = raw.FPDFText_GetFontInfo(textpage, index, name, len(name), flags)
        font = name.value.decode("latin-1") if length else ""
        font = fonts.setdefault(font, font.split("+", 1)[-1])
        out.append(Glyph(chr(code), x.value - trim_x, max(box.right, x.value) - trim_x,
                         y.value - trim_y, round(size, 2), font))
    textpage.close()
    return out


def _spanning_ranges(page) -> list[tuple[float, float]]:
    """Vertical ranges (bottom, top) of whatever crosses the column gap."""
    trim_x, trim_y = _trim_origin(page)
    low, high = COLUMNS[0][1] + 1 + trim_x, COLUMNS[1][0] - 1 + trim_x
    ranges = []
    for obj in page.get_objects(max_depth=4):
        left, bottom, right, top = obj.get_bounds()
        if left < high and right > low and top - bottom < 800:
            ranges.append((bottom - trim_y, top - trim_y))
    return ranges


def _column_of(x: float) -> int | None:
    for index, (left, right) in enumerate(COLUMNS):
        if left - 1 <= x < right + 0.5:
            return index
    return None


def _lines(number: int, glyphs: list[Glyph], cuts: list[tuple[float, float]]):
    body: dict[tuple[int, float], list[Glyph]] = {}
    for glyph in glyphs:
        if glyph.mincho and abs(glyph.size - BODY_SIZE) < 0.05 and glyph.char.strip():
            column = _column_of(glyph.x)
            if column is not None:
                body.setdefault((column, round(glyph.y, 1)), []).append(glyph)

    def band(y: float) -> int:
        return sum(1 for bottom, top in cuts if bottom > y)   # spanning things above

    lines = []
    for (column, y), members in body.items():
        if all(LATIN_FACE in glyph.font for glyph in members):
            continue  # English (lang: en): flush left in the Latin face, not set to JLREQ
        left, right = COLUMNS[column]
        on_line = [glyph for glyph in glyphs
                   if abs(glyph.y - y) < 0.3 and left - 1 <= glyph.x < right + 0.5]
        raised = [glyph for glyph in glyphs
                  if 0.3 <= glyph.y - y < 0.9 * BODY_SIZE and glyph.size < BODY_SIZE
                  and left - 1 <= glyph.x < right + 0.5]
        on_line.sort(key=lambda glyph: glyph.x)
        lines.append(Line(number, band(y), column, y, on_line, raised))

    headings = []
    for glyph in glyphs:
        if any(abs(glyph.size - size) < 0.05 for size in HEADING_SIZES) and "Gothic" in glyph.font:
            column = _column_of(glyph.x)
            if column is not None:
                headings.append((number, band(glyph.y), column, glyph.y, glyph.char))
    return lines, headings


def _segments(lines: list[Line]) -> list[list[Line]]:
    """Body lines per (page, band, column), in reading order, top to bottom."""
    groups: dict[tuple[int, int, int], list[Line]] = {}
    for line in lines:
        groups.setdefault((line.page, line.band, line.column), []).append(line)
    return [sorted(groups[key], key=lambda line: -line.y) for key in sorted(groups)]


def _link_paragraphs(lines: list[Line]) -> None:
    """Mark paragraph-final lines and link each other line to its successor."""
    segments = _segments(lines)
    items = _list_items(segments)
    for position, segment in enumerate(segments):
        for line, following in zip(segment, segment[1:]):
            if line.y - following.y <= 1.5 * PITCH and abs(following.indent - 1) > 0.3 \
                    and id(following) not in items:
                line.final = False
                line.continues = following
        last = segment[-1]
        if position + 1 < len(segments):
            following = segments[position + 1][0]
            if abs(following.indent) < 0.3 and id(following) not in items:
                last.final = False
                last.continues = following


def _list_items(segments: list[list[Line]]) -> set[int]:
    """The first lines of list items: a bullet at the column edge, followed by
    the item's hanging lines (indented 1 em), by the next item, or by nothing.
    (A paragraph's line that wrongly starts with ・ is followed by lines at the
    edge.)"""
    flow = [line for segment in segments for line in segment]
    items = set()
    for line, following in zip(flow, flow[1:] + [None]):
        if line.text[:1] == LIST_BULLET and abs(line.indent) < 0.3 and (
                following is None or abs(following.indent - 1) < 0.3
                or (following.text[:1] == LIST_BULLET and abs(following.indent) < 0.3)):
            items.add(id(line))
    return items


# --- the figures --------------------------------------------------------------

def _autospace(lines: list[Line]) -> list[float]:
    values = []
    for line in lines:
        spacing = [second.x - first.right for first, second in line.neighbours()
                   if jlreq.is_kana_kanji(first.char) and jlreq.is_kana_kanji(second.char)]
        base = statistics.median(spacing) if spacing else 0.0
        for first, second in line.neighbours():
            if (jlreq.is_kana_kanji(first.char) and jlreq.is_alnum(second.char)) or \
                    (jlreq.is_alnum(first.char) and jlreq.is_kana_kanji(second.char)):
                values.append((second.x - first.right - base) / BODY_SIZE)
    return values


def _punctuation(lines: list[Line]) -> list[float]:
    closing, opening = jlreq.COMPRESSIBLE_CLOSING, jlreq.COMPRESSIBLE_OPENING
    values = []
    for line in lines:
        for first, second in line.neighbours():
            full_width = all(glyph.right - glyph.x > 0.9 * glyph.size for glyph in (first, second))
            if full_width and ((first.char in closing and second.char in closing | opening)
                               or (first.char in opening and second.char in opening)):
                values.append((second.x - first.x) / BODY_SIZE)
    return values


def _loose(lines: list[Line]) -> list[str]:
    """Justified lines whose kana and kanji stand more than LOOSE em apart
    (the median space between two of them)."""
    out = []
    for line in lines:
        if line.final:
            continue
        spaces = [(second.x - first.right) / BODY_SIZE for first, second in line.neighbours()
                  if jlreq.is_kana_kanji(first.char) and jlreq.is_kana_kanji(second.char)]
        if spaces and statistics.median(spaces) > LOOSE:
            out.append(f"{line.where()}: {statistics.median(spaces):.2f} em")
    return out


def _kinsoku(lines: list[Line]) -> list[str]:
    violations = []
    starts_paragraph_line = {id(line.continues) for line in lines if line.continues}
    for line in lines:
        visible = [glyph.char for glyph in line.glyphs if glyph.char.strip()]
        if not visible:
            continue
        if id(line) in starts_paragraph_line and jlreq.violates_line_start(visible[0]):
            violations.append(f"{line.where()} starts with {visible[0]}")
        if line.continues is None:
            continue
        if jlreq.violates_line_end(visible[-1]):
            violations.append(f"{line.where()} ends with {visible[-1]}")
        following = [glyph.char for glyph in line.continues.glyphs if glyph.char.strip()]
        if following:
            last, first = visible[-1], following[0]
            if (last == first and last in jlreq.INSEPARABLE) or \
                    (jlreq.is_digit(last) and (jlreq.is_digit(first) or first in jlreq.COUNTERS)):
                violations.append(f"{line.where()} breaks inside {last}{first}")
    return violations


def _stranded(lines: list[Line], headings) -> list[str]:
    """Headings with no body line after them in their column segment."""
    lowest: dict[tuple[int, int, int], float] = {}
    for line in lines:
        key = (line.page, line.band, line.column)
        lowest[key] = min(lowest.get(key, math.inf), line.y)
    stranded = {}
    for page, band, column, y, char in headings:
        key = (page, band, column)
        if key in lowest and y < lowest[key]:
            stranded.setdefault((page, column, round(y)), []).append(char)
    return [f"p.{page} {'left' if column == 0 else 'right'} column: “{''.join(chars)}”"
            for (page, column, _), chars in sorted(stranded.items())]


def _page_plan(document, expected: dict[str, int] | None) -> tuple[int, int, list[str]]:
    """Check the page numbers of the contents list (page 1) against the
    pages where the articles' anchors (named destinations) are: the
    articles, how many start where the list says, and the problems."""
    numbers = _contents_numbers(_glyphs(document[0]))
    anchors = _named_destinations(document)
    pages = set(anchors.values())
    problems = []
    for earlier, later in zip(numbers, numbers[1:]):
        if later < earlier:  # several entries may start on one page
            problems.append(f"the contents list names page {later} after page {earlier}")
    for number in numbers:
        if number not in pages:
            problems.append(f"the contents list names page {number}, where no article starts")
    if expected:
        for name, page in expected.items():
            actual = anchors.get(name)
            if actual != page:
                problems.append(f"article '{name}' starts on page {actual}, not on page {page}")
        if numbers != list(expected.values()):
            problems.append(f"the contents list names pages {numbers}, "
                            f"the issue declares {list(expected.values())}")
        on_plan = sum(anchors.get(name) == page for name, page in expected.items())
    else:
        on_plan = sum(number in pages for number in numbers)
    return max(len(numbers), len(expected or ())), on_plan, problems


def _contents_numbers(glyphs: list[Glyph]) -> list[int]:
    """The page numbers of the contents list: digits in bold at the sizes of
    .contents__page, in reading order (a long list is set in two columns)."""
    rows: dict[tuple[int, float], list[Glyph]] = {}
    for glyph in glyphs:
        if any(abs(glyph.size - size) < 0.1 for size in CONTENTS_NUMBER_SIZES) \
                and "Bold" in glyph.font and glyph.char.isdigit():
            column = 0 if glyph.x < PAGE_WIDTH / 2 else 1
            rows.setdefault((column, -round(glyph.y, 1)), []).append(glyph)
    return [int("".join(glyph.char for glyph in sorted(row, key=lambda glyph: glyph.x)))
            for _, row in sorted(rows.items())]


def _named_destinations(document) -> dict[str, int]:
    import pypdfium2.raw as raw

    found = {}
    for index in range(raw.FPDF_CountNamedDests(document)):
        length = ctypes.c_long(0)
        raw.FPDF_GetNamedDest(document, index, None, ctypes.byref(length))
        buffer = ctypes.create_string_buffer(length.value)
        dest = raw.FPDF_GetNamedDest(document, index, buffer, ctypes.byref(length))
        if dest:
            name = buffer.raw[:max(0, length.value - 2)].decode("utf-16-le")
            found[name] = raw.FPDFDest_GetDestPageIndex(document, dest) + 1
    return found
