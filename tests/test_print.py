"""Output profiles (issue 5): the print PDF a shop accepts, the screen PDF for reading.

Checked with pypdf, pypdfium2 and Pillow straight from the files, not
through caipdf's own preflight (which is tested separately below).
"""

import io
import json
import re

import pypdf
import pypdfium2 as pdfium
import pytest
from pypdf.generic import ContentStream

from caipdf.cli import main
from caipdf.commands.build import build
from caipdf.pdf.preflight import preflight
from caipdf.profiles import PROFILES
from conftest import ROOT, VOL19
from pdfcheck import MM, page_texts, squeeze

A4_POINTS = (595.28, 841.89)
BLEED_POINTS = 8.50


def _operators(reader: pypdf.PdfReader, page) -> list[tuple[list, bytes]]:
    """Every operation of the page's content, Form XObjects included."""
    found = []

    def scan(stream, resources):
        for operands, operator in ContentStream(stream, reader).operations:
            found.append((operands, operator))
            if operator == b"Do":
                xobject = resources["/XObject"][operands[0]].get_object()
                if xobject["/Subtype"] == "/Form":
                    scan(xobject, xobject.get("/Resources", resources).get_object())

    scan(page.get_contents(), page["/Resources"].get_object())
    return found


def _images(reader: pypdf.PdfReader, page):
    resources = page["/Resources"].get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject["/Subtype"] == "/Image":
            yield xobject


def test_print_pdf_has_no_rgb(vol19_pdf):
    reader = pypdf.PdfReader(str(vol19_pdf))
    colour_operators = 0
    for page in reader.pages:
        spaces = page["/Resources"].get_object().get("/ColorSpace") or {}
        for operands, operator in _operators(reader, page):
            assert operator not in (b"rg", b"RG"), "RGB colour operator in the print PDF"
            if operator in (b"cs", b"CS"):
                name = operands[0]
                space = spaces.get(name, name)
                space = space.get_object() if hasattr(space, "get_object") else space
                assert "RGB" not in str(space), f"RGB colour space {name}"
                if isinstance(space, list) and str(space[0]) == "/ICCBased":
                    assert space[1].get_object()["/N"] != 3
                colour_operators += 1
        for image in _images(reader, page):
            assert "RGB" not in str(image.get("/ColorSpace"))
    assert colour_operators > 100  # the check really saw the colours


def test_print_boxes_bleed_and_room_for_marks(vol19_pdf):
    reader = pypdf.PdfReader(str(vol19_pdf))
    for page in reader.pages:
        trim = [float(value) for value in page.trimbox]
        bleed = [float(value) for value in page.bleedbox]
        media = [float(value) for value in page.mediabox]
        assert trim[2] - trim[0] == pytest.approx(A4_POINTS[0], abs=0.01)
        assert trim[3] - trim[1] == pytest.approx(A4_POINTS[1], abs=0.01)
        for side, (t, b) in enumerate(zip(trim, bleed)):
            outward = (t - b) if side < 2 else (b - t)
            assert outward == pytest.approx(BLEED_POINTS, abs=0.01)
        for side, (b, m) in enumerate(zip(bleed, media)):
            outward = (b - m) if side < 2 else (m - b)
            assert outward >= 10 * MM  # the marks are drawn here


def test_print_pdf_is_pdfx4_with_cmyk_output_intent(vol19_pdf):
    reader = pypdf.PdfReader(str(vol19_pdf))
    root = reader.trailer["/Root"]
    [intent] = root["/OutputIntents"]
    intent = intent.get_object()
    assert intent["/S"] == "/GTS_PDFX"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4
    assert profile.get_data() == (ROOT / "color" / "ArtifexCMYK-SWOP.icc").read_bytes()
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4<" in root["/Metadata"].get_object().get_data()
    for page in reader.pages:
        assert "/Annots" not in page  # no links on paper (PDF/X keeps annotations out of the bleed)


