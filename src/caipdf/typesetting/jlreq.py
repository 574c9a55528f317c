"""JLREQ character classes and the rules caipdf applies to Japanese body text.

Pure Python, no WeasyPrint: `justify.py` applies these rules inside the
layout, `metrics.py` uses the same classes to measure a built PDF.

References are to *Requirements for Japanese Text Layout* (W3C JLREQ,
https://www.w3.org/TR/jlreq/), section and character class numbers as there.

The rules, per line of text (a "gap" is the place between two adjacent
characters of one line):

* Punctuation compression (JLREQ 3.1.4): in a run of adjacent full-width
  closing brackets (cl-02), full stops (cl-06), commas (cl-07) and opening
  brackets (cl-01), every mark but one is set half width. A closing mark
  followed by another mark loses its trailing half; an opening bracket
  preceded by another opening bracket loses its leading half. So 。」 and
  」、 and ）「 and （「 all close up to half an em of space, the space a
  single mark carries. An opening bracket followed by a closing one (「」)
  keeps both halves.
* 和欧間 (JLREQ 3.2, CSS `text-autospace: ideograph-alpha ideograph-numeric`):
  a quarter em between kana/kanji and a Latin letter or digit that touch.
  Not at a line's start or end (the rule only adds space *inside* a gap),
  not inside Latin runs, not next to a space, symbol or bracket.
* Justification opportunities (JLREQ 3.8, CSS `text-justify:
  inter-character`): every gap of a line takes an equal share of its slack,
  except gaps inside a Latin word or number, after an opening bracket, before
  a closing bracket, comma or full stop, inside a compressed punctuation run,
  inside —— or ……, and before a space. A space's share is the gap after it,
  so a space gets exactly one share, never more.
* Line breaking (JLREQ 3.1.7, 3.1.8, 3.1.10): no line starts with a closing
  bracket, hyphen (including 〜 and the full-width tilde ～), dividing
  punctuation, middle dot, full stop, comma, iteration mark, prolonged
  sound mark ー or small kana; no line ends with an opening bracket or a
  prefixed abbreviation (￥, ＄, …); no break inside ——, …… or a run of
  digits, nor between a number and its counter (年, 月, 万, %, …:
  `COUNTERS`). caipdf uses the *strict* rule for ー and small kana (JLREQ lists
  them as line-start prohibited; CSS `line-break: normal` would allow them
  for Japanese): it is the rule Pango already follows, and a line that
  starts with ー reads as a typo in a newsletter.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from functools import lru_cache
from itertools import compress

# --- character classes (JLREQ Appendix A) ---------------------------------

OPENING = "‘“（〔［｛〈《「『【｟〘〖«〝"                      # cl-01
CLOSING = "’”）〕］｝〉》」』】｠〙〗»〟"                      # cl-02
HYPHENS = "‐〜゠–～"                                          # cl-03 (+ U+FF5E)
DIVIDING = "？！‼⁇⁈⁉?!"                                       # cl-04
MIDDLE_DOTS = "・：；"                                         # cl-05
FULL_STOPS = "。．"                                            # cl-06
COMMAS = "、，"                                                # cl-07
INSEPARABLE = "—―…‥〳〴〵"                                     # cl-08 (+ U+2015)
ITERATION = "ヽヾゝゞ々〻"                                      # cl-09
PROLONGED = "ー"                                               # cl-10
SMALL_KANA = ("ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
              + "".join(chr(c) for c in range(0x31F0, 0x3200)))  # cl-11
PREFIXED = "￥＄￡＃€№"                                         # cl-12
POSTFIXED = "°′″℃￠％‰㏋ℓ"                                      # cl-13
FULLWIDTH_DIGITS = "０１２３４５６７８９"
#: Counters and units that stay with the number before them at a line end
#: (「2019年9/月」 and 「2050/年」 would read as two numbers): years, months,
#: days, large numbers, per cent, yen, times, people, items.
COUNTERS = "年月日時分秒万億兆円%％倍人件回個歳"
#: Quotes set from the Latin faces (fonts/make_latin_subsets.py), proportional,
#: not full-width: brackets for line breaking, but nothing to compress.
LATIN_QUOTES = "‘’“”"

#: Characters that never start a line (JLREQ 3.1.7, strict).
NOT_AT_LINE_START = frozenset(CLOSING + HYPHENS + DIVIDING + MIDDLE_DOTS + FULL_STOPS
                              + COMMAS + ITERATION + PROLONGED + SMALL_KANA + POSTFIXED)
#: Characters that never end a line (JLREQ 3.1.8).
NOT_AT_LINE_END = frozenset(OPENING + PREFIXED)

#: Marks that take part in punctuation compression (JLREQ 3.1.4).
COMPRESSIBLE_CLOSING = frozenset(CLOSING.replace("»", "") + FULL_STOPS + COMMAS) - set(LATIN_QUOTES)
COMPRESSIBLE_OPENING = frozenset(OPENING.replace("«", "")) - set(LATIN_QUOTES)
COMPRESSIBLE = COMPRESSIBLE_CLOSING | COMPRESSIBLE_OPENING

#: Zero-width format characters: they are skipped when looking for the
#: neighbours of a gap (caipdf glues page references with WORD JOINER).
TRANSPARENT = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
#: Stands for an inline object (an image, a superscript) in a line's text.
OBJECT = "\ufffc"

# Kana and kanji for 和欧間 (CSS Text 4 "ideographic" letters).
_KANA_KANJI_RANGES = (
    (0x3005, 0x3007), (0x303B, 0x303B), (0x3041, 0x3096), (0x309D, 0x309F),
    (0x30A1, 0x30FA), (0x30FC, 0x30FF), (0x31F0, 0x31FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3FFFF),
)
_KANA_KANJI_CLASS = "".join(f"{chr(a)}-{chr(b)}" if a != b else chr(a)
                            for a, b in _KANA_KANJI_RANGES)
# Latin letters and digits that are not full-width (Latin, Greek, Cyrillic).
_ALNUM_CLASS = "0-9A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0370-\u03ff\u0400-\u04ff"


@lru_cache(maxsize=4096)
def is_kana_kanji(ch: str) -> bool:
    code = ord(ch)
    return any(a <= code <= b for a, b in _KANA_KANJI_RANGES)


@lru_cache(maxsize=4096)
def is_alnum(ch: str) -> bool:
    """A Latin (or Greek, Cyrillic) letter or a digit, not full-width."""
    return bool(re.fullmatch(f"[{_ALNUM_CLASS}]", ch))


@lru_cache(maxsize=4096)
def is_western(ch: str) -> bool:
    """Set in a proportional Western font: not CJK, not full-width, not a space."""
    if ch in (" ", "\u00a0", OBJECT) or ch in TRANSPARENT:
        return False
    if unicodedata.east_asian_width(ch) in "WF":
        return False
    if ch in LATIN_QUOTES:
        return True
    if ch in OPENING or ch in CLOSING or ch in INSEPARABLE:
        return False  # full-width in the Japanese fonts caipdf uses
    return True


def is_digit(ch: str) -> bool:
    return "0" <= ch <= "9" or ch in FULLWIDTH_DIGITS


# --- gap rules --------------------------------------------------------------

QUARTER = 0.25   # 和欧間, in em
EIGHTH = 0.125   # 和欧間 at its tightest, in a line pushed in (追い込み, JLREQ 3.8.2)
HALF = 0.5       # what a compressed mark loses, in em

_BOUNDARY = re.compile(f"(?<=[{_KANA_KANJI_CLASS}])(?=[{_ALNUM_CLASS}])"
                       f"|(?<=[{_ALNUM_CLASS}])(?=[{_KANA_KANJI_CLASS}])")
_MARK_RUN = re.compile("[" + re.escape("".join(sorted(COMPRESSIBLE_CLOSING | COMPRESSIBLE_OPENING)))
                       + "]{2,}")


@lru_cache(maxsize=8192)
def spacing(text: str) -> tuple[tuple[int, float, int], ...]:
    """The fixed spacing of `text`: compression and 和欧間.

    Returns `(gap, em, owner)` triples: `gap` is the index of the character
    after which the space changes (the gap between `text[gap]` and the next
    character), `em` the change in em (negative: compression), `owner` the
    index of the character whose em size it is measured in. Only gaps inside
    `text` are listed, so nothing is ever added at a line's start or end.
    Characters in TRANSPARENT do not separate their neighbours (WORD JOINER
    between kanji and a digit still gets 和欧間); the change is then listed
    at the last visible character before the gap.
    """
    out = []
    if TRANSPARENT.isdisjoint(text):
        for match in _BOUNDARY.finditer(text):
            gap = match.start() - 1
            owner = gap if is_kana_kanji(text[gap]) else gap + 1
            out.append((gap, QUARTER, owner))
        for match in _MARK_RUN.finditer(text):
            out.extend(_compress(text, match.start(), match.end()))
        return tuple(out)
    # Slow path: look through zero-width characters.
    visible = [i for i, ch in enumerate(text) if ch not in TRANSPARENT]
    squeezed = "".join(text[i] for i in visible)
    for gap, em, owner in spacing(squeezed):
        out.append((visible[gap], em, visible[owner]))
    return tuple(out)


def squeezable(text: str) -> list[tuple[int, int]]:
    """The half-em spaces of full-width marks that a line may close up when
    it is pushed in (JLREQ 3.8.2, tables of reducible spaces): after a
    closing bracket or comma, before an opening bracket, and after a full
    stop only at the line's end — where the mark is then set half width —
    unless compression has taken the half already. None next to an inline
    object or at the line's start. `(gap, owner)` pairs, as in `spacing`;
    zero-width characters are looked through."""
    taken = compressed_gaps(text)
    visible = [index for index, ch in enumerate(text) if ch not in TRANSPARENT]
    out = []
    for number, index in enumerate(visible):
        ch = text[index]
        last = number == len(visible) - 1
        if ch in COMPRESSIBLE_CLOSING and (ch not in FULL_STOPS or last):
            if index not in taken:
                out.append((index, index))
        elif ch in COMPRESSIBLE_OPENING and number > 0 and text[visible[number - 1]] != OBJECT:
            gap = visible[number - 1]
            if gap not in taken:
                out.append((gap, index))
    return out


def _compress(text: str, start: int, end: int):
    for i in range(start, end - 1):
        first, second = text[i], text[i + 1]
        if first in COMPRESSIBLE_CLOSING:
            yield i, -HALF, i            # 。」 」「 」、: the first loses its trailing half
        elif second in COMPRESSIBLE_OPENING:
            yield i, -HALF, i + 1        # （「: the second loses its leading half
        # an opening bracket followed by a closing one (「」) keeps both halves


def compressed_gaps(text: str) -> set[int]:
    """Gaps closed up by punctuation compression (see `spacing`)."""
    return {gap for gap, em, _ in spacing(text) if em < 0}


def expandable(first: str, second: str) -> bool:
    """Whether the gap between two adjacent visible characters of a line
    takes a share of the line's slack when it is justified."""
    if first == OBJECT or second == OBJECT:
        return False
    if second in (" ", "\u00a0"):
        return False                 # a space's share is the gap after it
    if first in (" ", "\u00a0"):
        return True
    if is_western(first) and is_western(second):
        return False                 # inside a Latin word or a number
    if first in OPENING or second in CLOSING or second in FULL_STOPS or second in COMMAS:
        return False
    if first == second and first in INSEPARABLE:
        return False
    if first in COMPRESSIBLE and second in COMPRESSIBLE:
        return False                 # inside a compressed run
    return True


