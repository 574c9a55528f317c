"""The WeasyPrint hooks that set Japanese body text to JLREQ.

WeasyPrint 70 justifies by stretching spaces only and knows no Japanese
spacing rules. This module patches five places of WeasyPrint, for text whose
computed style asks for it (the custom property `--caipdf-typesetting:
jlreq`, inherited like any custom property):

1. `text.line_break.Layout.set_text` while lines are broken: the Pango
   layout of such text gets letter-spacing attributes that give each
   compressed mark and each kana/kanji–Latin boundary (about) the width it
   will have, so Pango breaks lines with those widths, and `allow-breaks:
   false` attributes where JLREQ forbids a break that Pango would make
   (`jlreq.no_break_before`, less what Pango forbids already), and, for
   display text that asks for it, inside its phrases (`display`).
2. `layout.inline.text_align`, once per laid-out line: it works out the
   line's exact spacing from the characters' natural advances — compression
   and 和欧間 across all the line's text boxes, and, for a justified
   non-final line, the slack shared equally by the line's justification
   opportunities (`jlreq.opportunities`) — then sets the widths and
   positions of the line's boxes, and leaves the spacing of each text box
   (a `_Plan`) on a copy of its Pango layout object. Plans are kept per
   line for the document's layout: column balancing lays the same lines out
   many times.
3. `text.line_break.Layout.set_text` again when the text is drawn
   (`justify=True`, called by `Layout.reactivate`): the plan is applied to
   the glyph geometry of the freshly shaped line, adding each gap's space to
   the width of the glyph before it, rounded so that the PDF writer
   (`draw.text.draw_first_line`, which emits whole thousandths of an em)
   draws every glyph within half a thousandth of an em of its place.

4. `draw.draw_inline_level` (for a line box) and `draw.draw_text` (as
   draw_inline_level calls it): where the plans moved glyphs apart, PDF
   readers make up spaces when text is copied or searched ("2018 年 10 月",
   "改 定" on a loose line). For styles with `--caipdf-copy-text:
   as-written` (the screen and archive profiles) the text is drawn inside a
   marked-content span whose ActualText is the text as written, without
   zero-width characters (ISO 32000-1, 14.9.4): one span per line in an
   untagged PDF, one per text box in a tagged one (see `_draw_text`).
5. `text.line_break.split_first_line`: a justified line that would
   be loose (a word, number or kinsoku pair just missed it) is split again
   with its marks' half ems closed up and its 和欧間 at an eighth of an em;
   if more text fits and no line below gets looser for it, that line is
   taken and (2) closes it up to fit (pushing in, 追い込み, JLREQ 3.8.2).
   Display text is broken between phrases there, and balanced
   (`display.phrase_split`, `display.balanced_split`).
   A line whose paragraph would end on 1–2 characters after it is
   broken a little earlier, within `LOOSEN_MAX` (孤立行).

Nothing is inserted into the text, so no glyph can go missing.
docs/typesetting.md explains the design.

WeasyPrint's internals change between releases: `install` refuses any
version but `PINNED_VERSION` and any change to the functions it replaces;
tests/test_typesetting.py also checks every function it relies on
(`FINGERPRINTS`). Upgrading WeasyPrint means reading those functions again,
then updating both.
"""

from __future__ import annotations

import hashlib
import inspect
import math
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, islice

import pydyf

from caipdf import WEASYPRINT_VERSION
from caipdf.typesetting import display, jlreq

PINNED_VERSION = WEASYPRINT_VERSION
#: The CSS custom property that switches the rules on: `--caipdf-typesetting: jlreq`.
PROPERTY = "--caipdf-typesetting"
_STYLE_KEY = "__caipdf_typesetting"  # how WeasyPrint names it in a computed style
#: The one that gives spaced-out text boxes their text for copying:
#: `--caipdf-copy-text: as-written`.
COPY_PROPERTY = "--caipdf-copy-text"
_COPY_KEY = "__caipdf_copy_text"

