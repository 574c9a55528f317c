"""The line grid (行送り揃え): every body line on the page's grid.

Body text is set with line-height = the line pitch, so inside a run of
paragraphs every line box starts a whole number of pitches below the one
before. What breaks the grid is everything else: a heading, a pull quote,
a figure, a table, the key figures or an infobox has the height its own
contents and spacing give it, and the text after it starts wherever that
ends, off the lines of the neighbouring column.

This module wraps WeasyPrint's `layout.block.block_level_layout`: after a
block whose computed style has `--caipdf-grid: snap` is laid out, its bottom
margin is set so that its margin box ends on a grid line, the text
area's top plus a whole number of `--caipdf-line-pitch`: the grid line
nearest to where CSS ends it, leaving at least 1 mm of the block's own
bottom spacing (`MIN_SPACE`). The block's own spacing absorbs the
remainder (never its text, never the lines after it), so what follows
starts back on the grid, in whichever column, band or page it stands, and
whatever size copy-fitting gave a figure. The text
area's top is the page's content box top (the footnote area knows its
page). A block broken across columns or pages is left alone: what follows
it starts at the top of a column, on the grid already.

It also wraps `layout.page.make_page`: a page's footnote area, laid out at
the page's foot, moves up to the grid line above it (unless something drawn
reaches below that line), so the footnote rule and the notes stand as far
from the grid on every page; the space left over goes below the notes.

`Balancing` balances an article's columns in whole pitches, the left
column ending level with or below the right one where the breaks allow it
(weasyprint_fixes puts it in WeasyPrint's `columns_layout`).

WeasyPrint's internals change between releases: `install` refuses any
release but the pinned one and any change to the functions named in
`FINGERPRINTS` (tests/test_grid.py checks them too). docs/typesetting.md
explains the design.
"""

from __future__ import annotations

import math

from caipdf.render.weasyprint_fixes import require_pinned_source, require_pinned_weasyprint
from caipdf.typesetting.justify import _keyword  # the keyword a custom property holds

#: `--caipdf-grid: snap` marks the blocks whose margin box ends on a grid line.
PROPERTY = "--caipdf-grid"
_STYLE_KEY = "__caipdf_grid"
#: `--caipdf-line-pitch: 15.3pt`: the body text's line-height, a length.
PITCH_PROPERTY = "--caipdf-line-pitch"
_PITCH_KEY = "__caipdf_line_pitch"

#: sha256 of the source of the WeasyPrint 70.0 functions this module wraps
#: or relies on: block_level_layout returns the laid-out box and the
#: adjoining margins below it; _in_flow_layout (for blocks in a block) and
#: columns_layout (for spanning blocks; weasyprint_fixes pins it) then
#: collapse the box's margin_bottom with the next block's top margin;
#: _update_footnote_area gives the footnote area its page.
FINGERPRINTS = {
    "layout.block.block_level_layout":
        "c1301dde9284e24519ee0432b508d6cd79768018d2564d4066f0fdf103982dd6",
    "layout.block._in_flow_layout":
        "c2537262836dd9812b584633bee887846dba6de921b3b31bff299c5ba29e6dca",
    "layout.LayoutContext._update_footnote_area":
        "2e317e4b066fb80cb369a41cd6f054a127722f9961c18ef4d6e1eef93673c4c1",
    # wrapped: returns the page whose children are the root box, the footnote
    # area (laid out at the page's foot, its margin box ending there) and
    # the note area
    "layout.page.make_page":
        "656f183328e8b1b56311a342621442056c067422958dcaf6730acdfb6c7b8971",
}

#: The least space (px, 1 mm) left below a snapped block that CSS gives
#: more: rounding to the nearest grid line takes up to half a pitch away.
MIN_SPACE = 96 / 25.4
_UNITS_TO_PX = {"px": 1.0, "pt": 4 / 3, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}
_original = {}


def install() -> None:
    """Wrap WeasyPrint's block layout; idempotent. Raises
    `weasyprint_fixes.WeasyPrintMismatch` if WeasyPrint is not the pinned
    release or a function the hook relies on has changed."""
    if _original:
        return
    check_weasyprint()
    from weasyprint.layout import block, page
    _original["block_level_layout"] = block.block_level_layout
    _original["make_page"] = page.make_page
    # _in_flow_layout finds it among block's globals, and columns_layout
    # imports it from block each time it runs; remake_page calls make_page
    # among page's.
    block.block_level_layout = _block_level_layout
    page.make_page = _make_page


