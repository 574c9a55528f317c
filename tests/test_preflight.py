"""What a print shop's preflight must catch (caipdf preflight): ink in CMYK
photos and colours, missing photos' placeholder frames, each edition judged by
its own rules, and files that are not PDFs.

The PDFs are real: made by WeasyPrint from HTML (to put in what caipdf's own
photo stage would not let through) or built by caipdf, and read back.
"""

import io
import os
import shutil
import zlib

import pypdf
import pytest
from PIL import Image, ImageDraw
from pypdf.generic import NameObject

from caipdf.cli import main
from caipdf.commands.build import build
from caipdf.pdf.preflight import preflight
from caipdf.profiles import PROFILES
from conftest import ROOT, VOL19
from photos import camera_photo, fill_photo_slots, issue_with_figures, save_jpeg
from test_photos import own_cache  # noqa: F401 (autouse: a photo cache of this module's own)

# A CMYK picture 600×400 px: a flat 20 % of each ink (80 % in all) with a
# patch of every ink at 100 % (400 %) 60 px square, its top-left at (400, 100).
PATCH = (400, 100, 460, 160)


def cmyk_picture(patch_ink=(255, 255, 255, 255)) -> Image.Image:
    image = Image.new("CMYK", (600, 400), (51, 51, 51, 51))
    ImageDraw.Draw(image).rectangle((PATCH[0], PATCH[1], PATCH[2] - 1, PATCH[3] - 1), fill=patch_ink)
    return image


def pdf_with_picture(folder, patch_ink=(255, 255, 255, 255), encoding: str = "/DCTDecode"):
    """A 4-page PDF/X-4 whose page 2 has the picture 50 mm wide, 20 mm from
    the left and 30 mm from the top of the page, as a JPEG (DCTDecode) or its
    pixels deflated (FlateDecode)."""
    import weasyprint

    picture = cmyk_picture(patch_ink)
    picture.save(folder / "photo.jpg", quality=95)
    html = ('<style>@page { size: A4; margin: 0 } div { break-after: page; height: 10mm }'
            'img { position: absolute; left: 20mm; top: 30mm; width: 50mm }</style>'
            '<div></div><div><img src="photo.jpg"></div><div></div><div></div>')
    path = folder / "photo.pdf"
    path.write_bytes(weasyprint.HTML(string=html, base_url=str(folder) + "/").write_pdf(
        pdf_variant="pdf/x-4"))
    if encoding == "/FlateDecode":  # WeasyPrint keeps a JPEG as it is: deflate its pixels here
        writer = pypdf.PdfWriter(clone_from=path)
        [image] = [xobject.get_object() for xobject in
                   writer.pages[1]["/Resources"]["/XObject"].values()]
        image._data = zlib.compress(picture.tobytes())
        image[NameObject("/Filter")] = NameObject("/FlateDecode")
        del image["/Decode"]
        writer.write(path)
    return path


# -- ink ------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["/DCTDecode", "/FlateDecode"])
def test_a_cmyk_photo_with_a_400_percent_patch_fails_naming_page_image_and_place(tmp_path, encoding):
    path = pdf_with_picture(tmp_path, encoding=encoding)
    reader = pypdf.PdfReader(path)
    [image] = [xobject.get_object() for xobject in
               reader.pages[1]["/Resources"]["/XObject"].values()]
    assert image["/Filter"] == encoding and image["/ColorSpace"] == "/DeviceCMYK"

    report = preflight(path)
    [error] = [finding.message for finding in report.errors if finding.check == "ink"]
    assert error.startswith("page 2: total ink coverage reaches 400% in image ")
    assert "600×400 px" in error and "more than the press's 320%" in error
    # The patch's top-left is 20 + 400 × 50/600 = 53 mm from the left, 30 + 100 × 50/600 = 38 mm
    # from the top; the densest area measured is inside the patch.
    across, down = [int(word) for word in error.split() if word.isdigit()][-2:]
    assert 53 <= across <= 56 and 38 <= down <= 41, error
    assert report.max_ink == pytest.approx(4.0, abs=0.03)
    assert [page["page"] for page in report.ink_by_page] == [2]


def test_a_cmyk_photo_under_the_limit_is_measured_as_its_pixels_say(tmp_path):
    path = pdf_with_picture(tmp_path, patch_ink=(204, 153, 153, 127))  # 250 %
    report = preflight(path)
    assert not [finding for finding in report.errors if finding.check == "ink"]
    assert report.max_ink == pytest.approx(2.5, abs=0.03)  # not the 80 % ground, not 400 %