#: sha256 of the source of every WeasyPrint function that this module
#: replaces, wraps or whose behaviour it relies on, as in WeasyPrint 70.0.
FINGERPRINTS = {
    # replaced / wrapped
    "text.line_break.Layout.setup":
        "fb227a55094f41d42fbd57f180d8b7a9a1e741969ec8ddb3fd5cd80920257442",
    "text.line_break.Layout.set_text":
        "fe23ca9937dbf5205bda422f9c01103f301ef2c511228842632ea86e853274f7",
    "layout.inline.text_align":
        "e953d41b87ccfc30405f83f6cc3c73918ef4638662794db4f834b1d788d6ed67",
    # relied on: Layout.reactivate calls set_text(text, justify=True) before
    # drawing; draw_first_line switches single-paragraph mode on, then reads
    # each glyph's geometry.width as its advance and emits it with int()
    # truncated TJ adjustments; get_next_linebox calls text_align once per
    # new line after removing trailing spaces; split_text_box gives each line
    # its own text box whose text is its layout's text; first_line_metrics
    # and split_first_line call set_text on the text they measure;
    # get_pango_font_key gives the font size draw_first_line scales with;
    # get_log_attrs tells where Pango itself allows a line break.
    "text.line_break.Layout.reactivate":
        "0b89ee097104b71376c179f48a98858708b07169dc0212c393263a1a831607c9",
    "text.line_break.Layout.deactivate":
        "bfec3ec8406e1c82a91f9570103eb5ecbc5a20c1339ff26bb0f4eafb03189f0b",
    "text.line_break.first_line_metrics":
        "55ec5d0b58b29a8bda9f4c85d3bc3bc46b45d2110e05982e7126c7f4d507e65d",
    "text.line_break.split_first_line":
        "39ad1016863ca34de0bea4c9fcffb46da7e27813c87dd82b7011bfa19fe5504f",
    "draw.text.draw_first_line":
        "1bb8eae6d88e71b17096a034656f3be17da8f1f513c78536c1c38d971927638b",
    "draw.text.draw_text":
        "ebaf96239c6ca3635d2b91bfb34718c2dcebd7809fec1c53fb8dffd1366befe3",
    "layout.inline.get_next_linebox":
        "67af458c2545e74f0803072103c6c5d392d5e353dfdaa4f5bac5a96e20ed024d",
    "layout.inline.split_text_box":
        "8c564329599ef23fac6cc8c403768e9e51638226d87a8b2de69c49c9c5f408c8",
    "layout.inline.remove_last_whitespace":
        "53f0c79c9fbbda500488edce48d95e80a43243d63824606aab2b0f77916e8601",
    "text.fonts.get_pango_font_key":
        "74cbeff1fac3860c10cb92317efc5f286578eac065518f168e9a69478c08c9b3",
    "text.line_break.get_log_attrs":
        "65c1a1c4fa75ee95975fa01db9055b519bfcc205d3f70a3c4e81a906b8fbb429",
    "layout.inline.add_word_spacing":
        "879516e71f1b80fa1833aee877e1a34c851248c5fd871d6c855c58f07358d418",
    # replaced (wrapped): draws each line box, and calls itself by name
    "draw.draw_inline_level":
        "068162a401d00efd3bc23a37df12a1c743cd8958cdbf4f03960a777760b1e01c",
}


#: The functions install() replaces (the others in FINGERPRINTS it relies on).
REPLACED = ("text.line_break.Layout.setup", "text.line_break.Layout.set_text",
            "layout.inline.text_align", "text.line_break.split_first_line",
            "draw.draw_inline_level")


class TypesettingError(RuntimeError):
    """WeasyPrint is not the release the typesetting hooks were written for."""


@dataclass
class _Plan:
    """The spacing of one laid-out text box: extra advance, in Pango units,
    after the character that starts at each UTF-8 byte offset."""
    text: str
    after: dict[int, int]


_installed = False
_original: dict[str, object] = {}
# WeasyPrint's names, bound by install(): WeasyPrint must not be imported
# before caipdf.render.pdf has hidden the system's fonts from fontconfig.
ffi = pango = TO_UNITS = FROM_UNITS = None
TextBox = LineBox = InlineBox = Layout = get_pango_font_key = get_log_attrs = None
StackingContext = None


def install() -> None:
    """Patch WeasyPrint; idempotent. Raises `TypesettingError` if WeasyPrint
    is not the pinned release or its patched functions have changed."""
    global _installed
    if _installed:
        return
    check_weasyprint(everything=False)

    from weasyprint import draw, stacking
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline, preferred
    from weasyprint.text import ffi as wffi
    from weasyprint.text import fonts, line_break

    _declare_pango(wffi.ffi)
    global ffi, pango, TO_UNITS, FROM_UNITS, TextBox, LineBox, InlineBox, Layout
    global get_pango_font_key, get_log_attrs, StackingContext
    ffi, pango, TO_UNITS, FROM_UNITS = wffi.ffi, wffi.pango, wffi.TO_UNITS, wffi.FROM_UNITS
    TextBox, LineBox, InlineBox = boxes.TextBox, boxes.LineBox, boxes.InlineBox
    Layout, get_pango_font_key = line_break.Layout, fonts.get_pango_font_key
    get_log_attrs = line_break.get_log_attrs
    StackingContext = stacking.StackingContext
    _original["setup"] = line_break.Layout.setup
    _original["set_text"] = line_break.Layout.set_text
    _original["text_align"] = inline.text_align
    _original["draw_inline_level"] = draw.draw_inline_level
    _original["draw_text"] = draw.draw_text
    _original["split_first_line"] = line_break.split_first_line
    line_break.Layout.setup = _setup
    line_break.Layout.set_text = _set_text
    inline.text_align = _text_align
    draw.draw_inline_level = _draw_inline_level
    draw.draw_text = _draw_text
    # inline.py and preferred.py call it by their own names for it, unless
    # caipdf.render.line_memo stands there (it calls line_break's).
    line_break.split_first_line = _split_first_line
    for caller in (inline, preferred):
        if caller.split_first_line is _original["split_first_line"]:
            caller.split_first_line = _split_first_line
    _installed = True


