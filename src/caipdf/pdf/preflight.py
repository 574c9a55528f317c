"""Preflight: will a print shop accept this PDF as it is?

Reads any PDF (with pypdf for structure and content streams, pypdfium2 for
text positions) and reports page boxes, page count, fonts, colour spaces,
image resolution, text near the trim, total ink coverage (of colours and
of every CMYK image's pixels), placeholder frames where a photo is missing,
and the PDF/X or PDF/A identification. A file that says it is PDF/X is held
to print rules: any RGB is an error, it needs a TrimBox and a 3 mm bleed.

The edition comes from the file itself: PDF/X (a GTS_PDFX output intent) is
print, PDF/A the archive, a tagged PDF/UA file the screen edition; photos are
judged by that edition's resolution (caipdf.profiles), and a file that says
none of these is judged as print. A tagged file is also checked for readers
who cannot see it: tags, alternative text, links, contrast and veraPDF's
verdicts (caipdf.pdf.accessibility).
"""

from __future__ import annotations

import io
import logging
import math
import re
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
from PIL import Image
from pypdf.generic import ContentStream, IndirectObject

from caipdf.images import ink
from caipdf.images.ink import MAX_INK
from caipdf.pdf import accessibility
from caipdf.profiles import PROFILES

MM = 72 / 25.4
INK_AREA = 0.5 * MM  # ink is the mean over squares of at most this side (a press spreads a dot)
PLACEHOLDER = re.compile(r"画像未収録\s+(\S+)")  # the frame layouts/blocks.html draws for a missing photo
SAFE_DISTANCE = 3 * MM  # text this close to the trim may be cut off
BLEED = 3 * MM

RGB_OPERATORS = {b"rg", b"RG"}
CMYK_OPERATORS = {b"k", b"K"}
GRAY_OPERATORS = {b"g", b"G"}


@dataclass
class Finding:
    level: str  # "error", "warning" or "info"
    check: str
    message: str


@dataclass
class Report:
    file: str
    pages: int = 0
    standard: str = "none"
    edition: str = "unknown"  # print, screen or archive, as the file says; unknown is judged as print
    boxes: list[dict] = field(default_factory=list)
    fonts: list[dict] = field(default_factory=list)
    colour_spaces: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    max_ink: float = 0.0
    ink_by_page: list[dict] = field(default_factory=list)  # {"page", "ink", "where"}: each page's most
    placeholders: list[dict] = field(default_factory=list)  # {"page", "path"}: a missing photo's frame
    accessibility: dict = field(default_factory=dict)  # tagged files only
    findings: list[Finding] = field(default_factory=list)
    rgb_uses: list[str] = field(default_factory=list)  # "page 3: image /i…", one per object

    @property
    def min_ppi(self) -> int:
        return PROFILES["print" if self.edition == "unknown" else self.edition].photos.warn_ppi

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.level == "error"]

    def add(self, level: str, check: str, message: str) -> None:
        self.findings.append(Finding(level, check, message))

    def as_dict(self) -> dict:
        return {**asdict(self), "errors": len(self.errors)}


class NotAPdf(Exception):
    """The file does not begin as a PDF does."""


def preflight(path: Path) -> Report:
    with open(path, "rb") as file:
        start = file.read(1024)
    if b"%PDF-" not in start:
        raise NotAPdf(f"it begins with {start[:16]!r}, not with %PDF-")
    report = Report(str(path))
    with _pypdf_warnings_as_findings(report):
        reader = pypdf.PdfReader(str(path))
        report.pages = len(reader.pages)
        report.standard = _standard(reader)
        report.edition = _edition(reader, report.standard)
        print_rules = report.standard.startswith("PDF/X")
        _check_page_count(report)
        _check_boxes(reader, report, print_rules)
        _check_fonts(reader, report)
        _check_colours_and_images(reader, report, print_rules)
        _check_page_texts(path, report)
        if accessibility.is_tagged(reader):
            accessibility.check(path, reader, report)
    return report