def test_a_vector_fill_over_the_limit_fails_on_its_page(tmp_path):
    import weasyprint

    html = ('<style>@page { size: A4 } p { break-after: page }</style><p></p><p></p>'
            '<div style="background: device-cmyk(1 1 1 0.8); height: 20mm"></div><p></p>')
    path = tmp_path / "fill.pdf"
    path.write_bytes(weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/x-4"))
    report = preflight(path)
    [error] = [finding.message for finding in report.errors if finding.check == "ink"]
    assert error.startswith("page 3: total ink coverage reaches 380% in a fill colour")


def _patch_ink(image: Image.Image) -> float:
    """The inks in the middle of the patch, wherever the frame put the picture."""
    x = (PATCH[0] + PATCH[2]) / 2 / 600 * image.width
    y = (PATCH[1] + PATCH[3]) / 2 / 400 * image.height
    return sum(image.getpixel((round(x), round(y)))) / 255


def test_a_cmyk_photo_over_the_limit_is_separated_again_for_print(tmp_path):
    (tmp_path / "images").mkdir()
    cmyk_picture().save(tmp_path / "images" / "over.jpg", quality=95)
    cmyk_picture((204, 153, 153, 127)).save(tmp_path / "images" / "within.jpg", quality=95)
    issue = issue_with_figures(tmp_path, """\
        - figure: images/over.jpg
          alt: 濃すぎる写真
          aspect: "3:2"
          accept_low_resolution: true
        - figure: images/within.jpg
          alt: 普通の写真
          aspect: "3:2"
          accept_low_resolution: true
        """)
    printed = build(issue, tmp_path / "print.pdf").output
    report = preflight(printed)
    assert not [finding for finding in report.errors if finding.check == "ink"], report.errors
    assert 2.5 < report.max_ink <= 3.0  # the press profile's own separation: 298 % at most
    reader = pypdf.PdfReader(printed)
    images = sorted((xobject.get_object() for xobject in
                     reader.pages[1]["/Resources"]["/XObject"].values()),
                    key=lambda xobject: xobject.indirect_reference.idnum)
    assert len(images) == 2
    assert all(image["/ColorSpace"] == "/DeviceCMYK" and image["/Filter"] == "/DCTDecode"
               for image in images)
    inks = sorted(_patch_ink(Image.open(io.BytesIO(image.get_data()))) for image in images)
    # The photo within the limit keeps its inks (JPEG's rounding aside); the one
    # over it is separated again, still the darkest colour the press makes.
    assert inks[0] == pytest.approx(2.5, abs=0.06)
    assert 2.6 < inks[1] <= 3.0


# -- missing photos ----------------------------------------------------------------------

def test_a_missing_photo_is_a_print_error_and_the_build_says_which_file_was_meant(tmp_path, capfd):
    save_jpeg(camera_photo(1600, 1200), tmp_path / "images" / "workshop.JPG")
    issue = issue_with_figures(tmp_path, "- figure: images/workshop.jpg\n  alt: 会場\n")
    assert main(["build", str(issue), "-o", str(tmp_path / "print.pdf")]) == 0
    err = capfd.readouterr().err
    assert "image 'images/workshop.jpg' is missing" in err
    assert "fix: did you mean 'images/workshop.JPG'?" in err

    assert main(["preflight", str(tmp_path / "print.pdf")]) == 1
    out = capfd.readouterr().out
    [line] = [line for line in out.splitlines() if "[photos]" in line]
    assert line.strip().startswith("error: [photos] page 2: a placeholder frame (画像未収録) "
                                   "instead of images/workshop.jpg")
    assert "→ FAILS (2 errors" in out  # and the 3 pages of a test issue

    build(issue, tmp_path / "screen.pdf", profile=PROFILES["screen"])
    os.environ["CAIPDF_VERAPDF"] = ""
    try:
        report = preflight(tmp_path / "screen.pdf")
    finally:
        del os.environ["CAIPDF_VERAPDF"]
    assert report.edition == "screen" and report.placeholders == [{"page": 2, "path": "images/workshop.jpg"}]
    assert [finding.level for finding in report.findings if finding.check == "photos"] == ["warning"]


def test_the_hint_finds_another_ending_and_another_case_of_the_folder(tmp_path, capfd):
    save_jpeg(camera_photo(1600, 1200), tmp_path / "Images" / "workshop.jpeg")
    (tmp_path / "Images" / "workshop.txt").write_text("not an image")
    issue = issue_with_figures(tmp_path, "- figure: images/workshop.jpg\n  alt: 会場\n"
                                         "- figure: images/plenary.jpg\n  alt: 会場\n")
    assert main(["build", str(issue), "-o", str(tmp_path / "print.pdf")]) == 0
    err = capfd.readouterr().err
    assert "fix: did you mean 'Images/workshop.jpeg'?" in err
    assert "image 'images/plenary.jpg' is missing" in err
    assert err.count("did you mean") == 1  # nothing is like plenary.jpg, nor workshop.txt an image


# -- each edition by its own rules ----------------------------------------------------------

def test_the_screen_edition_is_judged_at_screen_resolution(tmp_path, monkeypatch):
    monkeypatch.setenv("CAIPDF_VERAPDF", "")
    shutil.copy(VOL19, tmp_path / "vol19.yaml")
    fill_photo_slots(tmp_path / "vol19.yaml", size=(1600, 1200))
    screen = build(tmp_path / "vol19.yaml", tmp_path / "screen.pdf", profile=PROFILES["screen"]).output
    report = preflight(screen)
    assert report.edition == "screen" and len(report.images) == 14
    assert max(image["dpi"] for image in report.images) < 300  # what the print rule warned about
    assert not [finding for finding in report.findings if finding.check == "images"]
    assert not report.errors, report.errors

    printed = build(tmp_path / "vol19.yaml", tmp_path / "print.pdf").output
    report = preflight(printed)
    assert report.edition == "print" and not report.placeholders
    assert not report.errors, report.errors


def test_a_screen_photo_under_the_screen_edition_s_own_minimum_is_still_a_warning(tmp_path):
    import weasyprint

    Image.new("RGB", (100, 100), (0, 120, 200)).save(tmp_path / "small.jpg")
    html = ('<html lang="ja"><head><title>t</title></head><body>'
            '<img src="small.jpg" alt="青" style="width: 25.4mm"></body></html>')  # 100 ppi
    path = tmp_path / "screen.pdf"
    path.write_bytes(weasyprint.HTML(string=html, base_url=str(tmp_path) + "/").write_pdf(
        pdf_variant="pdf/ua-1"))
    os.environ["CAIPDF_VERAPDF"] = ""
    try:
        report = preflight(path)
    finally:
        del os.environ["CAIPDF_VERAPDF"]
    assert report.edition == "screen"
    [warning] = [finding.message for finding in report.findings if finding.check == "images"]
    assert "100 ppi (under 150 ppi, the screen edition's minimum)" in warning


# -- not a PDF ------------------------------------------------------------------------------

def test_a_file_that_is_not_a_pdf_gets_one_clear_error_and_nothing_else(capsys):
    assert main(["preflight", str(ROOT / "README.md")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"error: {ROOT / 'README.md'} is not a PDF: it begins with b'# caipdf\\n\\n```sh\\n', "
        "not with %PDF-",
        "  fix: give it the PDF that caipdf build wrote, e.g. build/vol19.pdf"]


def test_a_cut_off_pdf_says_so_without_pypdf_s_own_messages(vol19_pdf, tmp_path, capsys):
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(vol19_pdf.read_bytes()[:4000])
    assert main(["preflight", str(cut)]) == 1
    captured = capsys.readouterr()
    assert "EOF marker" not in captured.err and "EOF marker" not in captured.out
    assert captured.err.startswith(f"error: {cut} cannot be read as a PDF")


def test_what_pypdf_says_of_a_damaged_pdf_is_a_warning_in_the_report(vol19_pdf, tmp_path, capfd):
    import re

    data = vol19_pdf.read_bytes()
    at = data.rindex(b"startxref")
    offset = re.search(rb"\d+", data[at:])[0]
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(data[:at] + data[at:].replace(offset, str(int(offset) + 7).encode(), 1))
    report = preflight(damaged)
    assert report.pages == 12
    warnings = [finding.message for finding in report.findings if finding.check == "file"]
    assert any("startxref" in warning for warning in warnings), warnings
    captured = capfd.readouterr()
    assert "startxref" not in captured.err + captured.out


def test_a_low_resolution_photo_in_a_pdf_caipdf_did_not_make_is_judged_as_print(tmp_path):
    """A PDF from elsewhere says no edition: its photos are held to print's 300 ppi, and the
    warning still says which page, image and size."""
    path = tmp_path / "elsewhere.pdf"
    Image.new("RGB", (100, 80), (200, 40, 40)).save(path, resolution=30)  # 85×68 mm at 30 ppi
    report = preflight(path)
    assert report.edition == "unknown"
    [warning] = [finding for finding in report.findings if "ppi" in str(finding)]
    assert "page 1: an image of 100×80 px placed at 85×68 mm is 30 ppi (under 300 ppi, print's minimum" \
        in str(warning)