def check_weasyprint(everything: bool = True) -> None:
    """Raise `TypesettingError` unless the installed WeasyPrint is the pinned
    release with the very functions the hooks were written against (with
    `everything` false, only the functions they replace: `install` checks
    those, the tests check them all)."""
    import weasyprint
    if weasyprint.__version__ != PINNED_VERSION:
        raise TypesettingError(
            f"caipdf's Japanese typesetting hooks are written for WeasyPrint {PINNED_VERSION}, "
            f"but WeasyPrint {weasyprint.__version__} is installed: install weasyprint=="
            f"{PINNED_VERSION} (see pyproject.toml), or port src/caipdf/typesetting/justify.py")
    changed = changed_functions(None if everything else REPLACED)
    if changed:
        raise TypesettingError(
            f"WeasyPrint's source differs from the {PINNED_VERSION} release that caipdf's "
            "Japanese typesetting hooks patch (src/caipdf/typesetting/justify.py): "
            + ", ".join(changed))


def _resolve(dotted: str):
    import importlib
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            target = importlib.import_module("weasyprint." + ".".join(parts[:split]))
        except ImportError:
            continue
        for name in parts[split:]:
            target = getattr(target, name)
        return target
    raise ImportError(dotted)


def fingerprint(dotted: str) -> str:
    """sha256 of the source of a WeasyPrint function, e.g. 'layout.inline.text_align'."""
    function = _original_of(dotted)
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def _original_of(dotted: str):
    key = {"text.line_break.Layout.setup": "setup",
           "text.line_break.Layout.set_text": "set_text",
           "layout.inline.text_align": "text_align",
           "text.line_break.split_first_line": "split_first_line",
           "draw.draw_inline_level": "draw_inline_level"}.get(dotted)
    if key and key in _original:
        return _original[key]
    return _resolve(dotted)


def changed_functions(names=None) -> list[str]:
    """The WeasyPrint functions (all in `FINGERPRINTS`, or `names`) whose
    source is not the one `FINGERPRINTS` records."""
    return [name for name in names or FINGERPRINTS if fingerprint(name) != FINGERPRINTS[name]]


def _declare_pango(ffi) -> None:
    """Declare the Pango functions WeasyPrint does not, unless its FFI has them
    already (caipdf.render.weasyprint_ffi compiles them in)."""
    from caipdf.render.weasyprint_ffi import CAIPDF_DECLARATIONS
    from weasyprint.text.ffi import pango as library
    for name, declaration in CAIPDF_DECLARATIONS.items():
        try:
            getattr(library, name)
        except AttributeError:
            if not hasattr(ffi, "cdef"):  # caipdf's prebuilt tables declare it: Pango lacks it
                raise TypesettingError(f"this Pango has no {name}(): install Pango 1.44 or later")
            ffi.cdef(declaration)


# --- which text -------------------------------------------------------------

def wants_jlreq(style) -> bool:
    """Whether the computed `style` asks for JLREQ typesetting."""
    return _keyword(style, _STYLE_KEY) == "jlreq"


def _keyword(style, key: str) -> str | None:
    """The keyword a custom property holds in a computed style, if any."""
    try:
        tokens = style[key]
    except (KeyError, TypeError):
        return None
    for token in tokens or ():
        if getattr(token, "type", None) == "ident":
            return token.lower_value
    return None


# --- 1 and 3: Pango layouts -------------------------------------------------

def _setup(self, style):
    _original["setup"](self, style)
    if wants_jlreq(style):
        attrs = pango.pango_layout_get_attributes(self.layout)
        self._caipdf_base = (None if attrs == ffi.NULL else
                             ffi.gc(pango.pango_attr_list_copy(attrs), pango.pango_attr_list_unref))
        # WeasyPrint's set_text leaves the attributes alone for such a style
        # (no word or letter spacing, no overflow-wrap, no font features):
        # then caipdf's attribute lists can be shared and cached.
        self._caipdf_simple = (
            self._caipdf_base is None and not style["word_spacing"]
            and style["letter_spacing"] == "normal" and not self.justification_spacing
            and style["overflow_wrap"] not in ("anywhere", "break-word"))
        self._caipdf_dirty = False


def _set_text(self, text, justify=False):
    if "_caipdf_dirty" not in self.__dict__ or not hasattr(self, "layout"):
        return _original["set_text"](self, text, justify)
    if self._caipdf_simple:
        _original["set_text"](self, text, justify)
        if justify:
            attrs = None
        elif "\n" in self.text:
            attrs = None
        else:
            attrs = _break_attributes(self.style, self.text)
        if attrs is not None:
            pango.pango_layout_set_attributes(self.layout, attrs)
            self._caipdf_dirty = True
        elif self._caipdf_dirty:
            pango.pango_layout_set_attributes(self.layout, ffi.NULL)
            self._caipdf_dirty = False
    else:
        if self._caipdf_dirty:
            base = self._caipdf_base
            pango.pango_layout_set_attributes(
                self.layout, ffi.NULL if base is None else
                ffi.gc(pango.pango_attr_list_copy(base), pango.pango_attr_list_unref))
            self._caipdf_dirty = False
        _original["set_text"](self, text, justify)
        if not justify and "\n" not in self.text:
            current = pango.pango_layout_get_attributes(self.layout)
            attrs = _break_attributes(self.style, self.text, current)
            if attrs is not None:
                pango.pango_layout_set_attributes(self.layout, attrs)
                self._caipdf_dirty = True
    if justify:
        plan = self.__dict__.get("_caipdf_plan")
        if plan is not None and plan.after and plan.text == self.text:
            _apply_plan(self, plan)