@contextmanager
def _pypdf_warnings_as_findings(report: Report):
    """What pypdf says of a damaged file goes into the report, not onto the terminal."""
    class Handler(logging.Handler):
        def emit(self, record):
            report.add("warning", "file", f"the file is damaged: {record.getMessage()}")

    logger, handler = logging.getLogger("pypdf"), Handler(logging.WARNING)
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


# -- identification -------------------------------------------------------------

def _standard(reader: pypdf.PdfReader) -> str:
    root = reader.trailer["/Root"]
    xmp = b""
    if "/Metadata" in root:
        xmp = root["/Metadata"].get_object().get_data()
    names = []
    if match := re.search(rb"GTS_PDFXVersion>([^<]+)<", xmp):
        names.append(match[1].decode())
    part = re.search(rb"pdfaid:part[>=\"']+(\d)", xmp)
    conformance = re.search(rb"pdfaid:conformance[>=\"']+([A-Za-z])", xmp)
    if part:
        names.append(f"PDF/A-{part[1].decode()}{(conformance[1].decode().lower() if conformance else '')}")
    if match := re.search(rb"pdfuaid:part[>=\"']+(\d)", xmp):
        names.append(f"PDF/UA-{match[1].decode()}")
    return ", ".join(names) or "none"


def _edition(reader: pypdf.PdfReader, standard: str) -> str:
    """Which of caipdf's editions the file says it is (its output intent, its XMP)."""
    root = reader.trailer["/Root"]
    intents = {str(intent.get_object().get("/S")) for intent in root.get("/OutputIntents") or []}
    if "/GTS_PDFX" in intents or "PDF/X" in standard:
        return "print"
    if "PDF/A" in standard:
        return "archive"
    if "PDF/UA" in standard or accessibility.is_tagged(reader):
        return "screen"
    return "unknown"


# -- pages ----------------------------------------------------------------------

def _check_page_count(report: Report) -> None:
    if report.pages % 4 and report.edition in ("screen", "archive"):
        report.add("info", "pages", f"{report.pages} pages (not for saddle stitching: the "
                   f"{report.edition} edition)")
    elif report.pages % 4:
        report.add("error", "pages", f"{report.pages} pages: saddle stitching needs a multiple of 4")
    else:
        report.add("info", "pages", f"{report.pages} pages, a multiple of 4")


def _box(page, name: str):
    value = page.get(f"/{name}")
    return [float(number) for number in value] if value is not None else None


def _check_boxes(reader: pypdf.PdfReader, report: Report, print_rules: bool) -> None:
    for number, page in enumerate(reader.pages, start=1):
        media, trim, bleed = _box(page, "MediaBox"), _box(page, "TrimBox"), _box(page, "BleedBox")
        report.boxes.append({"page": number, "media": media, "trim": trim, "bleed": bleed})
        if trim is None:
            if print_rules:
                report.add("error", "boxes", f"page {number} has no TrimBox")
            continue
        if bleed is None:
            if print_rules:
                report.add("error", "boxes", f"page {number} has no BleedBox: 3 mm of bleed is needed")
            continue
        margins = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
        if print_rules and min(margins) < BLEED - 0.1:
            report.add("error", "boxes", f"page {number}: bleed of {min(margins) / MM:.1f} mm, "
                       "3 mm needed")
        room = [bleed[0] - media[0], bleed[1] - media[1], media[2] - bleed[2], media[3] - bleed[3]]
        if print_rules and min(room) < 5 * MM:
            report.add("warning", "boxes", f"page {number}: {min(room) / MM:.1f} mm outside the "
                       "bleed: not enough room for trim marks")


# -- fonts ----------------------------------------------------------------------