def check_weasyprint() -> None:
    """Raise `WeasyPrintMismatch` unless WeasyPrint is the pinned release with
    the very functions the hook was written against."""
    require_pinned_weasyprint("caipdf's line grid")
    for name, digest in FINGERPRINTS.items():
        require_pinned_source(resolve(name), digest, f"weasyprint.{name}", "caipdf's line grid")


def resolve(dotted: str):
    """The WeasyPrint function named `dotted` (e.g. 'layout.block._in_flow_layout'),
    as WeasyPrint defines it (not the wrapper)."""
    if _original and dotted in ("layout.block.block_level_layout", "layout.page.make_page"):
        return _original[dotted.rpartition(".")[2]]
    import importlib
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module("weasyprint." + module), name)
    except ImportError:
        module, _, owner = module.rpartition(".")
        return getattr(getattr(importlib.import_module("weasyprint." + module), owner), name)


def changed_functions() -> list[str]:
    from caipdf.render.weasyprint_fixes import source_digest
    return [name for name, digest in FINGERPRINTS.items()
            if source_digest(resolve(name)) != digest]


def _block_level_layout(context, box, *args, **kwargs):
    result = _original["block_level_layout"](context, box, *args, **kwargs)
    new_box, resume_at, _, adjoining_margins, collapsing_through = result[:5]
    containing_block = args[2] if len(args) > 2 else kwargs["containing_block"]
    if new_box is not None and resume_at is None and not collapsing_through \
            and _keyword(box.style, _STYLE_KEY) == "snap" \
            and _keyword(getattr(containing_block, "style", None), _STYLE_KEY) != "snap":
        # (A block inside a snapped one, which inherits the property, moves with it.)
        pitch = _length_px(box.style, _PITCH_KEY)
        if pitch:
            _snap(new_box, adjoining_margins, _grid_origin(context), pitch)
    return result


def _snap(box, adjoining_margins: list[float], origin: float, pitch: float) -> None:
    """Set `box`'s bottom margin so that its margin box, collapsed with the
    margins adjoining it from inside, ends on the grid line nearest to where
    CSS ends it: the spacing takes the remainder, shrinking as often as it
    grows, so the grid costs an article no lines on average. At least
    `MIN_SPACE` of the space CSS gives is left below the block (none is
    made up where CSS gives none)."""
    border_bottom = box.border_box_y() + box.border_height()
    margins = [*adjoining_margins, box.margin_bottom]
    negative = min([0.0, *margins])
    space = max([0.0, *margins]) + negative
    target = origin + round((border_bottom + space - origin) / pitch) * pitch
    if target < border_bottom + min(max(0.0, space), MIN_SPACE) - 1e-6:
        target += pitch
    box.margin_bottom = target - border_bottom - negative
    # The margins from inside (a table's, collapsing through the box around
    # it) are counted in `space`: left in the list WeasyPrint collapses next,
    # a larger one would win over the snapped margin and move what follows
    # off the grid.
    adjoining_margins[:] = [margin for margin in adjoining_margins if margin < 0]


def _make_page(context, *args, **kwargs):
    """The page, its footnote area moved up to the grid line above it, so
    that the footnote rule and the notes keep the same distance from the
    grid on every page (the space left over goes below the notes)."""
    result = _original["make_page"](context, *args, **kwargs)
    page = result[0]
    root, footnote_area = page.children[:2]
    pitch = _length_px(root.style, _PITCH_KEY)
    if pitch and footnote_area.children:
        origin = page.content_box_y()
        top = footnote_area.position_y
        grid_line = origin + math.floor((top - origin) / pitch + 1e-6) * pitch
        if _lowest_content(root) <= grid_line + 1e-6:
            footnote_area.translate(dy=grid_line - top)
    return result