@lru_cache(maxsize=8192)
def opportunities(text: str) -> tuple[int, ...]:
    """The justification opportunities of a line: the indexes of the
    characters after which it takes a share of the slack (see `expandable`).
    Zero-width characters are looked through, like in `spacing`."""
    if TRANSPARENT.isdisjoint(text):
        # `expandable` depends only on a few properties of each character:
        # with every character replaced by a representative of its
        # properties, a line has few distinct pairs, looked up in C.
        text = text.translate(_representatives)
        flags = map(_expandable_pairs.__getitem__, map(operator.add, text, text[1:]))
        return tuple(compress(range(len(text) - 1), flags))
    visible = [i for i, ch in enumerate(text) if ch not in TRANSPARENT]
    return tuple(first for first, second in zip(visible, visible[1:])
                 if expandable(text[first], text[second]))


class _ExpandablePairs(dict):
    """`expandable` of each two-character string seen so far (it depends on
    the two characters only)."""

    def __missing__(self, pair: str) -> bool:
        value = self[pair] = expandable(pair[0], pair[1])
        return value


_expandable_pairs = _ExpandablePairs()


class _Representatives(dict):
    """A `str.translate` table: each character to the first character seen
    with the same properties for `expandable`. A character of INSEPARABLE
    stands for itself (a pair of the same one is not expandable)."""

    def __init__(self):
        super().__init__()
        self._by_properties: dict[object, str] = {}

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in INSEPARABLE:
            properties: object = ch
        else:
            properties = (ch == OBJECT, ch in (" ", "\u00a0"), is_western(ch), ch in OPENING,
                          ch in CLOSING, ch in FULL_STOPS, ch in COMMAS, ch in COMPRESSIBLE)
        representative = self[code] = self._by_properties.setdefault(properties, ch)
        return representative