def _check_fonts(reader: pypdf.PdfReader, report: Report) -> None:
    seen: dict[str, dict] = {}
    for page in reader.pages:
        for font in _fonts(page.get("/Resources")):
            name = str(font.get("/BaseFont", "?"))
            if name in seen:
                continue
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            subset = bool(re.match(r"^/?[A-Z]{6}\+", name))
            seen[name] = {"name": name.lstrip("/"), "embedded": embedded, "subset": subset,
                          "type": str(font.get("/Subtype", "?")).lstrip("/")}
            if not embedded:
                report.add("error", "fonts", f"font {name.lstrip('/')} is not embedded")
            elif not subset:
                report.add("warning", "fonts", f"font {name.lstrip('/')} is embedded whole, not subset")
    report.fonts = list(seen.values())


def _fonts(resources):
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from _fonts(xobject.get("/Resources"))


# -- colours and images -----------------------------------------------------------

def _space_name(space, resources) -> str:
    """A readable name for a colour space operand or object: DeviceRGB, ICCBased(RGB), …"""
    if isinstance(space, IndirectObject):
        space = space.get_object()
    if isinstance(space, str) and not space.startswith("/Device") and space not in (
            "/Pattern", "/DeviceN", "/Separation"):
        named = (resources.get("/ColorSpace") or {}) if resources is not None else {}
        if space in named:
            return _space_name(named[space], resources)
    if isinstance(space, str):
        return space.lstrip("/")
    if isinstance(space, list) and space:
        family = str(space[0]).lstrip("/")
        if family == "ICCBased":
            components = space[1].get_object().get("/N")
            return f"ICCBased({ {1: 'Gray', 3: 'RGB', 4: 'CMYK'}.get(components, components) })"
        if family == "Indexed":
            return f"Indexed({_space_name(space[1], resources)})"
        if family == "Separation":
            return f"Separation({str(space[1]).lstrip('/')})"
        return family
    return str(space)


def _is_rgb(name: str) -> bool:
    return "RGB" in name


def _check_colours_and_images(reader: pypdf.PdfReader, report: Report, print_rules: bool) -> None:
    spaces: set[str] = set()
    for number, page in enumerate(reader.pages, start=1):
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        contents = page.get_contents()
        if contents is not None:
            _scan_stream(reader, ContentStream(contents, reader), resources, number, report, spaces,
                         [1, 0, 0, 1, 0, 0])
    report.colour_spaces = sorted(spaces)
    rgb = [space for space in spaces if _is_rgb(space)]
    if rgb and print_rules:
        uses = list(dict.fromkeys(report.rgb_uses))
        shown = "; ".join(uses[:8]) + (f"; and {len(uses) - 8} more" if len(uses) > 8 else "")
        report.add("error", "colour", f"RGB colour in a print file ({', '.join(sorted(rgb))}): {shown}")
    report.ink_by_page.sort(key=lambda most: most["page"])
    for most in report.ink_by_page:
        if most["ink"] > MAX_INK:
            report.add("error", "ink", f"page {most['page']}: total ink coverage reaches "
                       f"{most['ink']:.0%} in {most['where']}, more than the press's {MAX_INK:.0%}")
    report.max_ink = max((most["ink"] for most in report.ink_by_page), default=0.0)
    report.add("info", "ink", f"maximum total ink coverage {report.max_ink:.0%}")


def _note_ink(report: Report, page_number: int, total: float, where: str) -> None:
    """Keep the page's highest total ink and where it is."""
    for most in report.ink_by_page:
        if most["page"] == page_number:
            if total > most["ink"]:
                most.update(ink=round(total, 4), where=where)
            return
    report.ink_by_page.append({"page": page_number, "ink": round(total, 4), "where": where})


