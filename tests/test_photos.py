"""Photos, read back from the PDFs: colour spaces, resolution, crops,
orientation, alpha, colour management, bad files and reproducibility.

The photos are made by tests/photos.py; the PDFs are read with pypdfium2
(PDFium, Chrome's PDF engine), not with caipdf's own preflight.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageCms

from caipdf.commands.build import build
from caipdf.errors import CaipdfError
from caipdf.pdf.preflight import preflight
from caipdf.profiles import PROFILES
from photos import adobe_rgb_profile, camera_photo, fill_photo_slots, issue_with_figures, save_jpeg

ROOT = Path(__file__).resolve().parents[1]
VERAPDF = ROOT.parent / "shared" / "tools" / "verapdf" / "verapdf"
COLOUR_SPACES = {pdfium_c.FPDF_COLORSPACE_DEVICEGRAY: "DeviceGray",
                 pdfium_c.FPDF_COLORSPACE_DEVICERGB: "DeviceRGB",
                 pdfium_c.FPDF_COLORSPACE_DEVICECMYK: "DeviceCMYK",
                 pdfium_c.FPDF_COLORSPACE_ICCBASED: "ICCBased"}


def placed_images(pdf: Path) -> list[dict]:
    """Every image drawn, with its page, colour space, pixels and effective ppi;
    its box is in points from the media box's lower left, as the page is drawn."""
    found = []
    document = pdfium.PdfDocument(pdf)
    for number, page in enumerate(document, start=1):
        origin_x, origin_y, _, _ = page.get_mediabox()
        for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            left, bottom, right, top = image.get_bounds()
            left, right, bottom, top = (left - origin_x, right - origin_x,
                                        bottom - origin_y, top - origin_y)
            metadata = image.get_metadata()
            found.append({
                "page": number, "box": (left, bottom, right, top),
                "space": COLOUR_SPACES.get(metadata.colorspace, metadata.colorspace),
                "pixels": (metadata.width, metadata.height),
                "ppi": metadata.width / ((right - left) / 72),
            })
    document.close()
    return found


def page_pixels(pdf: Path, page: int, dpi: int = 100) -> Image.Image:
    document = pdfium.PdfDocument(pdf)
    image = document[page - 1].render(scale=dpi / 72).to_pil().convert("RGB")
    document.close()
    return image


def in_pixels(box, page_height_pt: float, dpi: int = 100):
    left, bottom, right, top = box
    scale = dpi / 72
    return (round(left * scale), round((page_height_pt - top) * scale),
            round(right * scale), round((page_height_pt - bottom) * scale))


@pytest.fixture(autouse=True, scope="module")
def own_cache(tmp_path_factory):
    """A cache of prepared photos of this module's own, empty at its start."""
    import os

    before = os.environ.get("CAIPDF_CACHE")
    os.environ["CAIPDF_CACHE"] = str(tmp_path_factory.mktemp("photo-cache"))
    yield
    if before is None:
        del os.environ["CAIPDF_CACHE"]
    else:
        os.environ["CAIPDF_CACHE"] = before


@pytest.fixture(scope="module")
def vol19_with_photos(tmp_path_factory) -> Path:
    """vol.19 with a 4000×3000 camera JPEG (EXIF, some with an sRGB profile) in every slot."""
    folder = tmp_path_factory.mktemp("vol19-photos")
    issue = folder / "vol19.yaml"
    shutil.copy(ROOT / "issues" / "vol19.yaml", issue)
    made = fill_photo_slots(issue)
    assert len(made) == 14
    return issue


