"""`caipdf preview`: one PNG per page at the page's size, and the spreads sheet."""

from __future__ import annotations

import pypdfium2
from PIL import Image

from caipdf.cli import main
from caipdf.commands import preview


def test_a_png_per_page_at_the_size_of_the_page(vol19_pdf, tmp_path):
    assert main(["preview", str(vol19_pdf), "-o", str(tmp_path), "--dpi", "72"]) == 0

    document = pypdfium2.PdfDocument(vol19_pdf)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert [png.name for png in pngs] == [f"page-{n:02d}.png" for n in range(1, 13)]
    for page, png in zip(document, pngs):
        width, height = page.get_size()  # points: pixels at 72 dpi
        png_width, png_height = Image.open(png).size
        assert abs(png_width - width) < 1 and abs(png_height - height) < 1


def test_the_contact_sheet_shows_the_issue_as_spreads(vol19_pdf, tmp_path):
    assert preview.spreads(12) == [[1], [2, 3], [4, 5], [6, 7], [8, 9], [10, 11], [12]]
    assert preview.spreads(3) == [[1], [2, 3]]
    preview.preview(vol19_pdf, tmp_path)

    sheet = Image.open(tmp_path / "spreads.png").convert("RGB")
    page = Image.open(tmp_path / "page-01.png")
    width = round(page.width * preview.SHEET_DPI / preview.PAGE_DPI)
    height = round(page.height * preview.SHEET_DPI / preview.PAGE_DPI)
    margin, cell_width = preview.MARGIN, 2 * width
    cell_height = height + preview.LABEL_SIZE + margin // 2
    # Seven spreads, four to a row.
    assert sheet.size == (margin + 4 * (cell_width + margin), margin + 2 * (cell_height + margin))

    def is_empty(left: int, top: int) -> bool:
        """Whether the page-sized box at (left, top) is all background."""
        box = sheet.crop((left + 2, top + 2, left + width - 2, top + height - 2))
        return box.getcolors() == [(box.width * box.height, preview.BACKGROUND)]

    def top_of_row(row: int) -> int:
        return margin + row * (cell_height + margin)

    def left_of(spread: int) -> int:
        return margin + spread * (cell_width + margin)

    # Page 1 alone, on the right of the first spread; 2–3 side by side; the
    # last page alone on the left of the last spread.
    assert is_empty(left_of(0), top_of_row(0)) and not is_empty(left_of(0) + width, top_of_row(0))
    assert not is_empty(left_of(1), top_of_row(0)) and not is_empty(left_of(1) + width, top_of_row(0))
    assert not is_empty(left_of(2), top_of_row(1)) and is_empty(left_of(2) + width, top_of_row(1))
    # The thumbnails are the pages: the cover's masthead colour is where it is on page 1.
    thumbnail = sheet.crop((left_of(0) + width, top_of_row(0), left_of(0) + 2 * width,
                            top_of_row(0) + height))
    scaled = page.convert("RGB").resize(thumbnail.size)
    # (A sixteenth of the way down is the masthead's plain ground, above its text.)
    assert thumbnail.getpixel((width // 2, height // 16)) == scaled.getpixel((width // 2, height // 16))