def _scan_stream(reader, stream: ContentStream, resources, page_number: int, report: Report,
                 spaces: set[str], ctm: list[float], where: str = "its content") -> None:
    stack = []
    fill_space = stroke_space = "DeviceGray"
    for operands, operator in stream.operations:
        if operator == b"q":
            stack.append((ctm, fill_space, stroke_space))
        elif operator == b"Q" and stack:
            ctm, fill_space, stroke_space = stack.pop()
        elif operator == b"cm":
            ctm = _multiply([float(value) for value in operands], ctm)
        elif operator in RGB_OPERATORS:
            spaces.add("DeviceRGB")
            kind = "fill" if operator == b"rg" else "stroke"
            report.rgb_uses.append(f"page {page_number}: {kind} colour ({operator.decode()}) in {where}")
        elif operator in CMYK_OPERATORS:
            spaces.add("DeviceCMYK")
            kind = "fill" if operator == b"k" else "stroke"
            _note_ink(report, page_number, sum(float(value) for value in operands),
                      f"a {kind} colour in {where}")
        elif operator in GRAY_OPERATORS:
            spaces.add("DeviceGray")
        elif operator in (b"cs", b"CS"):
            name = _space_name(operands[0], resources)
            spaces.add(name)
            if _is_rgb(name):
                report.rgb_uses.append(f"page {page_number}: colour space {name} in {where}")
            if operator == b"cs":
                fill_space = name
            else:
                stroke_space = name
        elif operator in (b"sc", b"scn", b"SC", b"SCN"):
            space = fill_space if operator in (b"sc", b"scn") else stroke_space
            values = [float(value) for value in operands if isinstance(value, (int, float))
                      or hasattr(value, "as_numeric")]
            if "CMYK" in space and len(values) == 4:
                kind = "fill" if operator in (b"sc", b"scn") else "stroke"
                _note_ink(report, page_number, sum(values), f"a {kind} colour in {where}")
        elif operator == b"Do":
            _place_xobject(reader, operands[0], resources, page_number, report, spaces, ctm)