def _break_attributes(style, text, base=None):
    """The Pango attribute list for breaking `text` into lines: letter
    spacing for compression and 和欧間 (while a line is pushed in,
    `_pushing_in`: 和欧間 an eighth of an em, and every mark's half em
    closed up), no-break ranges for kinsoku.

    Without `base` the list is cached per text, font size, language and
    tightness, and shared.
    """
    font_size = style["font_size"]
    if base is None:
        cache = style.font_config.__dict__.setdefault("_caipdf_break_attributes", {})
        in_phrases = display.level if display.wants_phrases(style) else None
        key = (text, font_size, style["lang"], _pushing_in, in_phrases)
        if key in cache:
            return cache[key]
        if len(cache) > 50_000:
            cache.clear()  # a font configuration reused for many documents
    spacing = jlreq.spacing(text)
    if _pushing_in:
        spacing += tuple((gap, -jlreq.HALF, owner) for gap, owner in jlreq.squeezable(text))
    lang = style["lang"]
    forbidden = jlreq.no_break_before(text)
    if display.wants_phrases(style):
        forbidden = sorted(set(forbidden).union(display.no_break(text)))
    no_break = [index for index in forbidden
                if _pango_breaks(text[index - 1], text[index], lang)]
    if not spacing and not no_break:
        attrs = None
    else:
        attrs = ffi.gc(pango.pango_attr_list_new() if base is None or base == ffi.NULL
                       else pango.pango_attr_list_copy(base), pango.pango_attr_list_unref)

        byte = _byte_offsets(text).__getitem__

        # Pango gives half of a character's letter spacing before it and half
        # after it, except at the line's edges: no placement is exact for a
        # gap, and one that overestimates a line's width pushes its last
        # character to the next line. Compression (negative) can only err
        # the other way. 和欧間 goes on the Latin side of the gap: a line of
        # kana and kanji, exactly full, ending just before a Latin word, then
        # keeps its last character (the Latin word's width is fractional
        # anyway, so a line with it rarely fills up to the last eighth of
        # an em).
        em = font_size * TO_UNITS
        letter_spacing: dict[int, float] = {}
        for gap, size, owner in spacing:
            if size > 0:
                size = jlreq.EIGHTH if _pushing_in else size
                owner = gap if owner != gap else _next_visible(text, gap)
            letter_spacing[owner] = letter_spacing.get(owner, 0) + size * em
        for owner, value in letter_spacing.items():
            attr = pango.pango_attr_letter_spacing_new(int(value))
            attr.start_index, attr.end_index = byte(owner), byte(owner + 1)
            pango.pango_attr_list_insert(attrs, attr)
        # A run of forbidden breaks p..q becomes one attribute over the
        # characters p-1..q: Pango forbids breaks strictly inside the range
        # of an allow-breaks attribute (inserted, never merged).
        runs = []
        for index in no_break:
            if runs and runs[-1][1] == index - 1:
                runs[-1][1] = index
            else:
                runs.append([index, index])
        for first, last in runs:
            attr = pango.pango_attr_allow_breaks_new(False)
            attr.start_index, attr.end_index = byte(first - 1), byte(last + 1)
            pango.pango_attr_list_insert(attrs, attr)
    if base is None:
        cache[key] = attrs
    return attrs


# True while `_split_first_line` tries a line at its tightest (marks' half
# ems closed up, 和欧間 an eighth of an em).
# (A module flag: WeasyPrint lays out one document at a time per process,
# and caipdf runs parallel builds in forked processes.)
_pushing_in = False
#: Space between characters, in em, from which a justified line counts as loose.
LOOSE = 0.06
#: Lines below a loose one looked at before it is pushed in (a paragraph's
#: worth: one break moved moves all those below it).
LOOKAHEAD = 40


#: How loose (em between characters) a line may become so that the last
#: line of its paragraph gets `SHORT_LAST` characters (孤立行): an eighth
#: of an em, what a 和欧間 may narrow by. (`caipdf check` lists lines over
#: 0.1 em as loose.)
LOOSEN_MAX = jlreq.EIGHTH
#: A paragraph's last line should hold at least this many characters.
SHORT_LAST = 3


def _split_first_line(text, style, context, max_width, justification_spacing,
                      is_line_start=True, minimum=False):
    """WeasyPrint's line splitter, with pushing in (`_split_pushing_in`),
    then, for justified jlreq text, no short last line of a box: when the
    rest of the text after this line fits one line but holds fewer than
    `SHORT_LAST` characters (「す。」 alone), this line is broken a
    character or two earlier, if it is no looser than `LOOSEN_MAX` for it
    (JLREQ's rules for 孤立行)."""
    split = _split_pushing_in(text, style, context, max_width, justification_spacing,
                              is_line_start, minimum)
    if (split[2] is None or max_width is None or minimum or _pushing_in
            or not wants_jlreq(style) or not _justified(style)
            or not _short(text.encode()[split[2]:].decode())):
        return split

    def plain(text, width, line_start=True):
        return _original["split_first_line"](text, style, context, width, justification_spacing,
                                              line_start, minimum)

    em = style["font_size"]
    for narrower in range(SHORT_LAST):  # just short of the line's text, then an em more, …
        earlier = plain(text, min(max_width, split[3]) - 0.01 - narrower * em, is_line_start)
        if earlier[2] is None or earlier[2] >= split[2]:
            continue
        if _spread(earlier, max_width, style) > LOOSEN_MAX:
            break
        rest = text.encode()[earlier[2]:].decode()
        if not _short(rest) and plain(rest, max_width)[2] is None:
            return earlier
    return split


