"""Glyph coverage: every character of the content is in the fonts that set it.

The fonts are the ones `layouts/fonts.css` loads. Each CSS family stack used
in the layouts ends in a full BIZ UD face (Mincho or Gothic), and any text
may be set in either, so a character must be in every family's stack. A
missing glyph would otherwise print as an empty box (no system font can
stand in: caipdf hides them).
"""

from __future__ import annotations

import re
import struct
import unicodedata
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from caipdf import paths
from caipdf.errors import Location, Problem
from caipdf.structure.model import Issue

FONT_FACE = re.compile(r"@font-face\s*{(?P<body>[^}]*)}", re.S)
FAMILY = re.compile(r"font-family:\s*\"(?P<family>[^\"]+)\"")
SOURCE = re.compile(r"src:\s*url\(\"?(?P<url>[^\")]+)\"?\)")
# The stacks the layouts use: a Latin-only face first, then the full face.
STACKS = {"Mincho": ("CAI Latin Mincho", "CAI Mincho"),
          "Gothic": ("CAI Latin Gothic", "CAI Gothic")}
# Characters that are layout, not glyphs: line breaks, joiners, variation selectors.
INVISIBLE = {"\n", "\u2060", "\u200b", "\ufe0e", "\ufe0f"}


def font_faces(stylesheet: Path) -> list[tuple[str, Path, int]]:
    """(family, file, line) of each @font-face in `stylesheet`."""
    text = stylesheet.read_text(encoding="utf-8")
    faces = []
    for match in FONT_FACE.finditer(text):
        family, source = FAMILY.search(match["body"]), SOURCE.search(match["body"])
        if family and source:
            line = text.count("\n", 0, match.start()) + 1
            faces.append((family["family"], (stylesheet.parent / source["url"]).resolve(), line))
    return faces


@lru_cache(maxsize=16)
def _charset(font_file: Path, mtime: float) -> frozenset[int]:
    """The code points a font maps to glyphs, read straight from its cmap
    table: fontTools' getBestCmap() also builds glyph names, which costs a
    fifth of a second for the three faces on every cold build."""
    data = font_file.read_bytes()
    tables = {data[12 + 16 * i:16 + 16 * i]: struct.unpack_from(">II", data, 20 + 16 * i)
              for i in range(struct.unpack_from(">H", data, 4)[0])}
    if b"cmap" not in tables:
        raise ValueError("the font has no cmap table")
    cmap, _ = tables[b"cmap"]
    subtables = {}
    for i in range(struct.unpack_from(">H", data, cmap + 2)[0]):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        subtables[(platform, encoding)] = cmap + offset
    if (3, 10) in subtables:  # format 12: groups of consecutive code points
        start = subtables[(3, 10)]
        codes = set()
        for group in range(struct.unpack_from(">I", data, start + 12)[0]):
            first, last, _ = struct.unpack_from(">III", data, start + 16 + 12 * group)
            codes.update(range(first, last + 1))
        return frozenset(codes)
    if (3, 1) in subtables:  # format 4: the Basic Multilingual Plane only
        return frozenset(TTFont(font_file, lazy=True, fontNumber=0)["cmap"].getcmap(3, 1).cmap)
    raise ValueError("the font has no Unicode cmap")


def check_font_files(stylesheet: Path | None = None) -> list[Problem]:
    """Each @font-face file exists and is a font (WeasyPrint would fall back silently)."""
    stylesheet = stylesheet or paths.LAYOUTS / "fonts.css"
    problems = []
    for family, file, line in font_faces(stylesheet):
        where = Location(stylesheet, line, 1)
        if not file.is_file():
            problems.append(Problem(where, f"the font file {file} of '{family}' is missing",
                                    "restore it from the repository (git checkout fonts/)"))
            continue
        try:
            _charset(file, file.stat().st_mtime)
        except Exception as error:  # fontTools raises many kinds for a broken file
            problems.append(Problem(where, f"{file} is not a readable font ({error})",
                                    "restore it from the repository (git checkout fonts/)"))
    return problems


def check_coverage(issue: Issue, stylesheet: Path | None = None) -> list[Problem]:
    """A problem for each character of the issue that a font stack lacks."""
    stylesheet = stylesheet or paths.LAYOUTS / "fonts.css"
    charsets: dict[str, set[int]] = {}
    for family, file, _ in font_faces(stylesheet):
        if file.is_file():
            charsets.setdefault(family, set()).update(_charset(file, file.stat().st_mtime))
    stacks = {name: set().union(*(charsets.get(family, set()) for family in families))
              for name, families in STACKS.items()}
    problems = []
    reported: set[tuple[str, Location]] = set()
    for text, location in issue.texts:
        for offset, character in enumerate(text):
            if character in INVISIBLE or (character, location) in reported:
                continue
            lacking = [name for name, charset in stacks.items() if ord(character) not in charset]
            if lacking:
                reported.add((character, location))
                name = unicodedata.name(character, "unnamed character")
                problems.append(Problem(
                    location,
                    f"'{character}' (U+{ord(character):04X} {name}), character {offset + 1} "
                    f"of this text, is not in the {' or '.join(lacking)} fonts",
                    "use another character (for example a common form of the kanji), "
                    "or add a font that has it to layouts/fonts.css"))
    return problems