def test_japanese_double_line_corner_marks_are_drawn(vol19_pdf, tmp_path):
    """Render the top-left corner: lines on the trim and on the bleed, outside the bleed."""
    page = pdfium.PdfDocument(str(vol19_pdf))[1]
    scale = 300 / 72
    image = page.render(scale=scale).to_pil().convert("L")
    image.crop((0, 0, int(45 * MM * scale), int(45 * MM * scale))).save(tmp_path / "corner.png")
    media_left, _, _, media_top = page.get_mediabox()

    def px(x_points, y_points):  # PDF user space → image pixels
        return round((x_points - media_left) * scale), round((media_top - y_points) * scale)

    top = A4_POINTS[1]
    bleed = 3 * MM
    # Vertical marks above the bleed: at x = trim (0) and x = bleed (-3 mm), and not between.
    y = top + bleed + 5 * MM
    dark = [min(image.getpixel((px(x, y)[0] + dx, px(x, y)[1])) for dx in (-1, 0, 1))
            for x in (0, -bleed, -bleed / 2)]
    assert dark[0] < 128 and dark[1] < 128 and dark[2] > 200
    # Horizontal marks left of the bleed: at y = trim top and y = bleed top.
    x = -bleed - 5 * MM
    dark = [min(image.getpixel((px(x, y)[0], px(x, y)[1] + dy)) for dy in (-1, 0, 1))
            for y in (top, top + bleed, top + bleed / 2)]
    assert dark[0] < 128 and dark[1] < 128 and dark[2] > 200
    # Centre mark above the top edge.
    middle = px(A4_POINTS[0] / 2, top + bleed + 5 * MM)
    assert min(image.getpixel((middle[0] + dx, middle[1])) for dx in (-1, 0, 1)) < 128


def test_marks_are_in_registration_colour(vol19_pdf):
    reader = pypdf.PdfReader(str(vol19_pdf))
    page = reader.pages[0]
    spaces = page["/Resources"].get_object()["/ColorSpace"].get_object()
    registration = spaces["/Registration"]
    assert [str(item) for item in registration[:3]] == ["/Separation", "/All", "/DeviceCMYK"]
    operators = _operators(reader, page)
    assert ([b"/Registration"], b"CS") in [([str(o).encode() for o in ops], op) for ops, op in operators]


def test_screen_pdf_outline_links_no_marks(vol19_screen_pdf):
    reader = pypdf.PdfReader(str(vol19_screen_pdf))
    outline = [(item.title, reader.get_destination_page_number(item) + 1) for item in reader.outline]
    assert [page for _, page in outline] == [2, 4, 5, 6, 7, 8, 10, 12]
    assert outline[0][0].startswith("気候変動枠組条約第25回締約国会議")
    for page in reader.pages:
        assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, *A4_POINTS], abs=0.01)
    uris = {annotation.get_object()["/A"].get("/URI") for page in reader.pages
            for annotation in page.get("/Annots", []) if "/A" in annotation.get_object()}
    assert "http://www.env.go.jp/earth/coop/lowcarbon-asia/" in uris
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # tagged
    texts = [squeeze(text) for text in page_texts(vol19_screen_pdf)]
    assert "第2回日本・タイ環境政策対話" in texts[7] and "日本・タイ環境ウィークの開催" in texts[9]


def test_screen_pdf_is_rgb(vol19_screen_pdf):
    reader = pypdf.PdfReader(str(vol19_screen_pdf))
    operators = {operator for page in reader.pages for _, operator in _operators(reader, page)}
    assert b"rg" in operators
    assert not operators & {b"k", b"K"}


@pytest.mark.parametrize("profile", ["print", "screen"])
def test_two_builds_are_byte_identical(tmp_path, profile):
    first, second = tmp_path / "first.pdf", tmp_path / "second.pdf"
    build(VOL19, first, profile=PROFILES[profile])
    build(VOL19, second, profile=PROFILES[profile])
    assert first.read_bytes() == second.read_bytes()


