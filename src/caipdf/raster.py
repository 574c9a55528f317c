"""PDF pages as images, for `caipdf preview` and `caipdf diff`.

Pages are drawn by PDFium (through pypdfium2), the PDF renderer of Chrome:
an independent reader, so a preview shows what a reader of the PDF sees,
not what WeasyPrint meant. Every font is embedded in caipdf's PDFs, so no
system font is involved.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pypdfium2
from PIL import Image, ImageDraw, ImageFont

from caipdf import paths
from caipdf.atomic import write_atomically
from caipdf.errors import CaipdfError, Problem

POINTS_PER_INCH = 72
LABEL_FONT = "BIZUDGothic-Bold.ttf"  # from fonts/, for the labels drawn on sheets


def pages(pdf: Path, dpi: float) -> list[Image.Image]:
    """Each page of `pdf` as an RGB image, `dpi` pixels to the inch."""
    try:
        document = pypdfium2.PdfDocument(pdf)
    except (pypdfium2.PdfiumError, OSError) as error:
        raise CaipdfError(Problem(None, f"cannot read {pdf} as a PDF ({error})",
                                  "give the path of a PDF, for example build/vol19.pdf")) from None
    try:
        return [page.render(scale=dpi / POINTS_PER_INCH).to_pil().convert("RGB")
                for page in document]
    finally:
        document.close()


def trimmed_pages(pdf: bytes, dpi: float, numbers: Iterable[int]) -> dict[int, Image.Image]:
    """The pages `numbers` (1-based) of `pdf` as RGB images cut to their
    TrimBox, the page as it is printed: no bleed, no trim marks."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        images = {}
        for number in numbers:
            page = document[number - 1]
            media_left, media_bottom, media_right, media_top = page.get_mediabox()
            left, bottom, right, top = page.get_trimbox()
            crop = (left - media_left, bottom - media_bottom, media_right - right, media_top - top)
            images[number] = page.render(scale=dpi / POINTS_PER_INCH,
                                         crop=crop).to_pil().convert("RGB")
        return images
    finally:
        document.close()


def png_bytes(image: Image.Image, compress_level: int = 6) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False, compress_level=compress_level)
    return buffer.getvalue()


def save_png(image: Image.Image, target: Path) -> None:
    """Write `image` to `target` as PNG; readers see the old file or the new one."""
    write_atomically(target, png_bytes(image))


def label_font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(paths.FONTS / LABEL_FONT), size)


def draw_label(image: Image.Image, xy: tuple[int, int], text: str, size: int,
               fill=(60, 60, 60), anchor: str = "la") -> None:
    """`text` at `xy`; `anchor` as Pillow's: "la" left-top, "ma" centred on x."""
    ImageDraw.Draw(image).text(xy, text, font=label_font(size), fill=fill, anchor=anchor)


def scaled(image: Image.Image, factor: float) -> Image.Image:
    return image.resize((round(image.width * factor), round(image.height * factor)),
                        Image.LANCZOS)
