"""Preflight: will a print shop accept this PDF as it is?

Reads any PDF (with pypdf for structure and content streams, pypdfium2 for
text positions) and reports page boxes, page count, fonts, colour spaces,
image resolution, text near the trim, total ink coverage and the PDF/X or
PDF/A identification. A file that says it is PDF/X is held to print rules:
any RGB is an error, it needs a TrimBox and a 3 mm bleed. A tagged file
(the screen edition) is also checked for readers who cannot see it: tags,
alternative text, links, contrast and veraPDF's verdicts
(caipdf.pdf.accessibility).
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
from pypdf.generic import ContentStream, IndirectObject

from caipdf.pdf import accessibility

MM = 72 / 25.4
MIN_DPI = 300
MAX_INK = 3.20  # 320 %
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
    boxes: list[dict] = field(default_factory=list)
    fonts: list[dict] = field(default_factory=list)
    colour_spaces: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    max_ink: float = 0.0
    accessibility: dict = field(default_factory=dict)  # tagged files only
    findings: list[Finding] = field(default_factory=list)
    rgb_uses: list[str] = field(default_factory=list)  # "page 3: image /i…", one per object

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.level == "error"]

    def add(self, level: str, check: str, message: str) -> None:
        self.findings.append(Finding(level, check, message))

    def as_dict(self) -> dict:
        return {**asdict(self), "errors": len(self.errors)}


def preflight(path: Path) -> Report:
    reader = pypdf.PdfReader(str(path))
    report = Report(str(path), pages=len(reader.pages))
    report.standard = _standard(reader)
    print_rules = report.standard.startswith("PDF/X")
    _check_page_count(report)
    _check_boxes(reader, report, print_rules)
    _check_fonts(reader, report)
    _check_colours_and_images(reader, report, print_rules)
    _check_text_near_trim(path, reader, report)
    if accessibility.is_tagged(reader):
        accessibility.check(path, reader, report)
    return report


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


# -- pages ----------------------------------------------------------------------

def _check_page_count(report: Report) -> None:
    if report.pages % 4:
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
    if report.max_ink > MAX_INK:
        report.add("error", "ink", f"total ink coverage reaches {report.max_ink:.0%}, "
                   f"more than {MAX_INK:.0%}")
    report.add("info", "ink", f"maximum total ink coverage {report.max_ink:.0%}")


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
            report.max_ink = max(report.max_ink, sum(float(value) for value in operands))
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
                report.max_ink = max(report.max_ink, sum(values))
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
        if round(dpi) < MIN_DPI:
            report.add("warning", "images", f"page {page_number}: an image of {pixels_w}×{pixels_h} px "
                       f"placed at {width_pt / MM:.0f}×{height_pt / MM:.0f} mm is {dpi:.0f} ppi "
                       f"(under {MIN_DPI})")


def _multiply(m: list[float], n: list[float]) -> list[float]:
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]


# -- text near the trim -------------------------------------------------------------

def _check_text_near_trim(path: Path, reader: pypdf.PdfReader, report: Report) -> None:
    document = pdfium.PdfDocument(str(path))
    try:
        for number, page in enumerate(document, start=1):
            close = _characters_near_trim(page)
            if close:
                report.add("warning", "text", f"page {number}: {close} characters closer than "
                           "3 mm to the trim")
    finally:
        document.close()


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
    lines = [f"preflight {report.file}",
             f"  standard        {report.standard}",
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
    lines.append(f"  max ink         {report.max_ink:.0%}")
    if report.accessibility:
        lines += _accessibility_lines(report.accessibility)
    for finding in report.findings:
        if finding.level != "info":
            lines.append(f"  {finding.level}: [{finding.check}] {finding.message}")
    verdict = "FAILS" if report.errors else "passes"
    lines.append(f"  → {verdict} ({len(report.errors)} errors, "
                 f"{sum(f.level == 'warning' for f in report.findings)} warnings)")
    return "\n".join(lines)
