"""Font subsets that are the same bytes on every machine.

WeasyPrint 70 subsets each embedded font with HarfBuzz when the system has
libharfbuzz-subset and with fontTools when it does not, and the two write
different bytes: installing an unrelated Debian package that brings the
library (chromium does) changed vol.19's print PDF from 469,134 to 477,453
bytes, and an archive rebuilt on another machine no longer matched. caipdf
therefore always subsets with fontTools, one of its own Python dependencies
(its version is recorded with each archived volume), whatever the system
has.

fontTools takes about a second longer than HarfBuzz on vol.19's fonts, so
each subset is kept in the cache (build/.cache/fonts/) under a digest of
the font, the glyphs kept, the options and fontTools' version: a rebuild,
or an edit that brings no new character, reuses it.

The hook replaces `weasyprint.pdf.fonts.Font.subset`, and refuses to apply
when that method, or the fontTools path it calls, is not the one it was
written for.
"""

from __future__ import annotations

import hashlib
import os
from importlib.metadata import version

from weasyprint.pdf import fonts

from caipdf import cache
from caipdf.render.weasyprint_fixes import require_pinned_sources

# sha256 of the sources of Font.subset and Font._fonttools_subset in WeasyPrint 70.0.
PINNED_SOURCES = {
    "subset": "61ed6bc2e9a7e43a7ad4c50e4bd61a0c5b6db06069754e66c6e328f4a97a6311",
    "_fonttools_subset": "1faa45f3c4cae67e0a8eace77b1ff41f8e161607a502c3daf6baf5879bf5952b",
}
_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    require_pinned_sources(fonts.Font, PINNED_SOURCES, "weasyprint.pdf.fonts.Font",
                           "caipdf's font subsetting")
    fonts.Font.subset = _subset
    _installed = True


def _subset(font: fonts.Font, to_unicode: dict, hinting: bool) -> None:
    """Font.subset, always through fontTools, remembered by what it depends on."""
    if not to_unicode:
        return
    key = hashlib.sha256()
    key.update(hashlib.sha256(font.file_content).digest())
    key.update(repr((sorted(to_unicode), hinting, bool(font.missing), font.index,
                     version("fonttools"),
                     # fontTools stamps the subset's head table with this date.
                     os.environ.get("SOURCE_DATE_EPOCH"))).encode())
    name = f"fonts/{key.hexdigest()[:40]}.font"
    kept = cache.read(name)
    if kept is not None:
        font.file_content = kept
        return
    font._fonttools_subset(to_unicode, hinting)
    cache.keep(name, font.file_content)
