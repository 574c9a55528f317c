"""Ruby (JLREQ 3.3) on WeasyPrint 70, which has no ruby layout of its own.

The template (layouts/inline.html) sets each base as an ordinary inline
box, `<span class="ruby">`, holding its text and, first, the reading as an
absolutely positioned `<span class="ruby__reading">` at half the size, or
4.5 pt in text under 9 pt (layouts/newsletter.css: veraPDF's WCAG 2.2
check, 1.4.4, wants no smaller text). So the base is broken and justified
like any text (the JLREQ hooks of `justify` see its text box, and skip the
reading: it is out of the flow), and the reading takes no room in the
line: in body text it sits in the space between lines, the line pitch
unchanged.

Three steps do the rest:

1. `margins`, when the HTML is written: a reading wider than its base
   overhangs a kana on either side by up to one ruby character, or the
   blank half of a full-width mark (、 before it, 「 after it), never a
   kanji or anything else; what is left over becomes margin on the base's
   box, equal on both sides where it can be.
2. `place(document)`, after layout: each reading is moved to sit centred
   over its base's glyphs (the base's box, less the justification space
   after its last character), its em box on the base's em box; at a line's
   start or end it is kept inside the lines' block. It is then taken out
   of the box tree and hung on the base's text box, so that WeasyPrint
   neither draws nor tags it on its own.
3. `install()`: `draw.draw_text` draws a base's reading right after the
   base, inside the same marked content: in a tagged PDF the reading is
   part of the base's structure element, and where the profile asks for
   the text as written (`--caipdf-copy-text: as-written`, the screen and
   archive editions) the base and its reading are one span whose
   ActualText is the base, so the text copies and searches as written.

A reading's margins count its characters as full-width.
`install` refuses any WeasyPrint whose functions named in `FINGERPRINTS`
differ from the ones these steps were written against.
"""

from __future__ import annotations

import unicodedata

from caipdf.structure.inline import Ruby, plain_text
from caipdf.typesetting import jlreq, justify

BASE_CLASS = "ruby"
READING_CLASS = "ruby__reading"

#: sha256 of the WeasyPrint 70.0 functions relied on: draw_inline_level
#: draws each text box of a line through the module-level name draw_text
#: (inside the box's marked content); draw_text draws at the box's own
#: position; absolute boxes are left in their parent's children as
#: AbsolutePlaceholders, drawn only from there (stacking._dispatch).
FINGERPRINTS = {
    "draw.draw_inline_level":
        "068162a401d00efd3bc23a37df12a1c743cd8958cdbf4f03960a777760b1e01c",
    "draw.text.draw_text":
        "ebaf96239c6ca3635d2b91bfb34718c2dcebd7809fec1c53fb8dffd1366befe3",
    "stacking._dispatch":
        "003563d2565b4d30d733f7393bd297c677715c3d1139eeecd1596e8eeb2e130c",
}

_READING = "_caipdf_ruby_reading"  # the attribute of a base's text box: its reading's
_original_draw_text = None


# --- 1: the HTML ---------------------------------------------------------------

def margins(node: Ruby, siblings: list) -> list[tuple[str, str, str]]:
    """(base, reading, CSS margins of the base's box, or "") for each base
    of `node`, one of the inline nodes `siblings`.

    The reading's size is `--ruby-size` (layouts/newsletter.css: half the
    base, but never under 4.5 pt), so the margins are CSS expressions of it:
    what the reading, centred, overhangs on either side, less what it may
    overhang there (one ruby character, `_overhangs`), never below 0.
    """
    index = next(i for i, sibling in enumerate(siblings) if sibling is node)
    before = plain_text(siblings[:index])[-1:]
    after = plain_text(siblings[index + 1:])[:1]
    boxes = []
    for number, (base, reading) in enumerate(node.pairs):
        left_neighbour = node.pairs[number - 1][0][-1] if number else before
        right_neighbour = node.pairs[number + 1][0][0] if number + 1 < len(node.pairs) else after
        sides = [("margin-left", _overhangs(left_neighbour, jlreq.COMPRESSIBLE_CLOSING)),
                 ("margin-right", _overhangs(right_neighbour, jlreq.COMPRESSIBLE_OPENING))]
        style = "; ".join(
            f"{side}: max(0em, calc({len(reading) / 2 - overhang:g} * var(--ruby-size)"
            f" - {len(base) / 2:g}em))"
            for side, overhang in sides if len(reading) / 2 > overhang)
        boxes.append((base, reading, style))
    return boxes


