"""`caipdf preview`: a PNG of each page of a PDF, and a contact sheet of its spreads.

The contact sheet shows the issue as it is read, in spreads: page 1 alone
on the right (the cover is a recto), then 2–3, 4–5, …, and the last page
alone on the left when the page count is even.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from caipdf.commands.options import resolution

PAGE_DPI = 96  # one image pixel per CSS pixel
SHEET_DPI = 36
SPREADS_PER_ROW = 4
BACKGROUND = (222, 226, 228)
MARGIN = 24  # pixels around and between spreads on the sheet
LABEL_SIZE = 18


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pdf", type=Path, help="the PDF, e.g. build/vol19.pdf")
    parser.add_argument("-o", "--output", type=Path, metavar="DIR",
                        help="the folder for the images (default: beside the PDF, "
                             "<name>-preview/)")
    parser.add_argument("--dpi", type=resolution, default=PAGE_DPI,
                        help=f"resolution of the page images (default: {PAGE_DPI})")


def run(args: argparse.Namespace) -> int:
    folder = args.output or args.pdf.with_name(f"{args.pdf.stem}-preview")
    written = preview(args.pdf, folder, dpi=args.dpi)
    for path in written:
        print(path)
    print(f"caipdf: {len(written) - 1} pages and the spreads of {args.pdf} in {folder}/",
          file=sys.stderr)
    return 0


def preview(pdf: Path, folder: Path, dpi: float = PAGE_DPI) -> list[Path]:
    """Write page-01.png … and spreads.png to `folder`; the paths written."""
    from caipdf import raster

    written = []
    images = raster.pages(pdf, dpi)
    for number, image in enumerate(images, start=1):
        path = folder / f"page-{number:02d}.png"
        raster.save_png(image, path)
        written.append(path)
    path = folder / "spreads.png"
    raster.save_png(spread_sheet([raster.scaled(image, SHEET_DPI / dpi) for image in images]),
                    path)
    written.append(path)
    return written


def spreads(page_count: int) -> list[list[int]]:
    """The spreads as page numbers: [[1], [2, 3], …, [12]] for 12 pages."""
    return [[1]] + [list(range(first, min(first + 2, page_count + 1)))
                    for first in range(2, page_count + 1, 2)]


def spread_sheet(images: list) -> "Image.Image":
    """The pages laid out in spreads, SPREADS_PER_ROW to a row, each labelled."""
    from PIL import Image, ImageDraw

    from caipdf import raster

    width = max(image.width for image in images)
    height = max(image.height for image in images)
    rows = [spreads(len(images))[i:i + SPREADS_PER_ROW]
            for i in range(0, len(spreads(len(images))), SPREADS_PER_ROW)]
    cell = (2 * width, height + LABEL_SIZE + MARGIN // 2)
    sheet = Image.new("RGB", (MARGIN + len(rows[0]) * (cell[0] + MARGIN),
                              MARGIN + len(rows) * (cell[1] + MARGIN)), BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    for row_number, row in enumerate(rows):
        for column, spread in enumerate(row):
            left = MARGIN + column * (cell[0] + MARGIN)
            top = MARGIN + row_number * (cell[1] + MARGIN)
            lefts = []
            for number in spread:
                # Odd pages are rectos: on the right of their spread.
                x = left + (width if number % 2 else 0)
                image = images[number - 1]
                sheet.paste(image, (x, top))
                draw.rectangle((x, top, x + image.width - 1, top + image.height - 1),
                               outline=(150, 155, 158))
                lefts.append(x)
            label = f"{spread[0]}–{spread[-1]}" if len(spread) > 1 else str(spread[0])
            middle = (min(lefts) + max(lefts) + width) // 2
            raster.draw_label(sheet, (middle, top + height + MARGIN // 4), label, LABEL_SIZE,
                              anchor="ma")
    return sheet