def _short(rest: str) -> bool:
    """Whether `rest` is a last line of fewer than `SHORT_LAST` characters."""
    # counting stops at SHORT_LAST: this runs for every line of a justified box
    visible = islice((ch for ch in rest if ch.strip() and ch not in jlreq.TRANSPARENT), SHORT_LAST)
    return 0 < sum(1 for _ in visible) < SHORT_LAST


def _split_pushing_in(text, style, context, max_width, justification_spacing,
                      is_line_start=True, minimum=False):
    """WeasyPrint's line splitter, with pushing in (追い込み, JLREQ 3.8.2).

    A justified jlreq line that would be loose — broken before a word or
    number that does not quite fit (「…2017年の日」 before 「ASEAN」), its
    characters spread more than `LOOSE` apart — is split again with the half
    ems of its marks closed up and its 和欧間 at an eighth of an em. If more
    text fits so, and no line below in the paragraph comes out looser for it
    (`LOOKAHEAD`), that line is taken: `text_align` then closes it up just enough (`line_gaps`).
    A line only a little short keeps its break: a few hundredths of an em
    between characters show less than a narrowed 和欧間 or a half-width comma.
    """
    global _pushing_in
    memo = context.__dict__.setdefault("_caipdf_plain_splits", {})

    def original(text, width):
        """WeasyPrint's split at `width`, remembered for the layout: the
        lines below a loose one are looked at again and again. (The line
        itself is asked for once: caipdf.render.line_memo remembers that.)"""
        key = (text, id(style), width, justification_spacing, is_line_start, minimum,
               _pushing_in)
        return _remembered(memo, key, style, lambda: _original["split_first_line"](
            text, style, context, width, justification_spacing, is_line_start, minimum))

    def plain(text, width):
        return _original["split_first_line"](text, style, context, width, justification_spacing,
                                              is_line_start, minimum)

    if max_width is None or not display.wants_phrases(style):
        split = plain(text, max_width)
    elif minimum:
        split = display.minimum_split(plain, text, max_width)
    elif display.wants_balance(style):
        split = display.balanced_split(plain, text, style, context, max_width, is_line_start)
    else:
        split = display.phrase_split(plain, text, max_width)
    if (split[2] is None or max_width is None or minimum or _pushing_in
            or not wants_jlreq(style) or not _justified(style)):
        return split
    # The paragraph's line width, for the lines below: the widest a line of
    # this text has started with (a first line may be indented, a box may
    # start mid-line).
    widths = context.__dict__.setdefault("_caipdf_line_widths", {})
    known = widths.get(id(style))
    width = max(max_width, known[1]) if known and known[0] is style else max_width
    if is_line_start:
        widths[id(style)] = (style, width)
    spread = _spread(split, max_width, style)
    if spread < LOOSE:
        return split
    _pushing_in = True
    try:
        tight = original(text, max_width)
    finally:
        _pushing_in = False
    # Not if it takes the box's last text: what follows the box (a footnote
    # call, the rest of the line) would be left for the next line alone.
    if tight[1] <= split[1] or tight[2] is None:
        return split
    # The text pushed in leaves the lines below, and each break below moves:
    # take the way whose loosest line, of this one and the LOOKAHEAD below
    # it in the paragraph, is the less loose.

    def loosest_below(line) -> float:
        spreads, rest = [], text
        for _ in range(LOOKAHEAD):
            if line[2] is None:
                break
            rest = rest.encode()[line[2]:].decode()  # resume indexes are in UTF-8 bytes
            if not rest.strip():
                break
            line = original(rest, width)
            spreads.append(_spread(line, width, style))
        return max(spreads, default=0.0)

    if loosest_below(tight) >= max(spread, loosest_below(split)):
        return split
    # Measured with the marks closed up: `_line_plan` must measure it again.
    # Pango leaves out the half of a line-end mark it closed up: the line
    # fits, and `line_gaps` closes that mark as far as needed.
    layout, length, resume, tight_width, *rest = tight
    layout._caipdf_pushed_in = True
    return (layout, length, resume, min(tight_width, max_width), *rest)


def _spread(split, max_width: float, style) -> float:
    """The space between the characters of a split's line once justified, in
    em (none for a paragraph's last line, which is not)."""
    if split[2] is None:
        return 0.0
    opportunities = len(jlreq.opportunities(split[0].text)) or 1
    return (max_width - split[3]) / opportunities / style["font_size"]


def _justified(style) -> bool:
    """Whether lines of `style` are justified (but the last of a paragraph)."""
    return (style["text_align_all"] == "justify"
            and style["white_space"] in ("normal", "nowrap", "pre-line"))


def _next_visible(text: str, index: int) -> int:
    index += 1
    while index < len(text) - 1 and text[index] in jlreq.TRANSPARENT:
        index += 1
    return index


_pango_pairs: dict[tuple[str, str, str | None], bool] = {}


