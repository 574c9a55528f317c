"""Past volumes: the PDF a volume was printed from, made into an archival copy.

The conversion is Ghostscript's pdfwrite (Debian's `ghostscript`), which
writes PDF/A-3b with its colours in sRGB; before it, pages that are images
only get a text layer read by Tesseract (`tesseract-ocr-jpn`), driven by
OCRmyPDF (`ocrmypdf`); pages that have text keep it. caipdf then finishes the copy with pikepdf, rewriting no page: the printed
PDF and the issue file are attached as its /Source (with their checksums),
its XMP is written as for caipdf's own volumes, its dates are the issue's
month and its /ID a digest of the sources, so that the same sources and
engine give the same bytes (Ghostscript and OCRmyPDF stamp the day of the
conversion and a random identifier, nothing else varies between runs).

The copy is checked against the printed PDF: every font must be embedded,
and each page whose look the conversion changed (a colour converted, a
transparency flattened, a font substituted, pixels that differ) is named.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from caipdf.archive import tounicode
from caipdf.archive.search import fold, page_texts
from caipdf.errors import CaipdfError, Problem
from caipdf.structure.model import PastVolume

OCR_LANGUAGES = "jpn+eng"
COMPARE_DPI = 50  # enough to see a colour or a flattened transparency change, cheap to render
CHANGED_PIXEL = 32  # a pixel whose channels move more than this (of 255) has changed …
BLUR = 2  # … once both renderings are blurred: an image placed a hair apart is not a change
CHANGED_SHARE = 0.002  # a page with more changed pixels than this looks different
# The output intent of caipdf's own archival volumes, which WeasyPrint writes.
SRGB_PROFILE = Path(find_spec("weasyprint").origin).parent / "pdf" / "sRGB2014.icc"
INSTALL_HINT = ("install the engine: apt-get install ghostscript ocrmypdf tesseract-ocr-jpn "
                "(make archive-tools)")


@lru_cache(maxsize=1)
def engine_versions() -> dict[str, str]:
    """The versions of OCRmyPDF, Ghostscript, Tesseract and pikepdf: what
    shapes a converted volume's bytes."""
    import pikepdf

    def first_line(*command: str) -> str:
        if shutil.which(command[0]) is None:
            raise CaipdfError(Problem(None, f"'{command[0]}' is not installed: past volumes "
                                      "cannot be converted", INSTALL_HINT))
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        return (done.stdout or done.stderr).strip().splitlines()[0].split()[-1]

    return {"ocrmypdf": first_line("ocrmypdf", "--version"), "ghostscript": first_line("gs", "--version"),
            "tesseract": first_line("tesseract", "--version"), "pikepdf": pikepdf.__version__}


def engine_name() -> str:
    versions = engine_versions()
    return (f"Ghostscript {versions['ghostscript']} pdfwrite; OCR by OCRmyPDF "
            f"{versions['ocrmypdf']}, Tesseract {versions['tesseract']} {OCR_LANGUAGES}")


def converted_tools() -> dict[str, str]:
    """The versions recorded with a converted volume: caipdf's and the engine's."""
    from caipdf import provenance

    return {"caipdf": provenance.tool_versions()["caipdf"], **engine_versions()}


