"""Preflight of a tagged PDF (the screen edition): can everyone read it?

Reads the PDF alone and reports its structure tree (how many elements of
each kind), alternative text (figures with /Alt, images drawn outside any
Figure or artifact), links (one Link element each, a /Contents that is not
just an address), the contrast of every text run against what is drawn
behind it (WCAG 2.2, 1.4.3: 4.5:1, 3:1 for large text), and veraPDF's
verdicts on PDF/UA-1 and WCAG 2.2 where veraPDF is at hand
(caipdf.pdf.verapdf).
"""

from __future__ import annotations

import ctypes
import re
from collections import Counter
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf.generic import ArrayObject, DictionaryObject

from caipdf.pdf import verapdf
from caipdf.render.colors import contrast

TEXT_CONTRAST, LARGE_TEXT_CONTRAST = 4.5, 3.0
RENDER_SCALE = 2  # 144 dpi: enough to see what is behind a line of text
URL = re.compile(r"^\s*(https?:|mailto:|www\.)\S*\s*$")


def is_tagged(reader: pypdf.PdfReader) -> bool:
    root = reader.trailer["/Root"]
    marked = root.get("/MarkInfo", {}).get("/Marked")
    return "/StructTreeRoot" in root and bool(marked)


def check(path: Path, reader: pypdf.PdfReader, report) -> None:
    """Add the accessibility findings and figures to `report` (a preflight Report)."""
    summary = report.accessibility
    elements = _structure_elements(reader)
    summary["structure"] = dict(sorted(Counter(str(e["/S"])[1:] for e in elements).items()))
    report.add("info", "tags", f"{len(elements)} structure elements")
    if "/Lang" not in reader.trailer["/Root"]:
        report.add("error", "tags", "no document language (/Lang in the catalog)")
    _check_figures(path, elements, report)
    _check_links(reader, report)
    _check_contrast(path, report)
    _run_verapdf(path, report)


def _structure_elements(reader: pypdf.PdfReader) -> list[DictionaryObject]:
    found, pending = [], list(_kids(reader.trailer["/Root"]["/StructTreeRoot"]))
    while pending:
        element = pending.pop()
        if isinstance(element, DictionaryObject) and "/S" in element:
            found.append(element)
            pending.extend(_kids(element))
    return found


def _kids(element):
    kids = element.get("/K", [])
    for kid in kids if isinstance(kids, ArrayObject) else [kids]:
        yield kid.get_object()


def _check_figures(path: Path, elements: list, report) -> None:
    figures = [element for element in elements if element["/S"] == "/Figure"]
    with_alt = [figure for figure in figures if str(figure.get("/Alt", "")).strip()]
    images = _images(path)
    untagged = [page for page, marks in images if not {"Figure", "Artifact"} & set(marks)]
    report.accessibility.update(figures=len(figures), figures_with_alt=len(with_alt),
                                images=len(images), images_untagged=len(untagged))
    if len(with_alt) < len(figures):
        report.add("error", "alt", f"{len(figures) - len(with_alt)} of {len(figures)} figures "
                   "have no alternative text (/Alt)")
    else:
        report.add("info", "alt", f"all {len(figures)} figures have alternative text")
    for page in sorted(set(untagged)):
        report.add("error", "alt", f"page {page}: an image is neither a Figure nor an artifact")


def _check_links(reader: pypdf.PdfReader, report) -> None:
    links = [annotation.get_object() for page in reader.pages
             for annotation in page.get("/Annots", [])
             if annotation.get_object().get("/Subtype") == "/Link"]
    bare = [link for link in links if URL.match(str(link.get("/Contents", "")))
            or not str(link.get("/Contents", "")).strip()]
    report.accessibility.update(links=len(links), links_described=len(links) - len(bare))
    if bare:
        report.add("error", "links", f"{len(bare)} of {len(links)} links say only their address, "
                   "or nothing (/Contents)")


def _check_contrast(path: Path, report) -> None:
    document = pdfium.PdfDocument(str(path))
    lowest, failing = None, []
    try:
        for number, page in enumerate(document, start=1):
            for ratio, needed, text in _text_contrasts(page):
                if lowest is None or ratio < lowest[0]:
                    lowest = (ratio, number, text)
                if ratio < needed:
                    failing.append((number, ratio, needed, text))
    finally:
        document.close()
    report.accessibility["lowest_contrast"] = round(lowest[0], 2) if lowest else None
    report.accessibility["text_under_contrast"] = len(failing)
    for number, ratio, needed, text in failing:
        report.add("error", "contrast", f"page {number}: '{text[:20]}' at {ratio:.2f}:1, "
                   f"{needed}:1 needed")
    if lowest and not failing:
        report.add("info", "contrast", f"lowest text contrast {lowest[0]:.2f}:1 "
                   f"(page {lowest[1]}, '{lowest[2][:20]}')")


