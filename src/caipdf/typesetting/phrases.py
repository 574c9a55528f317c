"""Phrases: where display text may break a line (and where it may not).

Japanese has no spaces, so a line may break between any two characters
that kinsoku allows: a heading set that way splits words (「削/減」,
「優/先分野」). Display text breaks between *phrases* instead (文節, what
CSS `word-break: auto-phrase` does in Chrome), found by BudouX, the model
behind Chrome's auto-phrase (`budoux`, Apache-2.0).

Pure Python, no WeasyPrint: `justify.py` turns `inside_phrases` into Pango
`allow-breaks: false` attributes for styles with `--caipdf-line-break:
phrase`, and `metrics.py` uses `boundaries` to measure a built PDF.
"""

from __future__ import annotations

import re
from functools import lru_cache

from caipdf.typesetting import jlreq

#: `--caipdf-line-break: phrase` asks for breaks between phrases only.
PROPERTY = "--caipdf-line-break"
STYLE_KEY = "__caipdf_line_break"
#: `--caipdf-text-wrap: balance` asks for lines of about equal length.
BALANCE_PROPERTY = "--caipdf-text-wrap"
BALANCE_KEY = "__caipdf_text_wrap"

#: BudouX splits short kanji compounds it has not seen (「優先分|野」):
#: a boundary inside a run of at most this many kanji is not taken.
SHORT_COMPOUND = 4

_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆]+")


@lru_cache(maxsize=1)
def _parser():
    import budoux
    return budoux.load_default_japanese_parser()


@lru_cache(maxsize=8192)
def boundaries(text: str) -> frozenset[int]:
    """The indexes `i` (0 < i < len) where a phrase of `text` starts.

    BudouX's boundaries, less those inside a run of Latin letters or digits
    (kinsoku and Pango keep those together anyway, and BudouX sometimes
    splits a year: 「201|9年」), inside a short kanji compound, one that
    leaves a single kanji at either end of a longer one (「熊|本県水俣市」),
    and one inside a number (「ネットワーク第|2回会合」, `_inside_number`)."""
    found, index = set(), 0
    for phrase in _parser().parse(text)[:-1]:
        index += len(phrase)
        found.add(index)
    for match in _KANJI.finditer(text):
        start, end = match.start(), match.end()
        if end - start <= SHORT_COMPOUND:
            found.difference_update(range(start + 1, end))
        else:
            found.difference_update({start + 1, end - 1})
    found.difference_update({i for i in found if _inside_number(text, i)})
    return frozenset(i for i in found
                     if not (_word_character(text[i - 1]) and _word_character(text[i])))


@lru_cache(maxsize=8192)
def sub_boundaries(text: str) -> frozenset[int]:
    """`boundaries`, and inside the phrases where the script changes: the
    places a phrase wider than its line may break (「第16回|ASEAN+3|環境大臣
    会合及び|日|ASEAN|環境閣僚対話」, one phrase for BudouX). Not between a
    kanji and the hiragana after it (送り仮名, particles), nor before ー,
    small kana or a counter's ヵ ヶ カ ケ between kanji (「三カ国」), nor
    inside a number (「第2回」, 「2026年10月」)."""
    found = set(boundaries(text))
    for index in range(1, len(text)):
        before, after = _script(text, index - 1), _script(text, index)
        if before != after and not (before == "kanji" and after == "hiragana") \
                and before != "other" and after != "other" \
                and text[index] not in jlreq.NOT_AT_LINE_START \
                and not _inside_number(text, index):
            found.add(index)
    return frozenset(found)


def _inside_number(text: str, index: int) -> bool:
    """Whether `index` falls between 第 or a number's counter and the next
    number (「第|2回」, 「2026年|10月」)."""
    if not jlreq.is_digit(text[index]):
        return False
    return text[index - 1] == "第" or index >= 2 and text[index - 1] in jlreq.COUNTERS \
        and jlreq.is_digit(text[index - 2])


def _script(text: str, index: int) -> str:
    ch = text[index]
    if ch in "ヵヶカケ" and 0 < index < len(text) - 1 and \
            _KANJI.match(text[index - 1]) and _KANJI.match(text[index + 1]):
        return "kanji"
    if _KANJI.match(ch):
        return "kanji"
    if "\u3041" <= ch <= "\u309f":
        return "hiragana"
    if "\u30a0" <= ch <= "\u30ff" or ch == "ー":
        return "katakana"
    if _word_character(ch) or ch in "+-&":
        return "latin"
    return "other"


def _word_character(ch: str) -> bool:
    return jlreq.is_alnum(ch) or jlreq.is_digit(ch)


def inside_phrases(text: str, within: bool = False) -> list[int]:
    """Indexes `i` (1 ≤ i < len) where a line must not break between
    `text[i - 1]` and `text[i]` because both are in one phrase (`within`:
    in one part of a phrase, `sub_boundaries`). Spaces separate phrases
    too (Latin words)."""
    starts = sub_boundaries(text) if within else boundaries(text)
    return [i for i in range(1, len(text))
            if i not in starts and not text[i - 1].isspace() and not text[i].isspace()]


def breaks_inside(text: str, index: int) -> bool:
    """Whether a line break before `text[index]` falls inside a phrase."""
    if index <= 0 or index >= len(text):
        return False
    if text[index - 1].isspace() or text[index].isspace():
        return False
    if text[index - 1] in "-‐" and jlreq.is_alnum(text[index]):
        return False  # after a hyphen in Latin text: "Results-/based"
    return index not in boundaries(text)
