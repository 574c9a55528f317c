"""What the checks read from the laid-out document: per page, its text
lines and, per column, how far down its content reaches.

Measured from WeasyPrint's boxes rather than from the PDF's glyphs: the
boxes say which article, column and area (body or footnotes) each line
belongs to, which is what an error has to name, and the check then costs
no PDF writing. The tests measure the same things from the built PDF, so
the two readings are checked against each other.

Lengths are CSS pixels, y growing downwards, as WeasyPrint lays out.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from weasyprint.formatting_structure import boxes

TOLERANCE = 0.5  # px a line may exceed its box by (rounding of glyph advances)


@dataclass
class TextLine:
    article: str | None  # id of the article it belongs to (None: the cover)
    area: str            # "body" or "footnotes"
    kind: str            # the class of its block: "p", "lead", "h2", "footnote", …
    text: str
    left: float          # the extent of its text
    right: float
    top: float           # its line box
    bottom: float
    room_right: float    # the right edge of the box it is set in
    block: int           # identifies the block (paragraph, note …) the line belongs to

    def quoted(self) -> str:
        text = self.text.strip()
        return f"“{text[:14]}…”" if len(text) > 14 else f"“{text}”"


@dataclass
class Column:
    left: float
    right: float
    lowest: float | None = None  # the bottom of its lowest content; None: empty


@dataclass
class Block:
    """A block of an article's body (or its banner) as it lies on the page."""
    article: str | None
    left: float
    right: float
    top: float
    bottom: float

    def across(self, column: Column) -> bool:
        return self.left < column.right - 1 and self.right > column.left + 1


@dataclass
class Page:
    number: int                      # 1-based
    top: float                       # the page area (inside the margins)
    bottom: float
    footnotes_top: float | None      # the top of the footnote area, when it holds notes
    articles: list[str] = field(default_factory=list)  # ids, in the order they start here
    lines: list[TextLine] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)

    def extent(self, article: str, column: Column) -> tuple[float, float] | None:
        """(top, bottom) of what `article` has in `column` on this page, if anything."""
        mine = [block for block in self.blocks if block.article == article and block.across(column)]
        if not mine:
            return None
        return min(block.top for block in mine), max(block.bottom for block in mine)

    def empty_lines(self, measure: Measure) -> list[int]:
        """Per column, the body lines of `measure` that would fill it to its foot."""
        return [math.floor((self.text_bottom - (column.lowest or self.top)) / measure.pitch + 0.05)
                for column in self.columns]

    @property
    def text_bottom(self) -> float:
        """Where the columns' text may reach: the footnotes' top, or the page area's foot."""
        return self.footnotes_top if self.footnotes_top is not None else self.bottom


@dataclass
class Measure:
    """An article's body text as laid out: its line pitch, and the characters
    its full lines hold on average (fewer than the measure's ems where
    kinsoku pushed a character on, more where marks were set half width)."""
    pitch: float
    characters_per_line: float

    def characters(self, lines: int) -> int:
        return math.floor(lines * self.characters_per_line)

    def describe(self, lines: int) -> str:
        return f"{lines} lines of {self.characters_per_line:.1f} characters"


def read_pages(document) -> tuple[list[Page], dict[str, Measure]]:
    """Every page of a laid-out WeasyPrint document, and each article's measure."""
    pages = []
    for number, page in enumerate(document.pages, start=1):
        page_box = page._page_box
        top = page_box.content_box_y()
        reading = Page(number, top, top + page_box.height, None)
        for child in page_box.children:
            if isinstance(child, boxes.FootnoteAreaBox):
                if child.children:
                    reading.footnotes_top = child.position_y
                    _read_lines(child, reading, article=_last(reading.articles), area="footnotes")
            elif not isinstance(child, boxes.MarginBox):
                _read_flow(child, reading, None)
        pages.append(reading)
    # A page where an article has only its banner has no columns of its own:
    # it gets those of the article pages (their lowest content is then found
    # among its blocks all the same).
    layout = next((page.columns for page in pages if page.columns), [])
    for page in pages:
        if page.articles and not page.columns:
            page.columns = [Column(column.left, column.right) for column in layout]
        for column in page.columns:
            column.lowest = max((block.bottom for block in page.blocks
                                 if block.across(column)), default=None)
    return pages, _measures(pages)