def test_preflight_fails_the_print_pdf_only_for_its_missing_photos(vol19_pdf, capsys):
    """vol.19 comes without its 14 photos; with them it passes (test_photos.py)."""
    assert main(["preflight", str(vol19_pdf), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["standard"] == "PDF/X-4" and report["edition"] == "print" and report["pages"] == 12
    assert report["colour_spaces"] == ["DeviceCMYK", "Separation(All)"]
    assert all(font["embedded"] and font["subset"] for font in report["fonts"])
    named = re.findall(r"(?:figure|image): (\S+\.jpg)", VOL19.read_text(encoding="utf-8"))
    assert len(named) == 14
    assert sorted(place["path"] for place in report["placeholders"]) == sorted(named)
    errors = [finding for finding in report["findings"] if finding["level"] == "error"]
    assert {finding["check"] for finding in errors} == {"photos"}
    assert len(errors) == report["errors"] == len({place["page"] for place in report["placeholders"]})


def test_preflight_fails_rgb_in_a_pdfx_and_odd_page_counts(tmp_path):
    import weasyprint

    # (Text needs an @font-face: with the system's fonts hidden, WeasyPrint 70
    # crashes on text that has no font at all.)
    font = (ROOT / "fonts" / "CAILatinMincho-Regular.ttf").as_uri()
    html = (f"<style>@font-face {{ font-family: M; src: url({font}) }} @page {{ size: A4; bleed: 3mm }}"
            "p { font-family: M; color: rgb(255 0 0) }</style><p>x</p>")
    path = tmp_path / "rgb.pdf"
    path.write_bytes(weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/x-4"))
    report = preflight(path)
    messages = " ".join(finding.message for finding in report.errors)
    assert "RGB colour in a print file" in messages
    assert "page 1: fill colour (rg) in its content" in messages
    assert "multiple of 4" in messages


def test_preflight_names_the_page_and_object_of_an_rgb_image(tmp_path):
    import weasyprint
    from PIL import Image

    Image.new("RGB", (400, 400), (0, 200, 0)).save(tmp_path / "green.jpg")
    html = ('<style>@page { size: A4; bleed: 3mm }</style><p style="break-after: page"></p>'
            '<img src="green.jpg" style="width: 30mm">')
    path = tmp_path / "image.pdf"
    path.write_bytes(weasyprint.HTML(string=html, base_url=str(tmp_path) + "/").write_pdf(
        pdf_variant="pdf/x-4"))
    report = preflight(path)
    [image] = report.images
    assert image["page"] == 2 and image["colour_space"] == "DeviceRGB"
    [error] = [finding.message for finding in report.errors if finding.check == "colour"]
    assert f"page 2: image {image['name']} (DeviceRGB)" in error


def test_preflight_reports_low_resolution_images(tmp_path):
    import weasyprint
    from PIL import Image

    Image.new("CMYK", (100, 100), (0, 50, 100, 0)).save(tmp_path / "small.jpg")
    html = ('<style>@page { size: A4 }</style>'
            '<img src="small.jpg" style="width: 100mm; height: 100mm">')
    path = tmp_path / "image.pdf"
    path.write_bytes(weasyprint.HTML(string=html, base_url=str(tmp_path) + "/").write_pdf())
    report = preflight(path)
    [image] = report.images
    assert image["dpi"] == 25  # 100 px over 100 mm
    assert any("under 300" in finding.message for finding in report.findings)


def _body_paragraphs() -> str:
    """vol19.yaml's paragraphs and headings as a reader sees them: markup out,
    spaces as written."""
    import yaml

    issue = yaml.safe_load(VOL19.read_text(encoding="utf-8"))
    paragraphs = [block[kind] for article in issue["articles"] for block in article["blocks"]
                  for kind in ("p", "h2", "h3") if isinstance(block, dict) and kind in block]
    text = "\n".join(paragraphs)
    text = re.sub(r"\[\^[^\]]+\]", "", text)                 # footnote calls
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)     # links: their text
    return text.replace("**", "")


def _body_lines(pdf, squeezed_source: str) -> list[str]:
    """The lines of the PDF's text (pdfium) that hold body text of the issue."""
    return [line.strip() for text in page_texts(pdf) for line in text.splitlines()
            if len(line.strip()) >= 8 and squeeze(line) in squeezed_source]


def test_text_copied_from_the_screen_pdf_is_the_text_as_written(vol19_screen_pdf, vol19_pdf):
    source = _body_paragraphs()
    lines = _body_lines(vol19_screen_pdf, squeeze(source))
    assert len(lines) > 300
    assert [line for line in lines if line not in source] == []
    # The print PDF, for the press, leaves readers to guess: they see the gaps
    # of 和欧間 and justification as spaces.
    assert any(line not in source for line in _body_lines(vol19_pdf, squeeze(source)))


def test_text_copied_from_the_archive_pdf_is_the_text_as_written(tmp_path):
    archived = tmp_path / "vol19.pdf"
    build(VOL19, archived, profile=PROFILES["archive"])
    source = _body_paragraphs()
    lines = _body_lines(archived, squeeze(source))
    assert len(lines) > 300
    assert [line for line in lines if line not in source] == []
    # Untagged, a line is one span: where a page reference meets the text
    # around it, readers make up no space either (page 8's →p.10).
    page_8 = page_texts(archived)[8 - 1].splitlines()
    assert "日本・タイ環境ウィーク(→p.10記事参照)期間中の" in page_8
    assert "\u2060" not in "".join(page_texts(archived))


def test_only_content_streams_lose_their_empty_strings():
    import pydyf
    from weasyprint.pdf.stream import Stream

    from caipdf.pdf.text_runs import drop_empty_strings

    pdf = pydyf.PDF()
    attached = pydyf.Stream([b"a source file that ends like [<> 1] TJ"])
    content = Stream(None, None, None, None, None, None, None)
    content.stream = [b"BT", b"[<>0.0<008b>-160] TJ", b"ET"]
    pdf.add_object(attached), pdf.add_object(content)
    drop_empty_strings(pdf)
    assert attached.stream == [b"a source file that ends like [<> 1] TJ"]
    assert content.stream == [b"BT", b"[ 0.0<008b>-160] TJ", b"ET"]
