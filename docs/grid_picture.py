"""Draw docs/img/grid-before-after.png: a page of vol.19 without and with the
line grid (caipdf.typesetting.grid), the page grid drawn over it.

    .venv/bin/python docs/grid_picture.py [PAGE]

Thin blue lines are the grid's baselines (the text area's top, plus the
first line's baseline, plus n line pitches); each body line's baseline,
read from the PDF's glyphs (caipdf.typesetting.grid_metrics), is marked
green when it is within 0.3 pt of the grid and red when it is not.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
SCALE = 100 / 72  # 100 dpi


def build(output: Path, with_grid: bool) -> None:
    from weasyprint.layout import block, page

    from caipdf.commands.build import build as build_issue
    from caipdf.typesetting import grid

    if not with_grid:
        block.block_level_layout = grid._original["block_level_layout"]
        page.make_page = grid._original["make_page"]
    try:
        build_issue(ROOT / "issues" / "vol19.yaml", output)
    finally:
        block.block_level_layout, page.make_page = grid._block_level_layout, grid._make_page


def picture(pdf: Path, number: int, label: str) -> Image.Image:
    from caipdf.typesetting import grid_metrics, metrics

    document = pdfium.PdfDocument(str(pdf))
    page = document[number - 1]
    left, bottom, right, top = page.get_trimbox()
    page_top = page.get_mediabox()[3]
    image = page.render(scale=SCALE).to_pil().convert("RGB").crop(
        (round(left * SCALE), round((page_top - top) * SCALE),
         round(right * SCALE), round((page_top - bottom) * SCALE)))
    height = top - bottom
    draw = ImageDraw.Draw(image, "RGBA")
    x0, x1 = metrics.COLUMNS[0][0] * SCALE, metrics.COLUMNS[1][1] * SCALE
    y = grid_metrics.TEXT_TOP + grid_metrics.FIRST_BASELINE
    while y < height - 20 * metrics.MM:
        draw.line((x0, y * SCALE, x1, y * SCALE), fill=(0, 90, 200, 110), width=1)
        y += metrics.PITCH
    lines, _ = metrics._lines(number, metrics._glyphs(page), metrics._spanning_ranges(page))
    for line in lines:
        on = abs(grid_metrics.offset(line, height)) <= grid_metrics.TOLERANCE
        colour = (0, 150, 60, 255) if on else (220, 0, 0, 255)
        column_left, column_right = metrics.COLUMNS[line.column]
        y = (height - line.y) * SCALE
        draw.line((column_left * SCALE - 8, y, column_left * SCALE - 2, y), fill=colour, width=3)
        draw.line((column_right * SCALE + 2, y, column_right * SCALE + 8, y), fill=colour, width=3)
    report = grid_metrics.measure(pdf)
    document.close()
    framed = Image.new("RGB", (image.width, image.height + 30), "white")
    framed.paste(image, (0, 30))
    ImageDraw.Draw(framed).text(
        (10, 9), f"{label}: {report.on_grid} of {report.body_lines} body lines of vol.19 on the "
                 f"page grid", fill=(0, 0, 0))
    return framed


def main() -> None:
    number = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    with tempfile.TemporaryDirectory() as folder:
        before, after = Path(folder) / "before.pdf", Path(folder) / "after.pdf"
        build(before, with_grid=False)
        build(after, with_grid=True)
        images = [picture(before, number, "before"), picture(after, number, "after")]
    width = sum(image.width for image in images) + 20
    out = Image.new("RGB", (width, images[0].height), "white")
    out.paste(images[0], (0, 0))
    out.paste(images[1], (images[0].width + 20, 0))
    target = ROOT / "docs" / "img" / "grid-before-after.png"
    out.quantize(colors=128).save(target, optimize=True)  # a palette keeps the file small
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