def _measures(pages: list[Page]) -> dict[str, Measure]:
    """Each article's measure, from its paragraphs' lines (a paragraph's last line is not full)."""
    paragraphs: dict[str, dict[int, list[TextLine]]] = {}
    for page in pages:
        for line in page.lines:
            if line.kind == "p" and line.area == "body" and line.article:
                paragraphs.setdefault(line.article, {}).setdefault(line.block, []).append(line)
    measures, sizes = {}, {}
    for article, blocks in paragraphs.items():
        lines = [line for block in blocks.values() for line in block]
        full = [len(line.text.strip()) for block in blocks.values() for line in block[:-1]]
        pitch = Counter(round(line.bottom - line.top, 2) for line in lines).most_common(1)[0][0]
        measures[article] = Measure(pitch, sum(full) / len(full) if full
                                    else max(len(line.text) for line in lines))
        sizes[article] = len(lines)
    # An article with no paragraph (a figure, a table, a list) is filled with
    # body text like the others: it takes the measure of the largest body.
    if measures:
        typical = measures[max(sizes, key=sizes.get)]
        for page in pages:
            for article in page.articles:
                measures.setdefault(article, typical)
    return measures


def _last(items: list[str]) -> str | None:
    return items[-1] if items else None


def _read_flow(box, page: Page, article: str | None) -> None:
    classes = _classes_of(box.element)
    if "draft-mark" in classes:
        return  # drawn over the page on purpose
    if "article" in classes and box.element_tag == "article":
        article = box.element.get("id")
        if article not in page.articles:
            page.articles.append(article)
    if "article__body" in classes and not _is_column(box):
        _read_body(box, page, article)
    elif "article__header" in classes:
        _reach(page, box, article)
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            _read_line(child, box, page, article, "body")
        else:
            _read_flow(child, page, article)


def _is_column(box) -> bool:
    """One of the column boxes WeasyPrint makes inside a multi-column box."""
    return getattr(box, "is_column", False)


def _read_body(body, page: Page, article: str | None) -> None:
    """The columns of an article's body on this page, and how far each reaches."""
    count = body.style["column_count"]
    count = 1 if count == "auto" else count
    gap = body.style["column_gap"]
    gap = gap.value if hasattr(gap, "value") else 0  # (a length in px; 'normal' is not used)
    width = (body.width - (count - 1) * gap) / count
    left = body.content_box_x()
    ranges = [(left + index * (width + gap), left + index * (width + gap) + width)
              for index in range(count)]
    for left, right in ranges:
        if not any(abs(column.left - left) < 1 for column in page.columns):
            page.columns.append(Column(left, right))
    for child in body.children:
        for block in child.children if _is_column(child) else [child]:
            _reach(page, block, article)


def _reach(page: Page, block, article: str | None) -> None:
    """Record where `block` lies on the page."""
    left, top = block.border_box_x(), block.border_box_y()
    page.blocks.append(Block(article, left, left + block.border_width(), top, _ink_bottom(block)))


def _ink_bottom(box) -> float:
    """Where what `box` draws ends: its last line, or its frame when it has
    one. (A paragraph broken at a column's foot has a box reaching down to
    the foot whatever its lines do.)"""
    if isinstance(box, boxes.LineBox):
        return box.position_y + box.height
    style = box.style
    framed = (style["background_color"].alpha > 0
              or any(kind != "none" for kind, _ in style["background_image"])
              or any(style[f"border_{side}_width"] for side in ("top", "right", "bottom", "left")))
    children = [child for child in getattr(box, "children", ()) if child.is_in_normal_flow()]
    if framed or not children or isinstance(box, boxes.ReplacedBox):
        return box.border_box_y() + box.border_height()
    return max(_ink_bottom(child) for child in children)


def _read_lines(box, page: Page, article: str | None, area: str) -> None:
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            _read_line(child, box, page, article, area)
        else:
            _read_lines(child, page, article, area)


def _read_line(line, container, page: Page, article: str | None, area: str) -> None:
    """Record a line box of `container` (the block it is set in)."""
    texts = [box for box in line.descendants() if isinstance(box, boxes.TextBox) and box.text.strip()]
    if not texts:
        return
    block = line.element
    kind = next(iter(_classes_of(block)), "")
    if area == "footnotes":
        kind = "footnote"
    page.lines.append(TextLine(
        article, area, kind, "".join(box.text for box in texts),
        min(box.position_x for box in texts), max(box.position_x + box.width for box in texts),
        line.position_y, line.position_y + line.height,
        container.content_box_x() + container.width, id(block)))


def _classes_of(element) -> list[str]:
    return (element.get("class") or "").split() if element is not None else []