def _place_xobject(reader, name, resources, page_number, report, spaces, ctm) -> None:
    xobjects = (resources.get("/XObject") or {}) if resources is not None else {}
    if name not in xobjects:
        return
    xobject = xobjects[name].get_object()
    if xobject.get("/Subtype") == "/Form":
        inner = xobject.get("/Resources")
        inner = inner.get_object() if inner is not None else resources
        matrix = [float(value) for value in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
        _scan_stream(reader, ContentStream(xobject, reader), inner, page_number, report, spaces,
                     _multiply(matrix, ctm), f"form {name}")
    elif xobject.get("/Subtype") == "/Image":
        space = _space_name(xobject.get("/ColorSpace", "/DeviceGray"), resources)
        spaces.add(space)
        width_pt = math.hypot(ctm[0], ctm[1])
        height_pt = math.hypot(ctm[2], ctm[3])
        pixels_w, pixels_h = int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
        dpi = min(pixels_w / (width_pt / 72) if width_pt else math.inf,
                  pixels_h / (height_pt / 72) if height_pt else math.inf)
        if _is_rgb(space):
            report.rgb_uses.append(f"page {page_number}: image {name} ({space})")
        report.images.append({"page": page_number, "name": str(name), "colour_space": space,
                              "pixels": [pixels_w, pixels_h],
                              "placed_mm": [round(width_pt / MM, 1), round(height_pt / MM, 1)],
                              "dpi": round(dpi)})
        if "CMYK" in space:  # Indexed(…CMYK) included: its pixels are not inks, it is not measured
            _measure_image_ink(reader, xobject, name, space, page_number, report, ctm, dpi)
        if round(dpi) < report.min_ppi:
            edition = (f"the {report.edition} edition's minimum" if report.edition != "unknown"
                       else "print's minimum, by which a file caipdf did not make is judged")
            report.add("warning", "images", f"page {page_number}: an image of {pixels_w}×{pixels_h} px "
                       f"placed at {width_pt / MM:.0f}×{height_pt / MM:.0f} mm is {dpi:.0f} ppi "
                       f"(under {report.min_ppi} ppi, {edition})")


def _measure_image_ink(reader, xobject, name, space: str, page_number: int, report: Report,
                       ctm, dpi) -> None:
    """The image's densest patch of ink (means over squares of INK_AREA at most), as a
    place on the page."""
    pixels = None
    if space in ("DeviceCMYK", "ICCBased(CMYK)"):
        try:
            pixels = _cmyk_pixels(xobject, max(1, math.floor(dpi * INK_AREA / 72)))
        except (OSError, ValueError):  # what Pillow raises for data it cannot decode
            pixels = None
    if pixels is None:
        report.add("warning", "ink", f"page {page_number}: the ink of image {name} was not "
                   f"measured ({space}, encoded as {xobject.get('/Filter')}; read here: "
                   "CMYK of 8 bits a channel, as JPEG or losslessly compressed)")
        return
    densest = ink.peak(pixels)
    across, down = (densest.x + 0.5) / pixels.width, 1 - (densest.y + 0.5) / pixels.height
    x = ctm[0] * across + ctm[2] * down + ctm[4]
    y = ctm[1] * across + ctm[3] * down + ctm[5]
    page = reader.pages[page_number - 1]
    left, _, _, top = _box(page, "TrimBox") or _box(page, "MediaBox")
    _note_ink(report, page_number, densest.ink,
              f"image {name} ({xobject.get('/Width')}×{xobject.get('/Height')} px), "
              f"{(x - left) / MM:.0f} mm from the left and {(top - y) / MM:.0f} mm from the top "
              "of the trimmed page")


def _cmyk_pixels(xobject, reduce_by: int) -> Image.Image | None:
    """The CMYK image's pixels as the PDF means them (its /Decode applied), each the
    mean of about `reduce_by` × `reduce_by` of the image's; None for an encoding not read here."""
    filters = xobject.get("/Filter") or []
    filters = [str(name) for name in (filters if isinstance(filters, list) else [filters])]
    inverted = [float(value) for value in xobject.get("/Decode", [0, 1])[:2]] == [1, 0]
    width, height = int(xobject["/Width"]), int(xobject["/Height"])
    if filters and filters[-1] == "/DCTDecode":
        image = Image.open(io.BytesIO(xobject.get_data()))
        # JPEG's own reduced decoding (1/2 … 1/8): each pixel the mean of a block.
        image.draft("CMYK", (math.ceil(width / reduce_by), math.ceil(height / reduce_by)))
        image.load()
        inverted = not inverted  # Pillow reads CMYK JPEGs as Adobe writes them, inverted
    elif (set(filters) <= {"/FlateDecode", "/LZWDecode", "/RunLengthDecode", "/ASCII85Decode",
                           "/ASCIIHexDecode"} and int(xobject.get("/BitsPerComponent", 8)) == 8):
        image = Image.frombytes("CMYK", (width, height), xobject.get_data())
    else:
        return None
    if image.mode != "CMYK":
        return None
    step = max(1, round(reduce_by * image.width / width))
    image = image.reduce(step) if step > 1 else image
    return image.point(lambda value: 255 - value) if inverted else image


def _multiply(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]


# -- the pages' text: near the trim, placeholder frames ----------------------------

def _check_page_texts(path: Path, report: Report) -> None:
    document = pdfium.PdfDocument(str(path))
    try:
        for number, page in enumerate(document, start=1):
            close = _characters_near_trim(page)
            if close:
                report.add("warning", "text", f"page {number}: {close} characters closer than "
                           "3 mm to the trim")
            _check_placeholders(page.get_textpage().get_text_range(), number, report)
    finally:
        document.close()


def _check_placeholders(text: str, page_number: int, report: Report) -> None:
    """A missing photo's frame says so in print: 「画像未収録」 over the file it expects.
    The page's own words are the marker that survives whatever a shop's tools do
    to the file's metadata, and they are what the press would print."""
    paths = PLACEHOLDER.findall(text)
    if not paths:
        return
    report.placeholders += [{"page": page_number, "path": path} for path in paths]
    level = "warning" if report.edition in ("screen", "archive") else "error"
    frames = "a placeholder frame" if len(paths) == 1 else f"{len(paths)} placeholder frames"
    report.add(level, "photos", f"page {page_number}: {frames} (画像未収録) instead of "
               f"{', '.join(paths)}: put each photo at its path in the issue's folder and build again")


def _characters_near_trim(page) -> int:
    left, bottom, right, top = page.get_trimbox()
    textpage = page.get_textpage()
    close = 0
    for index in range(textpage.count_chars()):
        if textpage.get_text_range(index, 1).isspace():
            continue
        x0, y0, x1, y1 = textpage.get_charbox(index)
        if min(x0 - left, y0 - bottom, right - x1, top - y1) < SAFE_DISTANCE:
            close += 1
    return close


def _accessibility_lines(summary: dict) -> list[str]:
    structure = ", ".join(f"{tag} {count}" for tag, count in summary["structure"].items())
    lines = [f"  tags            {structure}",
             f"  alt text        {summary['figures_with_alt']} of {summary['figures']} figures; "
             f"{summary['images']} images, {summary['images_untagged']} untagged",
             f"  links           {summary['links_described']} of {summary['links']} described",
             f"  contrast        lowest {summary['lowest_contrast']}:1, "
             f"{summary['text_under_contrast']} text runs under WCAG's minimum"]
    verdicts = summary["verapdf"]
    if isinstance(verdicts, dict):
        lines += [f"  veraPDF         {verdict}" for verdict in verdicts.values()]
    else:
        lines.append(f"  veraPDF         {verdicts}")
    return lines


def format_report(report: Report) -> str:
    edition = ("unknown: judged as print" if report.edition == "unknown" else report.edition)
    lines = [f"preflight {report.file}",
             f"  standard        {report.standard}",
             f"  edition         {edition} (photos at {report.min_ppi} ppi at least)",
             f"  pages           {report.pages}"]
    first = report.boxes[0] if report.boxes else None
    if first:
        def box(values):
            return "none" if values is None else " ".join(f"{value:.2f}" for value in values)
        same = all(b["media"] == first["media"] and b["trim"] == first["trim"]
                   and b["bleed"] == first["bleed"] for b in report.boxes)
        label = "every page" if same else "page 1"
        lines += [f"  MediaBox        {box(first['media'])}   ({label})",
                  f"  TrimBox         {box(first['trim'])}",
                  f"  BleedBox        {box(first['bleed'])}"]
    lines.append(f"  fonts           {len(report.fonts)}: " + ", ".join(
        f"{font['name']} ({'embedded' if font['embedded'] else 'NOT embedded'}"
        f"{', subset' if font['subset'] else ''})" for font in report.fonts))
    lines.append(f"  colour spaces   {', '.join(report.colour_spaces) or 'none'}")
    lines.append(f"  images          {len(report.images)}" + "".join(
        f"\n    page {image['page']}: {image['name']} {image['pixels'][0]}×{image['pixels'][1]} px, "
        f"{image['colour_space']}, {image['dpi']} ppi" for image in report.images))
    densest = max(report.ink_by_page, key=lambda most: most["ink"], default=None)
    lines.append(f"  max ink         {report.max_ink:.0%}" + (
        f" (page {densest['page']}: {densest['where']}); limit {MAX_INK:.0%}" if densest else ""))
    if report.ink_by_page:
        lines.append("  ink by page     " + ", ".join(
            f"{most['page']}: {most['ink']:.0%}" for most in report.ink_by_page))
    if report.accessibility:
        lines += _accessibility_lines(report.accessibility)
    for finding in report.findings:
        if finding.level != "info":
            lines.append(f"  {finding.level}: [{finding.check}] {finding.message}")
    verdict = "FAILS" if report.errors else "passes"
    lines.append(f"  → {verdict} ({len(report.errors)} errors, "
                 f"{sum(f.level == 'warning' for f in report.findings)} warnings)")
    return "\n".join(lines)