class Balancing:
    """Balancing one run of columns whose box has `--caipdf-grid: balance`,
    for WeasyPrint's `columns_layout` (weasyprint_fixes puts it in the loop
    that tries column heights).

    WeasyPrint starts from the average of the columns' heights, each
    counted to its box's foot (a paragraph split at the foot of a column
    fills it), and raises the height by `lost_space`, the part of the next
    column's first block that did not fit, until everything fits: a step
    can be a paragraph's whole remainder, and the first height that fits
    often leaves the first column shorter than the second, a split
    paragraph's last lines (widows) standing at the top of the second.

    On the grid every column's content ends on a grid line, so the heights
    worth trying are whole pitches: this starts at the average of what the
    columns really hold and steps one pitch at a time, and settles on the
    first height at which everything fits and no column ends above the one
    after it. When no height the page holds does that (the next column
    begins with a heading or figure the first cannot take), or the one that
    does only takes a figure or quote to the first column's foot, it keeps
    the first height that fits. Multi-column boxes without the mark (the
    contents list) are balanced as WeasyPrint does it."""

    #: added to each height tried, against rounding (px)
    SLACK = 0.01

    def __init__(self, box, top: float, max_height: float):
        balanced = _keyword(box.style, _STYLE_KEY) == "balance"
        self.pitch = _length_px(box.style, _PITCH_KEY) if balanced else None
        self.top = top
        self.max_height = max_height
        self.fitting: float | None = None

    def start(self, columns, consumed_heights: list[float], count: int) -> float:
        if not self.pitch:
            return sum(consumed_heights) / count
        held = sum(max(0.0, _foot(column) - self.top) for column in columns)
        return max(1, math.floor(held / count / self.pitch + 1e-6)) * self.pitch + self.SLACK

    def advance(self, height: float, columns, fits: bool, lost_space: float,
                footnotes_height: float = 0.0) -> tuple[bool, float]:
        """(settled, the height to lay the columns out at): settled at the
        height tried when it is the one, else the next height to try.

        `footnotes_height` is what the columns tried add to the footnote area (the
        page bottom already leaves out the notes placed before them):
        a trial's columns may reach into it, the real ones may not, so the
        heights tried past the first that fits stay above it (else the
        columns end up laid out taller than the page leaves them, and the
        whole run of columns moves on to the next page)."""
        if not self.pitch:
            return fits, height if fits else height + (1 if lost_space == math.inf else lost_space)
        room = self.max_height - footnotes_height + self.SLACK
        if fits:
            if self.fitting is None:
                self.fitting = height
            elif height > room:
                return True, self.fitting
            if _descending(columns):
                # Lines of text moved up to level the columns, not a figure
                # or quote left at the first column's foot.
                moved_text = height == self.fitting or _ends_in_text(columns[0])
                return True, height if moved_text else self.fitting
        following = (math.floor((height - self.SLACK) / self.pitch + 1e-6) + 1) * self.pitch \
            + self.SLACK
        if following > min(self.max_height, room) and self.fitting is not None:
            return True, self.fitting
        return False, following


def _descending(columns) -> bool:
    """No column ends above the next one (half a px of slack)."""
    feet = [_foot(column) for column in columns]
    return all(upper >= lower - 0.5 for upper, lower in zip(feet, feet[1:]))


def _foot(column) -> float:
    """The grid line a column's content ends on: the bottom of its last line,
    or of a snapped block's margin box (a figure, quote or heading takes
    whole lines with its spacing, its 行取り), or of an image or framed
    box that is not snapped (a box broken at the column's foot fills it)."""
    from weasyprint.formatting_structure import boxes

    lowest = -math.inf
    for child in column.descendants():
        if isinstance(child, boxes.BlockBox) and _keyword(child.style, _STYLE_KEY) == "snap":
            lowest = max(lowest, child.position_y + child.margin_height())
    return max(lowest, _lowest_content(column))


def _ends_in_text(column) -> bool:
    from weasyprint.formatting_structure import boxes

    foot = _foot(column)
    return any(child.position_y + child.height >= foot - 0.5
               for child in column.descendants() if isinstance(child, boxes.LineBox))


def _lowest_content(box) -> float:
    """The bottom of what `box` draws: its lines, images and framed boxes (a
    box broken at the page's foot reaches down to it whatever it holds)."""
    from weasyprint.formatting_structure import boxes

    lowest = -math.inf
    for child in box.descendants():
        style = child.style
        framed = isinstance(child, boxes.BlockBox) and (
            style["background_color"].alpha > 0
            or any(style[f"border_{side}_width"] for side in ("top", "bottom")))
        if isinstance(child, (boxes.LineBox, boxes.ReplacedBox)) or framed:
            lowest = max(lowest, child.border_box_y() + child.border_height())
    return lowest


def _grid_origin(context) -> float:
    """The top of the page's text area, in WeasyPrint's page coordinates."""
    return context.current_footnote_area.page.content_box_y()


def _length_px(style, key: str) -> float | None:
    for token in _tokens(style, key):
        if getattr(token, "type", None) == "dimension" and token.lower_unit in _UNITS_TO_PX:
            return token.value * _UNITS_TO_PX[token.lower_unit]
    return None


def _tokens(style, key: str):
    try:
        return style[key] or ()
    except (KeyError, TypeError):
        return ()