@pytest.fixture(scope="module")
def vol19_photo_pdfs(vol19_with_photos, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("vol19-photo-pdfs")
    return {name: build(vol19_with_photos, folder / f"{name}.pdf", profile=PROFILES[name]).output
            for name in ("print", "screen", "archive")}


# -- vol.19 with camera photos ------------------------------------------------------


def test_print_edition_with_photos_keeps_its_plan_and_is_cmyk_at_print_resolution(vol19_photo_pdfs):
    pdf = vol19_photo_pdfs["print"]
    images = placed_images(pdf)
    assert len(pdfium.PdfDocument(pdf)) == 12
    assert len(images) == 14
    assert {image["space"] for image in images} <= {"DeviceCMYK", "DeviceGray"}, images
    assert all(250 <= image["ppi"] <= 450 for image in images), [round(i["ppi"]) for i in images]
    report = preflight(pdf)
    assert not report.errors, report.errors
    assert not any("RGB" in space for space in report.colour_spaces)


def test_screen_edition_photos_are_rgb_at_screen_resolution(vol19_photo_pdfs):
    images = placed_images(vol19_photo_pdfs["screen"])
    assert len(images) == 14
    assert {image["space"] for image in images} <= {"DeviceRGB", "DeviceGray"}
    assert all(140 <= image["ppi"] <= 220 for image in images), [round(i["ppi"]) for i in images]
    assert vol19_photo_pdfs["screen"].stat().st_size < 4_000_000


def test_photos_take_the_place_of_their_placeholders(vol19_photo_pdfs, vol19_pdf):
    """Every character of vol.19 stands where it stood with placeholder frames."""
    def characters(pdf):
        document = pdfium.PdfDocument(pdf)
        pages = []
        for page in document:
            text = page.get_textpage()
            chars = [(text.get_text_range(i, 1), text.get_charbox(i)) for i in range(text.count_chars())]
            chars = [c for c in chars if not c[0].isspace()]
            joined = "".join(c for c, _ in chars)
            labels = [m.span() for m in re.finditer(r"画像未収録images/\S+?\.jpg", joined)]
            pages.append([c for index, c in enumerate(chars)
                          if not any(start <= index < end for start, end in labels)])
        document.close()
        return pages

    with_photos, with_frames = characters(vol19_photo_pdfs["print"]), characters(vol19_pdf)
    for number, (photo_page, frame_page) in enumerate(zip(with_photos, with_frames), start=1):
        assert [c for c, _ in photo_page] == [c for c, _ in frame_page], f"page {number}"
        moved = max((max(abs(a - b) for a, b in zip(p, f)) for (_, p), (_, f)
                     in zip(photo_page, frame_page)), default=0)
        assert moved < 0.5, f"page {number}: text moved by {moved:.2f} pt"


@pytest.mark.skipif(not VERAPDF.exists(), reason="veraPDF is in ../shared/tools, absent here")
def test_archive_edition_with_photos_is_pdf_a_3b(vol19_photo_pdfs):
    result = subprocess.run([str(VERAPDF), "--format", "text", "-f", "3b",
                             str(vol19_photo_pdfs["archive"])], capture_output=True, text=True)
    assert result.stdout.startswith("PASS"), result.stdout + result.stderr[-2000:]
    assert {i["space"] for i in placed_images(vol19_photo_pdfs["archive"])} <= {"DeviceRGB", "DeviceGray"}


# -- frames: crop, focus, fit, orientation -------------------------------------------


def _marker_inside(pdf: Path, colour: str = "red") -> tuple[int, int]:
    """(marker pixels inside the first image's box, inside the whole page)."""
    image = placed_images(pdf)[0]
    page = page_pixels(pdf, image["page"])
    height_pt = page.height * 72 / 100
    box = in_pixels(image["box"], height_pt)

    def red(pixel):
        r, g, b = pixel
        return r > 180 and g < 80 and b < 80 if colour == "red" else b > 150 and r < 80 and g < 100

    inside = sum(red(page.getpixel((x, y))) for x in range(box[0] + 2, box[2] - 2, 2)
                 for y in range(box[1] + 2, box[3] - 2, 2))
    return inside, box


def test_crop_keeps_the_focus_point_inside_the_frame(tmp_path):
    """A wide photo in a square frame: the centre crop loses a marker at 85 %
    across; `focus` on it keeps it, and `fit: contain` keeps everything."""
    save_jpeg(camera_photo(2400, 800, marker=(0.85, 0.5), marker_radius=0.1,
                                grey=True), tmp_path / "images" / "wide.jpg")
    results = {}
    for case, keys in {"centre": "", "focus": 'focus: "85% 50%"', "contain": "fit: contain"}.items():
        issue = issue_with_figures(tmp_path, f"""\
            - figure: images/wide.jpg
              aspect: "1:1"
              caption: 写真
              alt: 横長の写真
              {keys}
            """)
        pdf = build(issue, tmp_path / f"{case}.pdf").output
        inside, box = _marker_inside(pdf)
        results[case] = inside
        assert abs((box[3] - box[1]) - (box[2] - box[0])) <= 2, f"{case}: the frame is square"
    assert results["centre"] == 0, results
    assert results["focus"] > 20, results
    assert results["contain"] > 5, results


def test_exif_orientation_is_applied_before_cropping(tmp_path):
    """A photo stored sideways with EXIF orientation 6 (rotate 90° to view):
    shown upright, its marker is at the top right."""
    upright = camera_photo(1600, 1200, marker=(0.9, 0.1), marker_radius=0.05, grey=True)
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # what the camera wrote
    stored.info["orientation"] = 6
    save_jpeg(stored, tmp_path / "images" / "sideways.jpg")
    issue = issue_with_figures(tmp_path, """\
        - figure: images/sideways.jpg
          aspect: "4:3"
          alt: 横向きで保存された写真
          accept_low_resolution: true
        """)
    pdf = build(issue, tmp_path / "o.pdf", profile=PROFILES["screen"]).output
    image = placed_images(pdf)[0]
    page = page_pixels(pdf, image["page"])
    left, top, right, bottom = in_pixels(image["box"], page.height * 72 / 100)
    x, y = left + 0.9 * (right - left), top + 0.1 * (bottom - top)
    r, g, b = page.getpixel((round(x), round(y)))
    assert r > 180 and g < 80 and b < 80, (r, g, b)
    reds = [(px, py) for px in range(left, right, 3) for py in range(top, bottom, 3)
            if page.getpixel((px, py))[0] > 180 and page.getpixel((px, py))[1] < 80]
    assert reds and all(abs(px - x) < 25 and abs(py - y) < 25 for px, py in reds), \
        "red only where the marker is"
    assert abs((bottom - top) / (right - left) - 0.75) < 0.02


# -- colour ----------------------------------------------------------------------------


def test_embedded_profile_is_honoured(tmp_path):
    """sRGB green stored in Adobe RGB is about (144, 254, 61); with the
    profile read, the screen edition shows green again."""
    adobe = ImageCms.ImageCmsProfile(ImageCms.ImageCmsProfile(
        __import__("io").BytesIO(adobe_rgb_profile())).profile)
    green = Image.new("RGB", (1200, 900), (0, 255, 0))
    stored = ImageCms.profileToProfile(green, ImageCms.createProfile("sRGB"), adobe)
    assert stored.getpixel((0, 0))[0] > 120  # the numbers really differ in Adobe RGB
    stored.info["icc_profile"] = adobe_rgb_profile()
    save_jpeg(stored, tmp_path / "images" / "adobe.jpg", quality=95)
    issue = issue_with_figures(tmp_path, """\
        - figure: images/adobe.jpg
          aspect: "4:3"
          alt: 緑一色
        """)
    pdf = build(issue, tmp_path / "adobe.pdf", profile=PROFILES["screen"]).output
    image = placed_images(pdf)[0]
    page = page_pixels(pdf, image["page"])
    box = in_pixels(image["box"], page.height * 72 / 100)
    r, g, b = page.getpixel(((box[0] + box[2]) // 2, (box[1] + box[3]) // 2))
    assert r < 40 and g > 235 and b < 40, (r, g, b)


def test_cmyk_jpeg_stays_cmyk_and_prints_its_colour(tmp_path):
    """Adobe's CMYK JPEGs store inverted values; pure cyan must come out cyan."""
    Image.new("CMYK", (1200, 900), (255, 0, 0, 0)).save(tmp_path / "cyan.jpg", quality=95)
    (tmp_path / "images").mkdir()
    shutil.move(tmp_path / "cyan.jpg", tmp_path / "images" / "cyan.jpg")
    issue = issue_with_figures(tmp_path, """\
        - figure: images/cyan.jpg
          aspect: "4:3"
          alt: シアン一色
        """)
    for edition in ("print", "archive"):
        pdf = build(issue, tmp_path / f"{edition}.pdf", profile=PROFILES[edition]).output
        image = placed_images(pdf)[0]
        assert image["space"] == ("DeviceCMYK" if edition == "print" else "DeviceRGB")
        page = page_pixels(pdf, image["page"])
        box = in_pixels(image["box"], page.height * 72 / 100)
        r, g, b = page.getpixel(((box[0] + box[2]) // 2, (box[1] + box[3]) // 2))
        assert r < 90 and g > 140 and b > 200, (edition, r, g, b)


def test_alpha_is_flattened_onto_white_paper(tmp_path):
    picture = Image.new("RGBA", (1200, 900), (0, 0, 255, 255))
    picture.paste((0, 0, 0, 0), (600, 0, 1200, 900))  # the right half transparent
    (tmp_path / "images").mkdir()
    picture.save(tmp_path / "images" / "logo.png")
    issue = issue_with_figures(tmp_path, """\
        - figure: images/logo.png
          aspect: "4:3"
          alt: 半分が透明な図
        """)
    pdf = build(issue, tmp_path / "alpha.pdf").output
    image = placed_images(pdf)[0]
    assert image["space"] == "DeviceCMYK"
    page = page_pixels(pdf, image["page"])
    left, top, right, bottom = in_pixels(image["box"], page.height * 72 / 100)
    middle = (top + bottom) // 2
    assert page.getpixel((left + (right - left) // 4, middle))[2] > 150  # blue
    assert min(page.getpixel((left + 3 * (right - left) // 4, middle))) > 245  # paper white


def test_sixteen_bit_grey_is_a_smooth_grey_not_noise(tmp_path):
    ramp = Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize((1200, 900))
    (tmp_path / "images").mkdir()
    ramp.convert("I").point(lambda v: v * 257).convert("I;16").save(tmp_path / "images" / "ramp.png")
    assert Image.open(tmp_path / "images" / "ramp.png").mode.startswith("I")
    issue = issue_with_figures(tmp_path, """\
        - figure: images/ramp.png
          aspect: "4:3"
          alt: 濃淡の帯
        """)
    pdf = build(issue, tmp_path / "grey.pdf").output
    image = placed_images(pdf)[0]
    assert image["space"] == "DeviceGray"
    page = page_pixels(pdf, image["page"])
    left, top, right, bottom = in_pixels(image["box"], page.height * 72 / 100)
    y = (top + bottom) // 2
    values = [page.getpixel((x, y))[0] for x in range(left + 3, right - 3, 4)]
    steps = [b - a for a, b in zip(values, values[1:])]
    assert values[0] > values[-1] + 150 or values[-1] > values[0] + 150, values[:5] + values[-5:]
    direction = 1 if values[-1] > values[0] else -1
    assert sum(1 for step in steps if step * direction < -6) == 0, "not a smooth ramp"


# -- checks ------------------------------------------------------------------------------


def _run(*arguments, cwd=None):
    return subprocess.run([sys.executable, "-m", "caipdf", *map(str, arguments)],
                          capture_output=True, text=True, cwd=cwd)


def test_broken_files_are_all_reported_with_their_lines_and_no_pdf(tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    whole = (tmp_path / "whole.jpg")
    save_jpeg(camera_photo(1600, 1200), whole)
    (images / "truncated.jpg").write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    (images / "notes.jpg").write_text("これは写真ではありません\n", encoding="utf-8")
    issue = issue_with_figures(tmp_path, """\
        - figure: images/truncated.jpg
          alt: 途中で切れた写真
        - figure: images/notes.jpg
          alt: 文字だけのファイル
        """)
    lines = issue.read_text(encoding="utf-8").splitlines()
    line_of = {name: 1 + next(i for i, line in enumerate(lines) if name in line)
               for name in ("truncated.jpg", "notes.jpg")}
    for command in ("check", "build"):
        output = tmp_path / "out.pdf"
        result = _run(command, issue, *(["-o", output] if command == "build" else []))
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr
        for name, line in line_of.items():
            located = [row for row in result.stderr.splitlines()
                       if row.startswith(f"{issue}:{line}:") and "error" in row and name in row]
            assert located, (name, result.stderr)
        assert "damaged or incomplete" in result.stderr
        assert "it is text" in result.stderr
        assert not output.exists()


def test_misnamed_and_oversized_files_are_errors(tmp_path):
    images = tmp_path / "images"
    images.mkdir()
    Image.new("RGB", (1200, 900), "white").save(images / "really-a-png.jpg", format="PNG")
    Image.new("1", (13000, 12000)).save(images / "bomb.png")  # 156 megapixels, a few kB
    issue = issue_with_figures(tmp_path, """\
        - figure: images/really-a-png.jpg
          alt: 名前違い
        - figure: images/bomb.png
          alt: 巨大
        """)
    with pytest.raises(CaipdfError) as caught:
        build(issue, tmp_path / "out.pdf")
    messages = [str(problem) for problem in caught.value.problems]
    assert any("is a PNG file, but its name ends in '.jpg'" in m and "rename" in m for m in messages)
    assert any("too large to decode safely (13000×12000 px" in m for m in messages)


def test_low_resolution_is_refused_in_print_unless_accepted(tmp_path, capfd):
    save_jpeg(camera_photo(400, 267), tmp_path / "images" / "small.jpg")
    figure = """\
        - figure: images/small.jpg
          alt: 小さな写真
        """
    issue = issue_with_figures(tmp_path, figure)
    with pytest.raises(CaipdfError) as caught:
        build(issue, tmp_path / "out.pdf")
    message = str(caught.value)
    ppi = float(re.search(r"prints at (\d+) ppi", message)[1])
    assert 100 < ppi < 140 and "under 150 ppi" in message and "accept_low_resolution" in message
    needed = re.search(r"at least (\d+)×(\d+) px for 300 ppi", message)
    assert needed and int(needed[1]) == 1013, message  # README: a column photo, 1,013 px across
    screen = build(issue, tmp_path / "screen.pdf", profile=PROFILES["screen"])
    assert any("under 150 ppi" in warning for warning in screen.warnings)

    issue = issue_with_figures(tmp_path, figure + "  accept_low_resolution: true\n")
    accepted = build(issue, tmp_path / "out.pdf")
    assert any("warning:" in w and "under 150 ppi" in w for w in accepted.warnings)


def test_resolution_under_300_ppi_is_a_warning_with_the_pixels_needed(tmp_path):
    save_jpeg(camera_photo(800, 600), tmp_path / "images" / "medium.jpg")
    issue = issue_with_figures(tmp_path, """\
        - figure: images/medium.jpg
          alt: 中くらいの写真
        """)
    result = build(issue, tmp_path / "out.pdf")
    warning = next(w for w in result.warnings if "medium.jpg" in w and "ppi" in w)
    assert re.search(r"prints at 2[0-9]{2} ppi", warning) and "under 300 ppi" in warning
    assert placed_images(result.output)[0]["pixels"][0] <= 800  # never enlarged


def test_a_photo_without_alt_text_is_a_warning_and_credit_is_printed(tmp_path):
    save_jpeg(camera_photo(1600, 1200), tmp_path / "images" / "a.jpg")
    save_jpeg(camera_photo(1600, 1200, seed=3), tmp_path / "images" / "b.jpg")
    issue = issue_with_figures(tmp_path, """\
        - figure: images/a.jpg
          caption: 説明文のある写真
          credit: 写真：IGES
        - figure: images/b.jpg
          decorative: true
        """)
    result = build(issue, tmp_path / "out.pdf")
    missing = [w for w in result.warnings if "alternative text" in w]
    assert len(missing) == 1 and "a.jpg" in missing[0] and ":2" not in missing[0][:3]
    document = pdfium.PdfDocument(result.output)
    text = document[1].get_textpage().get_text_range().replace("\r\n", "")
    assert "写真：IGES" in text


# -- speed and reproducibility -----------------------------------------------------------------


def test_prepared_photos_are_kept_and_builds_are_identical_wherever_the_issue_sits(tmp_path):
    first = tmp_path / "one" / "deep" / "folder"
    first.mkdir(parents=True)
    save_jpeg(camera_photo(2000, 1500, seed=5), first / "images" / "p.jpg")
    issue = issue_with_figures(first, """\
        - figure: images/p.jpg
          alt: 写真
          caption: 説明
        """)
    second = tmp_path / "two"
    shutil.copytree(first, second)
    import os

    cache = Path(os.environ["CAIPDF_CACHE"]) / "images"
    for edition in ("print", "screen", "archive"):
        a = build(issue, tmp_path / f"a-{edition}.pdf", profile=PROFILES[edition]).output
        made = {path: path.stat().st_mtime_ns for path in cache.glob("*.jpg")}
        b = build(second / "issue.yaml", tmp_path / f"b-{edition}.pdf",
                  profile=PROFILES[edition]).output
        assert a.read_bytes() == b.read_bytes(), edition
        assert {path: path.stat().st_mtime_ns for path in cache.glob("*.jpg")} == made


def test_photos_made_while_the_issue_is_laid_out_print_as_kept_ones_do(tmp_path):
    """With an empty cache the photos are made beside the layout and drawn
    when they are done (caipdf.render.deferred_photos); with a warm one they
    are read from the cache. Both builds, each a fresh process, give the
    same bytes: the same images, sizes, colours and resource names."""
    import os

    save_jpeg(camera_photo(3000, 2250, seed=7), tmp_path / "images" / "a.jpg")
    sideways = camera_photo(2400, 1800, seed=8).transpose(Image.Transpose.ROTATE_90)
    sideways.info["orientation"] = 6
    save_jpeg(sideways, tmp_path / "images" / "b.jpg")
    save_jpeg(camera_photo(2000, 1500, seed=9, grey=True).convert("L"), tmp_path / "images" / "c.jpg")
    issue = issue_with_figures(tmp_path, """\
        - figure: images/a.jpg
          alt: 写真
        - figure: images/b.jpg
          alt: 横向きの写真
        - figure: images/c.jpg
          alt: 白黒の写真
        """)
    cache = tmp_path / "cache"
    environment = {**os.environ, "CAIPDF_CACHE": str(cache)}
    pdfs = []
    for run in ("empty", "warm"):
        pdf = tmp_path / f"{run}.pdf"
        result = subprocess.run([sys.executable, "-m", "caipdf", "build", str(issue), "-o", str(pdf)],
                                capture_output=True, text=True, env=environment)
        assert result.returncode == 0, result.stderr
        assert len(list((cache / "images").glob("*.jpg"))) == 3, run
        pdfs.append(pdf)
    assert pdfs[0].read_bytes() == pdfs[1].read_bytes()
    images = placed_images(pdfs[0])
    assert sorted(image["space"] for image in images) == ["DeviceCMYK", "DeviceCMYK", "DeviceGray"]
    assert all(290 <= image["ppi"] <= 310 for image in images), images


def test_a_prepared_photo_trimmed_from_the_cache_is_made_again_by_the_same_process(tmp_path):
    """As in `caipdf serve`: one process builds, the cache's size limit
    removes the prepared photo, and the next build makes it again."""
    import os

    save_jpeg(camera_photo(2000, 1500, seed=11), tmp_path / "images" / "p.jpg")
    issue = issue_with_figures(tmp_path, """\
        - figure: images/p.jpg
          alt: 写真
        """)
    first = build(issue, tmp_path / "first.pdf").output
    for kept in (Path(os.environ["CAIPDF_CACHE"]) / "images").glob("*.jpg"):
        kept.unlink()
    second = build(issue, tmp_path / "second.pdf").output
    assert second.read_bytes() == first.read_bytes()
    assert [image["space"] for image in placed_images(second)] == ["DeviceCMYK"]


def test_svg_figures_print_in_cmyk_fill_their_frame_and_say_what_cannot_be_converted(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100">'
        '<style>.bar { fill: rgb(0 0 255) }</style>'
        '<rect width="150" height="100" fill="#ff0000"/>'
        '<rect class="bar" x="150" width="150" height="50"/>'
        '<text x="10" y="90" style="stroke: green">軸</text></svg>', encoding="utf-8")
    (tmp_path / "images" / "shaded.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><defs>'
        '<linearGradient id="g"><stop offset="0" stop-color="red"/><stop offset="1" stop-color="blue"/>'
        '</linearGradient></defs><rect width="10" height="10" fill="url(#g)"/></svg>', encoding="utf-8")
    chart = '- figure: images/chart.svg\n  aspect: "3:2"\n  alt: グラフ\n  caption: 図の説明\n'
    issue = issue_with_figures(tmp_path, chart + "- figure: images/shaded.svg\n  alt: 色の帯\n")
    with pytest.raises(CaipdfError) as caught:
        build(issue, tmp_path / "print.pdf")
    [problem] = caught.value.problems
    assert "shaded.svg" in str(problem) and "gradient" in str(problem)

    issue = issue_with_figures(tmp_path, chart)
    printed = build(issue, tmp_path / "print.pdf").output
    report = preflight(printed)
    assert not [e for e in report.errors if e.check != "pages"]  # 3 pages: not a print run
    assert not report.rgb_uses and not any("RGB" in space for space in report.colour_spaces)
    page = page_pixels(printed, 2)
    red = [(x, y) for x in range(0, page.width, 3) for y in range(0, page.height, 3)
           if page.getpixel((x, y))[0] > 180 and page.getpixel((x, y))[1] < 90]
    assert red, "the red bar is drawn"
    screen = build(issue, tmp_path / "screen.pdf", profile=PROFILES["screen"]).output
    page = page_pixels(screen, 2)
    red = [(x, y) for x in range(0, page.width, 2) for y in range(0, page.height, 2)
           if page.getpixel((x, y))[0] > 200 and page.getpixel((x, y))[1] < 60]
    width = max(x for x, _ in red) - min(x for x, _ in red)
    height = max(y for _, y in red) - min(y for _, y in red)
    assert abs(height / width - 2 / 3) < 0.05, (width, height)  # drawn undistorted

    def caption_top(pdf):
        text = pdfium.PdfDocument(pdf)[1].get_textpage()
        joined = text.get_text_range()
        return text.get_charbox(joined.index("図の説明"))[3]

    save_jpeg(camera_photo(1200, 1200), tmp_path / "images" / "square.jpg")
    photo = issue_with_figures(tmp_path, chart.replace("chart.svg", "square.jpg"))
    framed = build(photo, tmp_path / "photo.pdf", profile=PROFILES["screen"]).output
    assert abs(caption_top(screen) - caption_top(framed)) < 0.5, "an SVG takes its frame's room"


def test_archive_of_a_volume_with_photos_rebuilds_identically_from_its_sources(tmp_path):
    from caipdf.archive import build_archive, verify_archive

    issues = tmp_path / "issues"
    save_jpeg(camera_photo(1800, 1350, seed=7), issues / "images" / "p.jpg")
    save_jpeg(camera_photo(1800, 1350, seed=8, orientation=1), issues / "images" / "q.jpg")
    issue_with_figures(issues, """\
        - figure: images/p.jpg
          alt: 一枚目
        - figure: images/q.jpg
          alt: 二枚目
          focus: "20% 80%"
        """)
    (issues / "issue.yaml").rename(issues / "vol98.yaml")
    archive = tmp_path / "archive"
    built = build_archive(issues, archive)
    assert built.built == ["vol98.yaml"], built
    assert verify_archive(archive, rebuild=True) == []


# -- the test volumes with photos ----------------------------------------------------------

VOLUMES = sorted((ROOT / "tests" / "volumes").glob("*.yaml"))


@pytest.fixture(scope="module", params=VOLUMES, ids=[path.stem for path in VOLUMES])
def volume_with_photos(request, tmp_path_factory) -> dict[str, Path]:
    """A test volume with a camera photo (3000×2250, EXIF) in every slot, in every edition."""
    folder = tmp_path_factory.mktemp(request.param.stem)
    issue = folder / request.param.name
    shutil.copy(request.param, issue)
    assert fill_photo_slots(issue, size=(3000, 2250))
    return {name: build(issue, folder / f"{name}.pdf", profile=PROFILES[name]).output
            for name in ("print", "screen", "archive")}


def test_test_volumes_with_photos_build_clean_in_every_edition(volume_with_photos):
    from layout_pdf import read_layout

    printed = volume_with_photos["print"]
    for page in read_layout(printed):
        assert page.overlaps() == [], (page.number, page.overlaps()[:3])
    report = preflight(printed)
    assert not report.errors, report.errors
    images = placed_images(printed)
    assert images and {image["space"] for image in images} <= {"DeviceCMYK", "DeviceGray"}
    assert all(250 <= image["ppi"] <= 450 for image in images)
    screen = placed_images(volume_with_photos["screen"])
    assert len(screen) == len(images) and all(image["ppi"] <= 220 for image in screen)
    if VERAPDF.exists():
        result = subprocess.run([str(VERAPDF), "--format", "text", "-f", "3b",
                                 str(volume_with_photos["archive"])], capture_output=True, text=True)
        assert result.stdout.startswith("PASS"), result.stdout


@pytest.mark.parametrize("when", ["before the layout reaches it", "while the page is drawn"])
def test_a_photo_that_fails_to_be_made_is_a_clear_error_whenever_it_fails(tmp_path, monkeypatch, when):
    """Photos are made beside the layout: making one may fail before WeasyPrint
    asks for it or after it laid out its stand-in. Either way the build ends in
    the same error, not a traceback, and writes nothing."""
    import threading

    import caipdf.images as images_stage

    save_jpeg(camera_photo(1600, 1200, seed=21), tmp_path / "images" / "p.jpg")
    issue = issue_with_figures(tmp_path, """\
        - figure: images/p.jpg
          alt: 写真
        """)
    laid_out = threading.Event()

    def failing(source, frame, edition):
        if when == "while the page is drawn":
            laid_out.wait(timeout=30)
        raise OSError("image file is truncated (4 bytes not processed)")

    monkeypatch.setattr(images_stage, "prepared_jpeg", failing)
    if when == "while the page is drawn":  # the maker fails only once the layout is done
        import caipdf.pipeline as pipeline

        render = pipeline.render
        monkeypatch.setattr(pipeline, "render", lambda *a, **k: (render(*a, **k), laid_out.set())[0])
    with pytest.raises(CaipdfError) as caught:
        build(issue, tmp_path / "out.pdf")
    assert "Failed to load image" in str(caught.value) and "truncated" in str(caught.value)
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize("pins, name", [("PINNED_SOURCES", "RasterImage.draw"),
                                        ("PINNED_DOCUMENT", "Document._build_layout_context")])
def test_the_deferred_photos_hook_refuses_a_weasyprint_it_was_not_written_for(monkeypatch, pins, name):
    from caipdf.render import deferred_photos
    from caipdf.render.weasyprint_fixes import WeasyPrintMismatch

    monkeypatch.setattr(deferred_photos, "_installed", False)
    monkeypatch.setitem(getattr(deferred_photos, pins), name, "0" * 64)
    with pytest.raises(WeasyPrintMismatch, match=f"{name} is not the one"):
        deferred_photos.install()


def test_a_photo_still_being_made_when_its_page_is_laid_out_prints_as_a_kept_one(tmp_path, monkeypatch):
    """The maker waits until the layout is done, so every photo is laid out as a
    stand-in (a DeferredPhoto) and drawn from the finished JPEG; the PDF is the
    one a warm cache gives."""
    import threading

    import caipdf.images as images_stage
    import caipdf.pipeline as pipeline
    from caipdf.render import deferred_photos

    save_jpeg(camera_photo(2400, 1800, seed=31), tmp_path / "images" / "a.jpg")
    save_jpeg(camera_photo(1800, 2400, seed=32), tmp_path / "images" / "b.jpg")
    issue = issue_with_figures(tmp_path, """\
        - figure: images/a.jpg
          alt: 写真
        - figure: images/b.jpg
          alt: 縦の写真
        """)
    laid_out, drawn = threading.Event(), []
    make = images_stage.prepared_jpeg
    render = pipeline.render
    finished = deferred_photos.DeferredPhoto.finished.func
    monkeypatch.setattr(images_stage, "prepared_jpeg",
                        lambda *args: (laid_out.wait(timeout=30), make(*args))[1])
    monkeypatch.setattr(pipeline, "render", lambda *a, **k: (render(*a, **k), laid_out.set())[0])
    monkeypatch.setattr(deferred_photos.DeferredPhoto, "finished",
                        property(lambda photo: (drawn.append(photo.url), finished(photo))[1]))
    deferred = build(issue, tmp_path / "deferred.pdf").output
    assert len(set(drawn)) == 2  # both photos were stand-ins at layout time
    drawn.clear()
    warm = build(issue, tmp_path / "warm.pdf").output
    assert drawn == []  # kept ones are WeasyPrint's own images
    assert deferred.read_bytes() == warm.read_bytes()