def _pango_breaks(before: str, after: str, lang: str | None) -> bool:
    """Whether Pango allows a line break between two characters.

    Only the breaks JLREQ forbids and Pango allows need an attribute:
    fewer attributes, fewer Pango items to shape.
    """
    key = (before, after, lang)
    allowed = _pango_pairs.get(key)
    if allowed is None:
        allowed = _pango_pairs[key] = bool(get_log_attrs(before + after, lang)[1].is_line_break)
    return allowed


def _apply_plan(layout, plan: _Plan) -> None:
    """Widen (or narrow) the glyphs of the shaped line as the plan says.

    The PDF writer emits each glyph's advance as its font width plus an
    integer TJ adjustment in thousandths of an em (int() truncated), so a
    width is only ever drawn to the nearest thousandth below or above it.
    Spread over a justified line of 26 widened glyphs that loses up to a
    fortieth of an em at the line's end; instead each glyph's width is
    chosen so that the drawn positions stay within half a thousandth of an
    em of the exact ones along the whole line.
    """
    # draw_first_line sets single-paragraph mode; setting it first keeps
    # Pango from laying the text out again, which would undo the changes.
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    after = plan.after
    fonts = layout.style.font_config.__dict__.setdefault("_caipdf_fonts", {})
    error = 0.0  # drawn minus exact position so far, in thousandths of an em
    floor, ceil = math.floor, math.ceil
    line_fonts = {}  # Pango font → (font key, scale)
    for glyph_item in _first_line_runs(layout):
        offset = glyph_item.item.offset
        glyphs = glyph_item.glyphs
        count = glyphs.num_glyphs
        clusters = ffi.unpack(glyphs.log_clusters, count)
        infos = glyphs.glyphs
        font = glyph_item.item.analysis.font
        # Keyed like WeasyPrint's own font cache (a Pango font's address
        # may be reused by another font): face description and size. Within
        # this call the line's fonts are alive, so an address is one font.
        font_key_and_scale = line_fonts.get(font)
        if font_key_and_scale is None:
            font_hash, _, font_size = get_pango_font_key(font)
            font_key_and_scale = line_fonts[font] = (
                (font_hash, font_size), 1000 * FROM_UNITS / font_size if font_size else None)
        font_key, scale = font_key_and_scale
        # Each glyph's cluster ends where the next glyph's starts (the last
        # one's where the item ends); the cffi structs are only read for the
        # glyphs that get some space.
        ends = clusters[1:]
        ends.append(glyph_item.item.length)
        for i, cluster, following in zip(range(count), clusters, ends):
            if following == cluster:
                continue  # space goes after the last glyph of a cluster
            start = offset + cluster
            delta = after.get(start, 0)
            for byte in range(start + 1, offset + following):
                delta += after.get(byte, 0)
            if not delta:
                continue  # drawn as WeasyPrint draws it, within half a thousandth
            info = infos[i]
            geometry = info.geometry
            glyph = info.glyph
            if scale is None or geometry.x_offset or glyph & 0xF0000000:
                geometry.width += delta  # empty, unknown or shifted glyph: leave exact
                continue
            exact = (geometry.width + delta) * scale
            logical = fonts.get((font_key, glyph))
            if logical is None:
                logical = _logical_width(fonts, font, font_key, glyph, scale)
            drawn = floor(exact - error + 0.5)
            if logical > drawn:
                geometry.width = floor(drawn / scale)
            elif logical < drawn:
                geometry.width = ceil(drawn / scale)
            else:
                geometry.width = round(drawn / scale)
            error += drawn - exact


def _logical_width(fonts, font, font_key, glyph, scale) -> int:
    """The glyph's width in the PDF font, as draw_first_line rounds it."""
    key = (font_key, glyph)
    width = fonts.get(key)
    if width is None:
        ink, logical = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")
        pango.pango_font_get_glyph_extents(font, glyph, ink, logical)
        width = fonts[key] = round(logical.width * scale)
    return width


# --- 2: lines -----------------------------------------------------------------

def _natural_advances(box, caches: dict) -> list[float]:
    """The advance of each character of a text box as Pango shapes it
    without any caipdf spacing, in CSS pixels (cached per style and text in
    `caches`, which live as long as one document's layout)."""
    style, text = box.style, box.text

    def measure() -> list[float]:
        layout = _remembered(caches.setdefault("layouts", {}), id(style), style,
                             lambda: _single_paragraph(Layout(style)))
        _original["set_text"](layout, text)
        char_at = _char_index_by_byte(text)
        advances = [0.0] * len(text)
        for glyph_item in _first_line_runs(layout):
            offset = glyph_item.item.offset
            glyphs = glyph_item.glyphs
            for i in range(glyphs.num_glyphs):
                advances[char_at[offset + glyphs.log_clusters[i]]] += (
                    glyphs.glyphs[i].geometry.width * FROM_UNITS)
        return advances

    return _remembered(caches.setdefault("advances", {}), (id(style), text), style, measure)


def _single_paragraph(layout):
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    return layout


def _first_line_runs(layout):
    """The glyph items (runs) of the first line of a WeasyPrint Layout."""
    run = pango.pango_layout_get_line_readonly(layout.layout, 0).runs
    while run != ffi.NULL:
        yield run.data
        run = run.next


def _remembered(table: dict, key, style, compute):
    """`compute()`, remembered in `table` under `key` (which holds the style's
    id) for one layout. The style is kept with the answer, so that its id
    stays its own while the answer is used."""
    entry = table.get(key)
    if entry is None or entry[0] is not style:
        entry = table[key] = (style, compute())
    return entry[1]