_representatives = _Representatives()


def no_break_before(text: str) -> list[int]:
    """Indexes `i` (1 ≤ i < len) where a line must not break between
    `text[i - 1]` and `text[i]` (JLREQ 3.1.7, 3.1.8, 3.1.10).

    Breaks that Pango already forbids are listed too: the list is the whole
    rule, and the layout applies it on top of Pango's own.
    """
    return [match.start() for match in _NO_BREAK.finditer(text, 1) if match.start() < len(text)]


def _class(chars) -> str:
    return "[" + re.escape("".join(sorted(chars))) + "]"


_NO_BREAK = re.compile(
    f"(?={_class(NOT_AT_LINE_START)})"
    f"|(?<={_class(NOT_AT_LINE_END)})"
    + "".join(f"|(?<={re.escape(ch)})(?={re.escape(ch)})" for ch in INSEPARABLE)
    + f"|(?<=[0-9{FULLWIDTH_DIGITS}])(?=[0-9{FULLWIDTH_DIGITS}])"
    + f"|(?<=[0-9{FULLWIDTH_DIGITS}])(?={_class(COUNTERS)})")


def violates_line_start(ch: str) -> bool:
    return ch in NOT_AT_LINE_START


def violates_line_end(ch: str) -> bool:
    return ch in NOT_AT_LINE_END