def inputs_digest(volume: PastVolume) -> str:
    """What the archival copy depends on: the issue file, the printed PDF, the engine."""
    digest = hashlib.sha256()
    for part in (volume.source_bytes, volume.pdf.read_bytes(),
                 json.dumps(converted_tools(), sort_keys=True).encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def convert(volume: PastVolume) -> tuple[bytes, dict]:
    """(the archival copy's bytes, what the conversion did: its text source per
    page and the pages whose look changed)."""
    original = volume.pdf.read_bytes()
    printed_texts = page_texts(original)
    ocr_pages = [page for page, text in enumerate(printed_texts, start=1) if not text.strip()]
    info = {
        "source": volume.source.name,
        "source_sha256": hashlib.sha256(volume.source_bytes).hexdigest(),
        "original": volume.pdf_path,
        "original_sha256": hashlib.sha256(original).hexdigest(),
        "converted_with": engine_name(),
        "text_source": _describe_text_source(ocr_pages, len(printed_texts)),
        "ocr_pages": ocr_pages,
        "tools": converted_tools(),
    }
    with tempfile.TemporaryDirectory(prefix="caipdf-past-") as folder:
        converted = _run_engine(volume, ocr_pages, Path(folder))
        finished = _finish(converted, volume, original, info)
    _check_fonts_embedded(volume, finished)
    return finished, {**info, "changes": look_changes(original, finished, printed_texts)}


def _run_engine(volume: PastVolume, ocr_pages: list[int], folder: Path) -> Path:
    """OCRmyPDF gives the pages without text a text layer (and leaves the
    others as they are); Ghostscript's pdfwrite writes PDF/A-3b, its colours
    converted to the sRGB of caipdf's own archival volumes. (OCRmyPDF 14, as
    Debian 12 has it, writes PDF/A itself but leaves DeviceCMYK colours under
    an sRGB output intent, which is not PDF/A: hence Ghostscript directly.)"""
    engine_versions()  # says plainly when the engine is not installed
    printed = volume.pdf
    if ocr_pages:
        printed = folder / "with-text.pdf"
        _run(volume, "OCRmyPDF could not read the pages without text",
             "ocrmypdf", "--output-type", "pdf", "--skip-text", "--language", OCR_LANGUAGES,
             "--optimize", "0", "--jobs", "1", "--quiet", str(volume.pdf), str(printed))
    definitions = folder / "pdfa.ps"
    # a PostScript string: its backslashes and parentheses escaped
    profile = re.sub(r"([\\()])", r"\\\1", str(SRGB_PROFILE))
    definitions.write_text(_PDFA_DEFINITIONS.replace("PROFILE", profile), encoding="utf-8")
    converted = folder / "converted.pdf"
    _run(volume, "Ghostscript could not convert it to PDF/A-3b",
         "gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", f"--permit-file-read={SRGB_PROFILE}",
         "-sDEVICE=pdfwrite", "-dPDFA=3", "-dPDFACompatibilityPolicy=1",
         "-sColorConversionStrategy=RGB", "-dAutoRotatePages=/None",
         # images Ghostscript must re-encode stay lossless (JPEGs pass through as they are)
         "-dAutoFilterColorImages=false", "-dColorImageFilter=/FlateEncode",
         "-dAutoFilterGrayImages=false", "-dGrayImageFilter=/FlateEncode",
         "-o", str(converted), str(definitions), str(printed))
    return converted


# Ghostscript's PDFA_def.ps, cut to what is needed: the output intent, sRGB.
_PDFA_DEFINITIONS = """\
/ICCProfile (PROFILE) def
[/_objdef {icc_PDFA} /type /stream /OBJ pdfmark
[{icc_PDFA} << /N 3 >> /PUT pdfmark
[{icc_PDFA} ICCProfile (r) file /PUT pdfmark
[/_objdef {OutputIntent_PDFA} /type /dict /OBJ pdfmark
[{OutputIntent_PDFA} << /Type /OutputIntent /S /GTS_PDFA1 /DestOutputProfile {icc_PDFA}
  /OutputConditionIdentifier (sRGB IEC61966-2.1) /Info (sRGB IEC61966-2.1) >> /PUT pdfmark
[{Catalog} << /OutputIntents [ {OutputIntent_PDFA} ] >> /PUT pdfmark
"""


def _run(volume: PastVolume, failure: str, *command: str) -> None:
    # One thread each: the archive already converts a volume per core.
    environment = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if done.returncode != 0:
        said = " ".join(done.stderr.split())[-600:] or f"exit status {done.returncode}"
        raise CaipdfError(Problem(None, f"{volume.source.name}: {failure} "
                                  f"('{volume.pdf_path}'): {said}",
                                  "open the PDF in a viewer: a damaged or encrypted PDF must be "
                                  "replaced by the file that went to print"))


def _finish(converted: Path, volume: PastVolume, original: bytes, info: dict) -> bytes:
    """Attach the sources, write the XMP, the dates and the /ID; rewrite no page."""
    import pikepdf
    from pikepdf import Array, Name

    from caipdf.pdf.archival import BUILD_INFO, issue_datetime, past_volume_xmp

    when = issue_datetime(volume)  # as for caipdf's own volumes
    pdf_date = when.strftime("D:%Y%m%d%H%M%SZ")
    with pikepdf.open(converted) as pdf, pikepdf.open(io.BytesIO(original)) as printed:
        info["tounicode_restored"] = tounicode.restore(pdf, printed, _fonts)
        # The conversion's Info (its day, its tools) would contradict the XMP:
        # PDF/A-3 needs none, so none is kept.
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        pdf.Root.Metadata = pdf.make_stream(past_volume_xmp(volume, info, when),
                                            Type=Name.Metadata, Subtype=Name.XML)
        build_info = json.dumps(info, indent=2, sort_keys=True, ensure_ascii=False).encode()
        associated = []
        for name, data, mime, relation, description in (
                (volume.pdf_path, original, "application/pdf", Name.Source,
                 "the volume as printed: the file this copy was converted from"),
                (volume.source.name, volume.source_bytes, "application/yaml", Name.Source,
                 "the issue file that declares this volume and its contents"),
                (BUILD_INFO, build_info, "application/json", Name.Supplement,
                 "what this copy was converted with, and its text source")):
            spec = pikepdf.AttachedFileSpec(pdf, data, description=description, filename=name,
                                            mime_type=mime, creation_date=pdf_date,
                                            mod_date=pdf_date, relationship=relation)
            spec.obj.UF = name
            params = spec.obj.EF.F.get("/Params") or pikepdf.Dictionary()
            params.CheckSum = pikepdf.String(hashlib.md5(data).digest())  # the PDF's own checksum
            params.Size = len(data)
            spec.obj.EF.F.Params = params
            pdf.attachments[name] = spec
            associated.append(spec.obj)
        pdf.Root.AF = Array(associated)
        # qpdf keeps the /ID's first half (here a digest of the sources, not
        # Ghostscript's random one) and computes the second from the content.
        digest = hashlib.sha256(original + volume.source_bytes).digest()[:16]
        pdf.trailer.ID = Array([pikepdf.String(digest), pikepdf.String(digest)])
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True, fix_metadata_version=False)  # the XMP as written
    return buffer.getvalue()


