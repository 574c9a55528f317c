"""`caipdf diff`: which pages differ between two PDFs, and a picture of each change.

Both PDFs are drawn page by page (caipdf.raster) and compared pixel for
pixel: a page has changed when any pixel differs. For each changed page,
page-NN.png shows it before and after, side by side, with everything that
stayed the same faded and each changed region framed in red. A page only in
the new PDF is "added", only in the old one "removed".

Exit status: 0 when no page changed, 1 when some did, 2 when a PDF could not
be read (as diff(1)).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from caipdf.commands.options import resolution
from caipdf.errors import CaipdfError

DPI = 96
CELL = 8  # pixels: changes closer than about this are framed together
PADDING = 6  # pixels between a change and its frame
FADE = 0.75  # how far what did not change is faded toward white
FRAME = (220, 20, 60)
HEADER = 34  # pixels above each page for its label
LABEL_SIZE = 18


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", type=Path, help="the PDF before, e.g. build/vol19-old.pdf")
    parser.add_argument("new", type=Path, help="the PDF after, e.g. build/vol19.pdf")
    parser.add_argument("-o", "--output", type=Path, metavar="DIR",
                        help="the folder for the pictures of changed pages "
                             "(default: beside the new PDF, <name>-diff/)")
    parser.add_argument("--dpi", type=resolution, default=DPI,
                        help=f"resolution of the comparison and pictures (default: {DPI})")


def run(args: argparse.Namespace) -> int:
    folder = args.output or args.new.with_name(f"{args.new.stem}-diff")
    try:
        changes, pages = diff(args.old, args.new, folder, dpi=args.dpi)
    except CaipdfError as error:
        print(error, file=sys.stderr)
        return 2
    for change in changes:
        print(f"page {change.number} {change.kind}: {change.picture}")
    if changes:
        print(f"caipdf: {len(changes)} of {pages} pages changed", file=sys.stderr)
        return 1
    print(f"caipdf: no page changed ({pages} pages)", file=sys.stderr)
    return 0


@dataclass
class PageChange:
    number: int  # 1-based
    kind: str  # "changed", "added" or "removed"
    regions: list[tuple[int, int, int, int]]  # (left, top, right, bottom) in pixels
    picture: Path


def diff(old: Path, new: Path, folder: Path, dpi: float = DPI) -> tuple[list[PageChange], int]:
    """The changed pages (a picture of each written to `folder`) and the page count."""
    from caipdf import raster

    before, after = raster.pages(old, dpi), raster.pages(new, dpi)
    for stale in folder.glob("page-*.png"):
        stale.unlink()
    changes = []
    for number in range(1, max(len(before), len(after)) + 1):
        old_page = before[number - 1] if number <= len(before) else None
        new_page = after[number - 1] if number <= len(after) else None
        picture = folder / f"page-{number:02d}.png"
        if old_page is None or new_page is None:
            page = old_page or new_page
            kind = "added" if old_page is None else "removed"
            whole = [(0, 0, page.width, page.height)]
            raster.save_png(_panels([(f"p.{number} {kind}", page, whole)]), picture)
            changes.append(PageChange(number, kind, whole, picture))
            continue
        regions = changed_regions(old_page, new_page)
        if regions:
            raster.save_png(_panels([(f"p.{number} before", old_page, regions),
                                     (f"p.{number} after", new_page, regions)]), picture)
            changes.append(PageChange(number, "changed", regions, picture))
    return changes, max(len(before), len(after))


def changed_regions(before, after) -> list[tuple[int, int, int, int]]:
    """The boxes around the pixels that differ, nearby ones framed together."""
    from PIL import ImageChops, ImageFilter

    if before.size != after.size:
        return [(0, 0, max(before.width, after.width), max(before.height, after.height))]
    difference = ImageChops.difference(before, after).convert("L")
    if difference.getbbox() is None:
        return []
    # One pixel per CELL × CELL square, set if anything in it changed, then
    # grown by one square so that the letters of an edited line join up.
    cells = difference.point(lambda value: 255 if value else 0).reduce(CELL)
    cells = cells.point(lambda value: 255 if value else 0).filter(ImageFilter.MaxFilter(3))
    width, height = cells.size
    marked = cells.load()
    seen = set()
    regions = []
    for y in range(height):
        for x in range(width):
            if not marked[x, y] or (x, y) in seen:
                continue
            # The connected squares from here, as one region.
            stack, box = [(x, y)], [x, y, x, y]
            seen.add((x, y))
            while stack:
                cx, cy = stack.pop()
                box = [min(box[0], cx), min(box[1], cy), max(box[2], cx), max(box[3], cy)]
                for nx, ny in ((cx + 1, cy), (cx - 1, cy), (cx, cy + 1), (cx, cy - 1)):
                    if 0 <= nx < width and 0 <= ny < height and marked[nx, ny] \
                            and (nx, ny) not in seen:
                        seen.add((nx, ny))
                        stack.append((nx, ny))
            regions.append((max(0, box[0] * CELL - PADDING), max(0, box[1] * CELL - PADDING),
                            min(before.width, (box[2] + 1) * CELL + PADDING),
                            min(before.height, (box[3] + 1) * CELL + PADDING)))
    return regions


def _panels(panels: list) -> "Image.Image":
    """Pages side by side, each labelled, faded except in its framed regions."""
    from PIL import Image, ImageDraw

    from caipdf import raster

    gap = HEADER // 2
    width = sum(page.width for _, page, _ in panels) + gap * (len(panels) + 1)
    height = max(page.height for _, page, _ in panels) + HEADER + gap
    picture = Image.new("RGB", (width, height), (222, 226, 228))
    x = gap
    for label, page, regions in panels:
        faded = Image.blend(page, Image.new("RGB", page.size, "white"), FADE)
        for region in regions:
            faded.paste(page.crop(region), region[:2])
        draw = ImageDraw.Draw(faded)
        for left, top, right, bottom in regions:
            draw.rectangle((left, top, right - 1, bottom - 1), outline=FRAME, width=2)
        picture.paste(faded, (x, HEADER))
        raster.draw_label(picture, (x, (HEADER - LABEL_SIZE) // 2), label, LABEL_SIZE)
        x += page.width + gap
    return picture
