"""The printed PDF's ToUnicode maps, put back into the archival copy.

Ghostscript 10.00's pdfwrite (Debian 12's) rewrites each font's ToUnicode
CMap, and gets ranges wrong: a `bfrange` such as `<019B> <019D> <3066>`
(て で と, as Chromium and Skia write them) comes out as `<0076>` … `<0078>`
(v w x), so the archival copy draws the right glyphs but copies and searches
as 「越冬地w開かれ」. The glyphs' codes (CIDs) are kept by the conversion, so
the printed PDF's own map is the right one for them: for every font of the
copy whose map disagrees with the font of the same name in the printed PDF,
the printed PDF's ToUnicode stream is copied over. Nothing else is touched.
"""

from __future__ import annotations

import re

_HEX = r"<([0-9A-Fa-f]+)>"
_BFCHAR = re.compile(rf"{_HEX}\s*{_HEX}")
_BFRANGE = re.compile(rf"{_HEX}\s*{_HEX}\s*(?:{_HEX}|\[([^\]]*)\])")
_SECTION = re.compile(r"beginbf(char|range)(.*?)endbf\1", re.S)


def parse(cmap: bytes) -> dict[int, str]:
    """A ToUnicode CMap's map from character code to text (bfchar and bfrange)."""
    mapping: dict[int, str] = {}
    for kind, body in _SECTION.findall(cmap.decode("latin-1")):
        if kind == "char":
            for code, text in _BFCHAR.findall(body):
                mapping[int(code, 16)] = _utf16(text)
            continue
        for first, last, start, listed in _BFRANGE.findall(body):
            first, last = int(first, 16), int(last, 16)
            if listed:
                for code, text in zip(range(first, last + 1), re.findall(_HEX, listed)):
                    mapping[code] = _utf16(text)
            else:
                # the range's text: its last UTF-16 unit counts up with the code
                units = bytes.fromhex(start)
                base, tail = units[:-2], int.from_bytes(units[-2:], "big")
                for offset, code in enumerate(range(first, last + 1)):
                    mapping[code] = _utf16((base + (tail + offset).to_bytes(2, "big")).hex())
    return mapping


def _utf16(hex_text: str) -> str:
    return bytes.fromhex(hex_text).decode("utf-16-be", errors="replace")


def _base_name(font) -> str:
    """A font's name without its subset tag (`ABCDEF+`), which the conversion changes."""
    return str(font.get("/BaseFont", "")).lstrip("/").split("+", 1)[-1]


def restore(copy, printed, fonts) -> list[str]:
    """Give the fonts of `copy` (a pikepdf.Pdf) the ToUnicode maps of `printed`
    where theirs disagree; the names of the fonts mended.

    `fonts(page)` yields the fonts a page uses (its forms' included)."""
    printed_maps: dict[str, list] = {}
    for page in printed.pages:
        for font in fonts(page.obj):
            if "/ToUnicode" in font:
                printed_maps.setdefault(_base_name(font), []).append(font.ToUnicode)
    mended, seen = [], set()
    for page in copy.pages:
        for font in fonts(page.obj):
            if font.objgen in seen or "/ToUnicode" not in font:
                continue
            seen.add(font.objgen)
            candidates = {stream.objgen: stream for stream in printed_maps.get(_base_name(font), [])}
            if len(candidates) != 1:
                continue  # none, or several subsets of one name: which map is whose is unknown
            source = next(iter(candidates.values()))
            printed_map, copied_map = parse(source.read_bytes()), parse(font.ToUnicode.read_bytes())
            if any(printed_map.get(code, text) != text for code, text in copied_map.items()):
                font.ToUnicode = copy.copy_foreign(source)
                mended.append(_base_name(font))
    return mended