def _describe_text_source(ocr_pages: list[int], pages: int) -> str:
    if not ocr_pages:
        return "printed"
    if len(ocr_pages) == pages:
        return "OCR"
    return f"printed; OCR on pages {', '.join(map(str, ocr_pages))}"


# -- checks of the archival copy ------------------------------------------------

def _check_fonts_embedded(volume: PastVolume, data: bytes) -> None:
    import pikepdf

    missing: dict[str, list[int]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for font in _fonts(page.obj):
                if not _embedded(font):
                    missing.setdefault(str(font.get("/BaseFont", "(unnamed)")).lstrip("/"),
                                       []).append(number)
    if missing:
        raise CaipdfError([Problem(None, f"{volume.source.name}: the font {name} of "
                                   f"'{volume.pdf_path}' is not embedded in the archival copy "
                                   f"(pages {', '.join(map(str, pages))})",
                                   "ask the designer for a PDF with every font embedded, "
                                   "or install the font for Ghostscript to embed")
                           for name, pages in sorted(missing.items())])


def _fonts(container, seen=None):
    """Every font a page (or form XObject) uses, its forms' fonts included."""
    seen = seen if seen is not None else set()
    resources = container.get("/Resources") or {}
    for font in _values(resources.get("/Font")):
        yield font
    for xobject in _values(resources.get("/XObject")):
        if xobject.get("/Subtype") == "/Form" and xobject.objgen not in seen:
            seen.add(xobject.objgen)
            yield from _fonts(xobject, seen)


def _values(dictionary) -> list:
    """The values of a PDF dictionary that may be absent."""
    return [dictionary[key] for key in dictionary.keys()] if dictionary is not None else []


def look_changes(before: bytes, after: bytes, before_texts: list[str]) -> list[dict]:
    """Per page whose look the conversion changed: {"page", "changes": [what, …]};
    `before_texts` are the printed PDF's page texts, read once by `convert`."""
    import pikepdf

    with pikepdf.open(io.BytesIO(before)) as old, pikepdf.open(io.BytesIO(after)) as new:
        old_pages = [_page_features(page.obj) for page in old.pages]
        new_pages = [_page_features(page.obj) for page in new.pages]
    shares = _changed_pixel_shares(before, after)
    texts = zip(before_texts, page_texts(after))
    report = []
    for number, (was, now, share, (old_text, new_text)) in enumerate(
            zip(old_pages, new_pages, shares, texts), start=1):
        changes = []
        if old_text.strip() and fold(old_text) != fold(new_text):
            changes.append(f"its text copies differently: {_first_difference(old_text, new_text)}")
        for space in sorted(was["colour spaces"] - now["colour spaces"]):
            changes.append(f"colour converted from {space} to "
                           f"{', '.join(sorted(now['colour spaces'] - was['colour spaces'])) or 'the output intent'}")
        if was["transparency"] and not now["transparency"]:
            changes.append("transparency flattened")
        for font in sorted(was["unembedded fonts"]):
            changes.append(f"font {font} was not embedded: a substitute is drawn")
        if share > CHANGED_SHARE:
            changes.append(f"{share:.1%} of its pixels look different at {COMPARE_DPI} dpi")
        if changes:
            report.append({"page": number, "changes": changes})
    return report


def _first_difference(before: str, after: str, context: int = 6) -> str:
    """Where two texts of a page first differ, as 「printed」 → 「archived」."""
    before, after = fold(before), fold(after)
    start = next((i for i, (a, b) in enumerate(zip(before, after)) if a != b),
                 min(len(before), len(after)))
    start = max(0, start - context)
    return f"「{before[start:start + 2 * context]}」 reads 「{after[start:start + 2 * context]}」"


def _page_features(page) -> dict:
    """The colour space families, transparency and unembedded fonts a page draws
    with: what its content streams use (WeasyPrint gives every page the same
    resources, so what a page merely lists says nothing)."""
    import pikepdf

    spaces, transparent, unembedded = set(), False, set()
    seen = set()

    def family(space) -> str:
        return str(space[0] if isinstance(space, pikepdf.Array) else space).lstrip("/")

    def visit(container):
        nonlocal transparent
        resources = container.get("/Resources") or pikepdf.Dictionary()

        def resource(kind: str, name):
            table = resources.get(kind)
            return table.get(str(name)) if table is not None else None

        try:
            instructions = pikepdf.parse_content_stream(container)
        except pikepdf.PdfError:
            instructions = []
        for operands, operator in instructions:
            operator = str(operator)
            if operator in ("k", "K"):
                spaces.add("DeviceCMYK")
            elif operator in ("rg", "RG"):
                spaces.add("DeviceRGB")
            elif operator in ("g", "G"):
                spaces.add("DeviceGray")
            elif operator in ("cs", "CS") and operands:
                named = resource("/ColorSpace", operands[0])
                spaces.add(family(named) if named is not None else str(operands[0]).lstrip("/"))
            elif operator == "gs" and operands:
                state = resource("/ExtGState", operands[0])
                # what is seen through: an alpha below 1 or a soft mask
                if state is not None and (float(state.get("/ca", 1)) < 1 or float(state.get("/CA", 1)) < 1
                                          or state.get("/SMask", pikepdf.Name.None_) != pikepdf.Name.None_):
                    transparent = True
            elif operator == "Tf" and operands:
                font = resource("/Font", operands[0])
                if font is not None and not _embedded(font):
                    unembedded.add(str(font.get("/BaseFont", "(unnamed)")).lstrip("/"))
            elif operator == "Do" and operands:
                xobject = resource("/XObject", operands[0])
                if xobject is None or xobject.objgen in seen:
                    continue
                seen.add(xobject.objgen)
                if xobject.get("/Subtype") == "/Image":
                    transparent = transparent or xobject.get("/SMask") is not None
                    if xobject.get("/ColorSpace") is not None:
                        spaces.add(family(xobject.ColorSpace))
                elif xobject.get("/Subtype") == "/Form":
                    visit(xobject)

    visit(page)
    spaces.discard("Pattern")
    return {"colour spaces": spaces, "transparency": transparent, "unembedded fonts": unembedded}


def _embedded(font) -> bool:
    """Whether a font's program is in the PDF (a Type 3 font is drawn by the PDF itself)."""
    if font.get("/Subtype") == "/Type3":
        return True
    descriptor = font.get("/FontDescriptor")
    if font.get("/Subtype") == "/Type0":
        descriptor = font.DescendantFonts[0].get("/FontDescriptor")
    return descriptor is not None and any(key in descriptor for key in
                                          ("/FontFile", "/FontFile2", "/FontFile3"))


def _changed_pixel_shares(before: bytes, after: bytes) -> list[float]:
    """Per page, the share of pixels that differ between the two renderings."""
    import pypdfium2 as pdfium
    from PIL import ImageChops, ImageFilter

    old, new = pdfium.PdfDocument(before), pdfium.PdfDocument(after)
    try:
        shares = []
        for old_page, new_page in zip(old, new):
            scale = COMPARE_DPI / 72
            first = old_page.render(scale=scale).to_pil().convert("RGB")
            second = new_page.render(scale=scale).to_pil().convert("RGB")
            if first.size != second.size:
                shares.append(1.0)
                continue
            difference = ImageChops.difference(first.filter(ImageFilter.GaussianBlur(BLUR)),
                                               second.filter(ImageFilter.GaussianBlur(BLUR))).convert("L")
            histogram = difference.point(lambda value: 255 if value > CHANGED_PIXEL else 0).histogram()
            shares.append(histogram[255] / (first.width * first.height))
        return shares
    finally:
        old.close()
        new.close()