def _overhangs(neighbour: str, blank_side: frozenset) -> int:
    """How many ruby characters a reading may reach over `neighbour`: one
    over a hiragana or katakana, or over the blank half of a full-width mark
    (`blank_side`: 、 or 」 before it, 「 after it); none over a kanji or
    anything else."""
    if neighbour and (neighbour in blank_side or unicodedata.name(neighbour, "").startswith(
            ("HIRAGANA", "KATAKANA"))):
        return 1
    return 0


# --- 2: after layout -----------------------------------------------------------

def place(document) -> None:
    """Move each reading of the laid-out `document` over its base (see the module)."""
    from weasyprint.formatting_structure.boxes import InlineBox, LineBox, ParentBox, TextBox
    from weasyprint.layout.absolute import AbsolutePlaceholder

    def visit(box, column):
        for child in getattr(box, "children", ()):
            if isinstance(child, LineBox):
                column = box  # the block the lines are set in
            if isinstance(child, InlineBox) and _has_class(child, BASE_CLASS):
                _place(child, column, AbsolutePlaceholder, TextBox)
            elif isinstance(child, (ParentBox, AbsolutePlaceholder)):
                visit(child, column)

    for page in document.pages:
        visit(page._page_box, page._page_box)


def _place(base_box, column, AbsolutePlaceholder, TextBox) -> None:
    readings = [child for child in base_box.children if isinstance(child, AbsolutePlaceholder)
                and _has_class(child, READING_CLASS)]
    texts = [child for child in base_box.children if isinstance(child, TextBox) and child.text]
    if not readings or not texts:
        return
    reading_box = readings[0]
    reading = next((box for box in reading_box.descendants() if isinstance(box, TextBox)), None)
    if reading is None:
        return
    left = texts[0].position_x
    right = texts[-1].position_x + texts[-1].width - _space_after(texts[-1])
    # Centred; but a reading overhanging a kana on the line before or after
    # (a base at a line's start or end) stays inside its block's lines.
    reading_left = (left + right - reading.width) / 2
    reading_left = max(min(reading_left, column.content_box_x() + column.width - reading.width),
                       column.content_box_x())
    # Em boxes: the fonts' ascent and descent are their em box (880/120).
    dx = reading_left - reading.position_x
    dy = texts[0].content_box_y() - (reading.content_box_y() + reading.height)
    reading_box.translate(dx, dy)
    base_box.children = [child for child in base_box.children if child not in readings]
    setattr(texts[-1], _READING, reading)


def _space_after(text_box) -> float:
    """The space the JLREQ hooks put after the box's last character (px)."""
    plan = text_box.pango_layout.__dict__.get("_caipdf_plan")
    if plan is None or not plan.after:
        return 0.0
    last = len(text_box.text[:-1].encode())
    return plan.after.get(last, 0) * justify.FROM_UNITS


def _has_class(box, name: str) -> bool:
    element = getattr(box, "element", None)
    return (element is not None and "::" not in (box.element_tag or "")
            and name in (element.get("class") or "").split())


# --- 3: drawing ----------------------------------------------------------------

def install() -> None:
    """Draw readings with their bases; idempotent."""
    global _original_draw_text
    if _original_draw_text is not None:
        return
    changed = [dotted for dotted, expected in FINGERPRINTS.items()
               if justify.fingerprint(dotted) != expected]
    if changed:
        raise justify.TypesettingError(
            f"weasyprint.{', weasyprint.'.join(changed)} not the source caipdf's ruby "
            "(src/caipdf/typesetting/ruby.py) was written for")
    from weasyprint import draw
    _original_draw_text = draw.draw_text
    draw.draw_text = _draw_text


def _draw_text(stream, textbox, *args, **kwargs):
    reading = textbox.__dict__.get(_READING)
    if reading is None:
        return _original_draw_text(stream, textbox, *args, **kwargs)
    # One span for base and reading, unless the line has one already;
    # `justify` then opens none of its own inside it.
    in_span = getattr(stream, "_caipdf_line_span", False)
    copy = textbox.text if not in_span and justify.copies_as_written(textbox.style) else None
    stream._caipdf_line_span = True
    try:
        with justify._actual_text(stream, copy):
            _original_draw_text(stream, textbox, *args, **kwargs)
            _original_draw_text(stream, reading, 0, "clip", "none")
    finally:
        stream._caipdf_line_span = in_span
