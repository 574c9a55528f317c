"""Measure the line grid of a built issue from the PDF's glyph positions.

The page grid is the text area's top plus a whole number of line pitches
(15.3 pt, 9 pt × 1.7). A body line's baseline sits on it when it lies
`FIRST_BASELINE` below a grid line: the half-leading of a 15.3 pt line of
9 pt type plus the fonts' ascent. The body lines are those of
`caipdf.typesetting.metrics` (Mincho at 9 pt in the two 27 em columns),
read back with pypdfium2; nothing comes from caipdf's layout.

The figures (issue 13, item 3):

- body lines within `TOLERANCE` of the page grid (target ≥ 98 %);
- lines off the neighbouring column: a line beside which the other column
  of the same band has lines, and none of them on the same grid (no
  target: what a reader sees of a broken grid);
- column feet: the last body line of each column of each band on the grid
  (all), and the bands whose two columns' last body lines differ, by how
  many lines (no target: an article's last columns are balanced by
  WeasyPrint, orphans and widows move a line on, and a column may end
  with a figure below its last body line).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from caipdf.typesetting import metrics
from caipdf.typesetting.metrics import BODY_SIZE, MM, PITCH, Line

TEXT_TOP = 15 * MM            # @page margin-top in layouts/newsletter.css
TEXT_HEIGHT = 262 * MM        # A4's 297 mm less the @page margins, 15 and 20 mm
# BIZ UD Mincho and the Latin faces: ascent 1802, descent 246 of 2048 units.
ASCENT, DESCENT = 1802 / 2048, 246 / 2048
FIRST_BASELINE = (PITCH - BODY_SIZE * (ASCENT + DESCENT)) / 2 + BODY_SIZE * ASCENT
TOLERANCE = 0.3               # pt
ON_GRID_SHARE_MIN = 0.98


@dataclass
class GridReport:
    body_lines: int
    off_grid: list[str] = field(default_factory=list)     # where, and by how much
    off_neighbour: int = 0
    feet: int = 0                                          # column feet measured
    feet_off_grid: list[str] = field(default_factory=list)
    uneven_feet: list[str] = field(default_factory=list)   # pages whose column feet differ

    @property
    def on_grid(self) -> int:
        return self.body_lines - len(self.off_grid)

    @property
    def share(self) -> float:
        return self.on_grid / self.body_lines if self.body_lines else 0.0

    @property
    def passed(self) -> bool:
        return not self.body_lines or (self.share >= ON_GRID_SHARE_MIN and not self.feet_off_grid)

    def lines(self) -> list[str]:
        mark = "ok  " if self.passed else "FAIL"
        out = [f"{mark} line grid: {self.on_grid} of {self.body_lines} body lines "
               f"({self.share:.1%}) within {TOLERANCE} pt of the page grid "
               f"(target ≥ {ON_GRID_SHARE_MIN:.0%}); {self.feet - len(self.feet_off_grid)} of "
               f"{self.feet} column feet on it",
               *(f"       {where}" for where in (self.off_grid + self.feet_off_grid)[:10]),
               f"     lines off the neighbouring column's grid: {self.off_neighbour}",
               f"     bands whose two columns' last body lines differ: {len(self.uneven_feet)}",
               *(f"       {where}" for where in self.uneven_feet[:10])]
        return out


def offset(line: Line, page_height: float) -> float:
    """How far (pt, signed, within half a pitch) the line's baseline is from the grid."""
    below_top = page_height - line.y - TEXT_TOP - FIRST_BASELINE
    return (below_top + PITCH / 2) % PITCH - PITCH / 2


def measure(pdf_path: Path | str) -> GridReport:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        pages = []
        for number in range(1, len(document) + 1):
            page = document[number - 1]
            lines, _ = metrics._lines(number, metrics._glyphs(page), metrics._spanning_ranges(page))
            left, bottom, right, top = page.get_trimbox()
            pages.append((top - bottom, lines))
    finally:
        document.close()

    report = GridReport(body_lines=sum(len(lines) for _, lines in pages))
    for height, lines in pages:
        for line in lines:
            off = offset(line, height)
            if abs(off) > TOLERANCE:
                report.off_grid.append(f"{line.where()}: {off:+.2f} pt")
        report.off_neighbour += _off_neighbour(lines)
        _feet(report, height, lines)
    return report


def _off_neighbour(lines: list[Line]) -> int:
    def phase_apart(a: float, b: float) -> float:
        apart = (a - b) % PITCH
        return min(apart, PITCH - apart)

    count = 0
    for line in lines:
        beside = [other.y for other in lines
                  if other.column != line.column and other.band == line.band]
        if beside and min(beside) - TOLERANCE <= line.y <= max(beside) + TOLERANCE \
                and min(phase_apart(line.y, y) for y in beside) > TOLERANCE:
            count += 1
    return count


def _feet(report: GridReport, height: float, lines: list[Line]) -> None:
    columns: dict[tuple[int, int], list[Line]] = {}
    for line in lines:
        columns.setdefault((line.band, line.column), []).append(line)
    feet: dict[int, list[Line]] = {}
    for (band, _), members in sorted(columns.items()):
        foot = min(members, key=lambda line: line.y)
        report.feet += 1
        if abs(offset(foot, height)) > TOLERANCE:
            report.feet_off_grid.append(f"foot of {foot.where()}: {offset(foot, height):+.2f} pt")
        feet.setdefault(band, []).append(foot)
    for band, pair in feet.items():
        if len(pair) == 2 and abs(pair[0].y - pair[1].y) > TOLERANCE:
            apart = abs(pair[0].y - pair[1].y) / PITCH
            report.uneven_feet.append(f"p.{pair[0].page}: the columns' last body lines differ "
                                      f"by {apart:.0f} lines")