def _text_contrasts(page):
    """(contrast, contrast needed, text) for each text run of the page."""
    bitmap = page.render(scale=RENDER_SCALE).to_pil().convert("RGB")
    _, _, _, height = page.get_mediabox()
    textpage = page.get_textpage()
    for obj in page.get_objects(max_depth=5):
        if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
            continue
        text = object_text(obj.raw, textpage.raw).strip()
        if not text:
            continue
        red, green, blue, alpha = (ctypes.c_uint() for _ in range(4))
        pdfium_c.FPDFPageObj_GetFillColor(obj.raw, *(ctypes.byref(v) for v in (red, green, blue, alpha)))
        left, bottom, right, top = obj.get_bounds()
        ground = _ground(bitmap, left, height - top, right, height - bottom)
        if ground is None:
            continue
        ratio = contrast((red.value, green.value, blue.value), ground)
        yield ratio, LARGE_TEXT_CONTRAST if _is_large(obj.raw) else TEXT_CONTRAST, text


def _ground(bitmap, left: float, top: float, right: float, bottom: float):
    """The commonest colour just outside a text run's box: what it is drawn on."""
    margin = 1.5
    x0, y0 = (max(int((value - margin) * RENDER_SCALE), 0) for value in (left, top))
    x1 = min(int((right + margin) * RENDER_SCALE), bitmap.width - 1)
    y1 = min(int((bottom + margin) * RENDER_SCALE), bitmap.height - 1)
    if x1 <= x0 or y1 <= y0:
        return None
    pixels = [bitmap.getpixel((x, y)) for x in range(x0, x1 + 1, 2) for y in (y0, y1)]
    pixels += [bitmap.getpixel((x, y)) for y in range(y0, y1 + 1, 2) for x in (x0, x1)]
    return Counter(pixels).most_common(1)[0][0]


def _is_large(obj) -> bool:
    """WCAG's large text: 18 pt, or 14 pt bold."""
    size = ctypes.c_float()
    pdfium_c.FPDFTextObj_GetFontSize(obj, ctypes.byref(size))
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj, ctypes.byref(matrix))
    points = size.value * max(abs(matrix.d), abs(matrix.a))
    weight = pdfium_c.FPDFFont_GetWeight(pdfium_c.FPDFTextObj_GetFont(obj))
    return points >= 18 or (points >= 14 and weight >= 700)


def object_text(obj, textpage) -> str:
    """The text of a PDFium text object."""
    size = pdfium_c.FPDFTextObj_GetText(obj, textpage, None, 0)
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFTextObj_GetText(obj, textpage, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)),
                                 size)
    return buffer.raw[:max(size - 2, 0)].decode("utf-16-le")


def _images(path: Path) -> list[tuple[int, list[str]]]:
    """(page, marked-content tags) of every image drawn."""
    found = []
    document = pdfium.PdfDocument(str(path))
    try:
        for number, page in enumerate(document, start=1):
            for obj in page.get_objects(max_depth=5):
                if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                    found.append((number, object_marks(obj.raw)))
    finally:
        document.close()
    return found


def object_marks(obj) -> list[str]:
    """The marked-content tags around a PDFium page object, outermost first."""
    names = []
    for index in range(pdfium_c.FPDFPageObj_CountMarks(obj)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj, index)
        size = ctypes.c_ulong()
        pdfium_c.FPDFPageObjMark_GetName(mark, None, 0, ctypes.byref(size))
        buffer = ctypes.create_string_buffer(size.value)
        pdfium_c.FPDFPageObjMark_GetName(mark, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)),
                                         size.value, ctypes.byref(size))
        names.append(buffer.raw[:max(size.value - 2, 0)].decode("utf-16-le"))
    return names


def _run_verapdf(path: Path, report) -> None:
    script = verapdf.find()
    if script is None:
        report.accessibility["verapdf"] = "not found"
        report.add("info", "verapdf", "veraPDF not found (set CAIPDF_VERAPDF): not validated")
        return
    verdicts = {}
    for check in ("PDF/UA-1", "WCAG 2.2 (machine)"):
        verdict = verapdf.validate(path, check, script)
        verdicts[check] = str(verdict)
        report.add("info" if verdict.compliant else "error", "verapdf", str(verdict))
    report.accessibility["verapdf"] = verdicts
