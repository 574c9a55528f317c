"""Reading rendered PDFs back for the tests: text per page, fonts, object boxes.

Everything here reads the PDF itself (pypdfium2 for text and geometry,
pypdf for the font programs), never caipdf's own intermediate data.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
from fontTools.ttLib import TTFont

MM = 72 / 25.4  # PDF points per millimetre
A4 = (595.28, 841.89)
# The running footer sits in the bottom 20 mm margin; body text is above it.
FOOTER_TOP = 20 * MM


def squeeze(text: str) -> str:
    """`text` without any whitespace."""
    return re.sub(r"\s+", "", text)


def page_texts(pdf_path: Path, body_only: bool = False) -> list[str]:
    """The text of each page in content-stream order (the column order).

    With `body_only`, text in the footer margin (page number, running
    footer) is left out.
    """
    document = pdfium.PdfDocument(str(pdf_path))
    texts = []
    for page in document:
        textpage = page.get_textpage()
        if body_only:
            width, height = page.get_size()
            texts.append(textpage.get_text_bounded(left=0, bottom=FOOTER_TOP,
                                                   right=width, top=height))
        else:
            texts.append(textpage.get_text_range())
    return texts


def text_in(pdf_path: Path, page_number: int, left: float, bottom: float,
            right: float, top: float) -> str:
    """The text inside a rectangle (points, origin bottom left) of a 1-based page."""
    page = pdfium.PdfDocument(str(pdf_path))[page_number - 1]
    return page.get_textpage().get_text_bounded(left=left, bottom=bottom, right=right, top=top)


def page_sizes(pdf_path: Path) -> list[tuple[float, float]]:
    """Each page's trimmed size (its TrimBox; the MediaBox where there is none)."""
    sizes = []
    for page in pdfium.PdfDocument(str(pdf_path)):
        left, bottom, right, top = page.get_trimbox()
        sizes.append((right - left, top - bottom))
    return sizes


@dataclass(frozen=True)
class EmbeddedFont:
    base_font: str
    postscript_name: str  # read from the embedded font program's own name table
    has_program: bool


def embedded_fonts(pdf_path: Path) -> list[EmbeddedFont]:
    reader = pypdf.PdfReader(str(pdf_path))
    found: dict[str, EmbeddedFont] = {}
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for reference in fonts.values():
            font = reference.get_object()
            name = str(font["/BaseFont"])
            if name in found:
                continue
            descendant = font.get("/DescendantFonts")
            descriptor = (descendant[0].get_object() if descendant else font).get("/FontDescriptor")
            program = None
            if descriptor is not None:
                descriptor = descriptor.get_object()
                for key in ("/FontFile2", "/FontFile3", "/FontFile"):
                    if key in descriptor:
                        program = descriptor[key].get_object().get_data()
            postscript = ""
            if program:
                postscript = TTFont(io.BytesIO(program))["name"].getDebugName(6) or ""
            found[name] = EmbeddedFont(name, postscript, program is not None)
    return list(found.values())


@dataclass(frozen=True)
class Box:
    kind: str  # "text", "path", "image", …
    left: float
    bottom: float
    right: float
    top: float


def content_boxes(pdf_path: Path, page_index: int) -> list[Box]:
    """Bounding boxes of the page's objects (text runs, paths, images), in points."""
    document = pdfium.PdfDocument(str(pdf_path))
    page = document[page_index]
    kinds = {pdfium.raw.FPDF_PAGEOBJ_TEXT: "text", pdfium.raw.FPDF_PAGEOBJ_PATH: "path",
             pdfium.raw.FPDF_PAGEOBJ_IMAGE: "image"}
    boxes = []
    for obj in page.get_objects(max_depth=3):
        kind = kinds.get(obj.type, "other")
        left, bottom, right, top = obj.get_bounds()
        boxes.append(Box(kind, left, bottom, right, top))
    return boxes