@lru_cache(maxsize=8192)
def _char_index_by_byte(text: str) -> dict[int, int]:
    return dict(zip(_byte_offsets(text), range(len(text))))


@lru_cache(maxsize=8192)
def _byte_offsets(text: str) -> tuple[int, ...]:
    """The UTF-8 offset of each character of `text`, and of its end."""
    return tuple(accumulate(map(len, map(str.encode, text)), initial=0))


def _collect(box, entries: list, plain: bool) -> None:
    """The line's jlreq text boxes, in order, with None for anything else
    (an image, an inline-block, a superscript, text without the rules,
    an inline box's margin, border or padding)."""
    if isinstance(box, TextBox):
        if box.text:
            entries.append(box if plain and wants_jlreq(box.style) else None)
    elif isinstance(box, (LineBox, InlineBox)):
        edges = False
        if isinstance(box, InlineBox):
            plain = plain and box.style["vertical_align"] == "baseline"
            edges = bool(box.margin_left or box.margin_right or box.border_left_width
                         or box.border_right_width or box.padding_left or box.padding_right)
        if edges:
            entries.append(None)
        for child in box.children:
            if child.is_in_normal_flow():
                _collect(child, entries, plain)
        if edges:
            entries.append(None)
    else:
        entries.append(None)


def line_gaps(text: str, advance, ems: list[float], slack: float,
              justify: bool = True) -> dict[int, float]:
    """The extra space after each character of a line (index → px):
    compression, 和欧間 and, for a `justify`d line, an equal share of the
    `slack` (the room the line has besides its characters' natural
    advances) for every justification opportunity. `ems` are the
    characters' font sizes, `advance(index)` a character's natural advance.

    A line that was pushed in (`_split_first_line`) has less room than its
    fixed spacing wants: the half ems of its marks (`jlreq.squeezable`, a
    line-end comma's too) give way equally, down to none, then its 和欧間
    gaps, down to an eighth of an em each (JLREQ 3.8.2).
    """
    gaps: dict[int, float] = {}
    autospaces: list[tuple[int, float]] = []
    for gap, size, owner in jlreq.spacing(text):
        em = ems[owner]
        if size < 0 and advance(owner) < 0.9 * em:
            continue  # not a full-width mark: nothing to take away
        if size > 0:
            autospaces.append((gap, em))
        gaps[gap] = gaps.get(gap, 0) + size * em
    excess = sum(gaps.values()) - slack
    halves = [(gap, ems[owner]) for gap, owner in jlreq.squeezable(text)
              if advance(owner) >= 0.9 * ems[owner]] if excess > 1e-9 else []
    if halves:  # the half ems of marks close up first, alike, down to none
        cut = min([excess / len(halves)] + [jlreq.HALF * em for _, em in halves])
        for gap, _ in halves:
            gaps[gap] = gaps.get(gap, 0) - cut
        excess -= cut * len(halves)
    if excess > 1e-9 and autospaces:  # then 和欧間, alike, down to an eighth
        cut = min([excess / len(autospaces)]
                  + [(jlreq.QUARTER - jlreq.EIGHTH) * em for _, em in autospaces])
        for gap, _ in autospaces:
            gaps[gap] -= cut
    if justify:
        opportunities = jlreq.opportunities(text)
        if opportunities:
            share = (slack - sum(gaps.values())) / len(opportunities)
            for gap in opportunities:
                gaps[gap] = gaps.get(gap, 0) + share
    return gaps


def _line_plan(entries: list, room: float, justify: bool, caches: dict):
    """Width and spacing (`_Plan.after`) of each jlreq text box of a line.

    `room`: the available width minus everything on the line but the jlreq
    text; `justify`: whether the line is justified.
    """
    parts, ems, spans = [], [], []
    length = natural = 0
    for entry in entries:
        if entry is None:
            parts.append(jlreq.OBJECT)
            ems.append(0.0)
            length += 1
            continue
        text, style = entry.text, entry.style
        if not jlreq.spacing(text) and style["letter_spacing"] == "normal" \
                and not style["word_spacing"] \
                and not entry.pango_layout.__dict__.get("_caipdf_pushed_in"):
            # Broken without any letter spacing: WeasyPrint measured it as is.
            width, advances = entry.width, None
        else:
            advances = _natural_advances(entry, caches)
            width = sum(advances)
        parts.append(text)
        ems.extend([style["font_size"]] * len(text))
        spans.append([entry, length, length + len(text), width, advances])
        length += len(text)
        natural += width

    def advance(index):
        for span in spans:
            if span[1] <= index < span[2]:
                if span[4] is None:
                    span[4] = _natural_advances(span[0], caches)
                return span[4][index - span[1]]
        return 0.0

    gaps = line_gaps("".join(parts), advance, ems, room - natural, justify)
    result = []
    for entry, start, end, width, _ in spans:
        offsets = _byte_offsets(entry.text)
        inside = [(gap, extra) for gap, extra in gaps.items() if start <= gap < end]
        after = {offsets[gap - start]: _to_units(extra * TO_UNITS) for gap, extra in inside}
        result.append((width + sum(extra for _, extra in inside), after))
    return result


