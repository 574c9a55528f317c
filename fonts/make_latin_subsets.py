"""Make the Latin-only companion fonts in this folder.

BIZ UDMincho and BIZ UDGothic set Latin letters at a fixed half width. Their
proportional siblings (BIZ UDP…) have natural Latin widths but proportional
kana too, and WeasyPrint 70 does not honour `unicode-range` (it widens a
face's charset instead of narrowing it), so the P faces cannot be limited to
Latin in CSS. Instead we keep only their Latin glyphs, under a family name of
our own, and list that family first: Pango takes Latin from it and falls
through to the full-width face for everything else.

Run (with the Debian packages fonts-morisawa-bizud-gothic and -mincho):
    python fonts/make_latin_subsets.py /usr/share/fonts/truetype
"""

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

LATIN = [*range(0x20, 0x7F), *range(0xA0, 0x180)]
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
    subsetter.populate(unicodes=LATIN)
    subsetter.subset(font)
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


if __name__ == "__main__":
    root = Path(sys.argv[1])
    here = Path(__file__).parent
    for source, (family, style) in FACES.items():
        target = here / f"{family.replace(' ', '')}-{style}.ttf"
        make(root / source, family, style, target)
        print(f"{target.name}: {target.stat().st_size:,} bytes")
