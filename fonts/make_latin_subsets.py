"""Make the Latin-only companion fonts in this folder.

BIZ UDMincho and BIZ UDGothic set Latin letters at a fixed half width. Their
proportional siblings (BIZ UDP…) have natural Latin widths but proportional
kana too, and WeasyPrint 70 does not honour `unicode-range` (it widens a
face's charset instead of narrowing it), so the P faces cannot be limited to
Latin in CSS. Instead we keep only their Latin glyphs, under a family name of
our own, and list that family first: Pango takes Latin from it and falls
through to the full-width face for everything else.

The curly quotes and apostrophe (‘ ’ “ ”) are kept too, so that English
never takes them from the full-width face (「UNEP’ s」). BIZ UDP draws them
in half-em cells, at one side, as Japanese sets them; here they get the
side bearings of the straight apostrophe, so "UNEP’s" closes up.

Run (with the Debian packages fonts-morisawa-bizud-gothic and -mincho):
    python fonts/make_latin_subsets.py /usr/share/fonts/truetype
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

LATIN = [*range(0x20, 0x7F), *range(0xA0, 0x180)]
QUOTES = [0x2018, 0x2019, 0x201C, 0x201D]  # ‘ ’ “ ”
FACES = {  # source file (below the given folder) → (our family, style, our file)
    "bizud-mincho/BIZUDPMincho-Regular.ttf": ("CAI Latin Mincho", "Regular"),
    "bizud-gothic/BIZUDPGothic-Regular.ttf": ("CAI Latin Gothic", "Regular"),
    "bizud-gothic/BIZUDPGothic-Bold.ttf": ("CAI Latin Gothic", "Bold"),
}


def make(source: Path, family: str, style: str, target: Path) -> None:
    font = TTFont(source)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=LATIN + QUOTES)
    subsetter.subset(font)
    tighten_quotes(font)
    postscript = f"{family.replace(' ', '')}-{style}"
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 4, 6, 16, 17) or (record.nameID == 3):
            names.removeNames(nameID=record.nameID)
    for name_id, value in ((1, family), (2, style), (3, f"caipdf;{postscript}"),
                           (4, f"{family} {style}"), (6, postscript)):
        names.setName(value, name_id, 3, 1, 0x409)
        names.setName(value, name_id, 1, 0, 0)
    font.save(target)


def tighten_quotes(font: TTFont) -> None:
    """Give each curly quote the straight apostrophe's side bearings."""
    cmap, glyphs, metrics = font.getBestCmap(), font["glyf"], font["hmtx"]
    apostrophe = glyphs[cmap[ord("'")]]
    advance, left = metrics[cmap[ord("'")]]
    right = advance - apostrophe.xMax
    for code in QUOTES:
        name = cmap[code]
        glyph = glyphs[name]
        shift = left - glyph.xMin
        if glyph.isComposite():
            for component in glyph.components:
                component.x += shift
        else:
            glyph.coordinates.translate((shift, 0))
        glyph.recalcBounds(glyphs)
        metrics[name] = (glyph.xMax + right, glyph.xMin)


if __name__ == "__main__":
    root = Path(sys.argv[1])
    here = Path(__file__).parent
    for source, (family, style) in FACES.items():
        target = here / f"{family.replace(' ', '')}-{style}.ttf"
        make(root / source, family, style, target)
        print(f"{target.name}: {target.stat().st_size:,} bytes")