def _text_align(context, line, available_width, last):
    original = _original["text_align"]
    if line.style["direction"] == "rtl" or not wants_jlreq(line.style):
        return original(context, line, available_width, last)
    entries: list = []
    for child in line.children:
        if child.is_in_normal_flow():
            _collect(child, entries, True)
    texts = [entry for entry in entries if entry is not None]
    if not texts:
        return original(context, line, available_width, last)

    align = line.style["text_align_all"]
    if last:
        align_last = line.style["text_align_last"]
        align = align if align_last == "auto" else align_last
    justify = align == "justify" and line.style["white_space"] in ("normal", "nowrap", "pre-line")
    # The available width less what is on the line besides jlreq text.
    room = available_width - (line.width - sum(box.width for box in texts))

    # Column balancing lays the same lines out again and again: the plan of
    # a line is kept for the document's layout (on its layout context),
    # keyed by its texts and styles (the same objects from one layout pass
    # to the next; the memo keeps them alive, so their ids stay theirs).
    caches = context.__dict__.setdefault("_caipdf_typesetting", {})
    memo = caches.setdefault("lines", {})
    key = (tuple([None if entry is None else (id(entry.style), entry.text) for entry in entries]),
           round(room, 6), justify)
    cached = memo.get(key)
    if cached is None:
        cached = memo[key] = ([box.style for box in texts],
                              _line_plan(entries, room, justify, caches))
    widths: dict[int, float] = {}
    for box, (width, after) in zip(texts, cached[1]):
        widths[id(box)] = width
        # A copy of the (deactivated) layout object, so that no other box
        # sharing it gets this plan; only its attributes are copied.
        layout = object.__new__(type(box.pango_layout))
        layout.__dict__.update(box.pango_layout.__dict__)
        layout._caipdf_plan = _Plan(box.text, after)
        box.pango_layout = layout
    _reposition(line, widths, [0.0])
    if justify:
        return 0
    return original(context, line, available_width, last)


# --- 4: the text a reader copies ---------------------------------------------

def _draw_inline_level(stream, page, box, *args, **kwargs):
    # An untagged PDF gets one span per line: readers then take the line's
    # boxes as one text, with no made-up space where two boxes meet. Not a
    # line holding an inline-block (a stacking context when drawn): its text
    # is not among the line's boxes, and the span would hide it.
    text = None
    if isinstance(box, LineBox) and getattr(stream, "_tags", None) is None:
        boxes = list(box.descendants())
        if not any(isinstance(child, StackingContext) for child in boxes):
            text = _copy_text(box.style, boxes)
    if text is None:
        return _original["draw_inline_level"](stream, page, box, *args, **kwargs)
    stream._caipdf_line_span = True
    try:
        with _actual_text(stream, text):
            return _original["draw_inline_level"](stream, page, box, *args, **kwargs)
    finally:
        stream._caipdf_line_span = False


def _draw_text(stream, textbox, *args, **kwargs):
    # Text outside a line span gets a span of its own: every text box of a
    # tagged PDF (PDF/UA marks each one for its structure tree, and pdfium
    # reads ActualText only from the innermost marked content), and text
    # drawn apart from its line (a list marker, a positioned inline box).
    text = None
    if not getattr(stream, "_caipdf_line_span", False):
        text = _copy_text(textbox.style, [textbox])
    with _actual_text(stream, text):
        return _original["draw_text"](stream, textbox, *args, **kwargs)


@contextmanager
def _actual_text(stream, text: str | None):
    if text is None:
        yield
        return
    stream.begin_marked_content("Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
    try:
        yield
    finally:
        stream.end_marked_content()


def copies_as_written(style) -> bool:
    """Whether `style` asks for text to copy as written (`--caipdf-copy-text: as-written`)."""
    return _keyword(style, _COPY_KEY) == "as-written"


def _copy_text(style, boxes) -> str | None:
    """The text a reader should copy from `boxes` (a line's, or one text
    box), if caipdf spaced any of it apart and `style` asks for it
    (`--caipdf-copy-text: as-written`)."""
    if _keyword(style, _COPY_KEY) != "as-written":
        return None
    texts, spaced = [], False
    for box in boxes:
        if isinstance(box, TextBox) and box.style["visibility"] == "visible":
            texts.append(box.text)
            plan = box.pango_layout.__dict__.get("_caipdf_plan")
            spaced = spaced or bool(plan and plan.after)
    text = "".join(texts).translate(_WITHOUT_TRANSPARENT)
    return text if spaced and text.strip() else None


_WITHOUT_TRANSPARENT = dict.fromkeys(map(ord, jlreq.TRANSPARENT))


def _to_units(value: float) -> int:
    return int(math.floor(value + 0.5))


def _reposition(box, widths: dict[int, float], advance: list[float]) -> None:
    """Give text boxes their new widths and shift what follows them
    (as WeasyPrint's add_word_spacing does for its justification)."""
    if isinstance(box, TextBox):
        box.position_x += advance[0]
        width = widths.get(id(box))
        if width is not None:
            advance[0] += width - box.width
            box.width = width
    elif isinstance(box, (LineBox, InlineBox)):
        box.position_x += advance[0]
        before = advance[0]
        for child in box.children:
            if child.is_in_normal_flow():
                _reposition(child, widths, advance)
        box.width += advance[0] - before
    else:
        box.translate(advance[0], 0)
