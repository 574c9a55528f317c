"""Line breaking of display text: between phrases, and balanced.

Called by `justify._split_first_line` (WeasyPrint's line splitter) with the
plain splitter, for text whose style asks for it:

- `--caipdf-line-break: phrase`: Pango gets `allow-breaks: false` over
  every phrase (`phrases.inside_phrases`, added by
  `justify._break_attributes`), so a line breaks only between phrases. A
  phrase wider than the line is broken inside after all (`phrase_split`),
  as CSS `word-break: auto-phrase` does: where its script changes, else
  wherever kinsoku allows.
- `--caipdf-text-wrap: balance` (CSS `text-wrap: balance`, which WeasyPrint
  70 lacks): at each line, the rest of the block is broken at a narrower
  width, the narrowest that keeps its number of lines (a binary search), so
  the last line is about as long as the others (`balanced_split`).
"""

from __future__ import annotations

from contextlib import contextmanager

from caipdf.typesetting import phrases

#: How far the phrase rule gives way while a line is split: `PHRASES`
#: (breaks between phrases only), `WITHIN` (a phrase wider than the line:
#: also where its script changes, `phrases.sub_boundaries`), `ANYWHERE`
#: (wherever kinsoku allows). A module flag, like `justify._pushing_in`.
PHRASES, WITHIN, ANYWHERE = 0, 1, 2
level = PHRASES
#: Steps of the binary search on the width of a balanced block.
BALANCE_STEPS = 9
#: The most lines a balanced block is looked at for (a heading, a quote).
BALANCE_LINES = 8


def wants_phrases(style) -> bool:
    return _keyword(style, phrases.STYLE_KEY) == "phrase"


def wants_balance(style) -> bool:
    return _keyword(style, phrases.BALANCE_KEY) == "balance"


def _keyword(style, key):
    from caipdf.typesetting.justify import _keyword as keyword
    return keyword(style, key)


@contextmanager
def _at_level(value: int):
    global level
    saved, level = level, value
    try:
        yield
    finally:
        level = saved


def no_break(text: str) -> list[int]:
    """Where the phrase rule, at the current `level`, forbids a break."""
    if level == ANYWHERE:
        return []
    return phrases.inside_phrases(text, within=level == WITHIN)


def phrase_split(plain, text, width):
    """`plain(text, width)`, broken between phrases; inside one when the
    first phrase alone is wider than `width`: where its script changes if
    that fills at least half the line (「第16回ASEAN+3環境大臣会合及び/日
    ASEAN…」, not 「東/ティモー/ル」), else wherever kinsoku allows."""
    split = plain(text, width)
    if width is None or split[3] <= width + 0.01 or level != PHRASES:
        return split
    with _at_level(WITHIN):
        split = plain(text, width)
    if split[3] <= width + 0.01 and (split[2] is None or split[3] >= width / 2):
        return split
    with _at_level(ANYWHERE):
        return plain(text, width)


def minimum_split(plain, text, width):
    """The split for a min-content width (a table column's, a flex item's):
    at the narrowest parts `phrase_split` may set a phrase in, where its
    script changes. A 6-kanji place name (「熊本県水俣市」) is then not what
    makes a table wider than its column, beside a long name that can break
    (「日本・インドネシア/環境政策対話」)."""
    if level != PHRASES:
        return plain(text, width)
    with _at_level(WITHIN):
        return plain(text, width)


def balanced_split(plain, text, style, context, width, is_line_start):
    """The split of a balanced block's line: the rest of the block is
    broken at the narrowest width that keeps its number of lines (and of
    breaks inside a phrase), found again at each line. A line that does not
    start at the block's edge (after a heading's label) is only broken
    between phrases: the lines after it are wider than it."""
    if not is_line_start:
        return phrase_split(plain, text, width)
    memo = context.__dict__.setdefault("_caipdf_balance", {})
    key = (id(style), text, width)
    entry = memo.get(key)
    if entry is None or entry[0] is not style:
        entry = memo[key] = (style, _balance(plain, text, width))
    shrink = entry[1]
    return phrase_split(plain, text, width - shrink if shrink else width)


def _lines(plain, text, width) -> tuple[list[str], int] | None:
    """The texts left after each line when `text` is broken at `width`
    (the first one `text` itself), and how many lines had to break inside
    a phrase; None when a line overflows."""
    rests, rest, inside = [text], text, 0
    for _ in range(BALANCE_LINES):
        split = phrase_split(plain, rest, width)
        if split[3] > width + 0.01:
            return None
        inside += plain(rest, width)[3] > width + 0.01  # the phrase rule alone overflows
        if split[2] is None:
            return rests, inside
        rest = rest.encode()[split[2]:].decode()  # resume indexes are UTF-8 bytes
        if not rest.strip():
            return rests, inside
        rests.append(rest)
    return None


def _balance(plain, text, width) -> float:
    """How much narrower than `width` the lines of `text` can be broken
    without adding a line or a break inside a phrase."""
    natural = _lines(plain, text, width)
    if not natural or len(natural[0]) < 2:
        return 0.0
    count, inside = len(natural[0]), natural[1]
    low, high = 0.0, width * (1 - 1 / count)
    for _ in range(BALANCE_STEPS):
        middle = (low + high) / 2
        lines = _lines(plain, text, width - middle)
        if lines is not None and len(lines[0]) == count and lines[1] <= inside:
            low = middle
        else:
            high = middle
    return low
