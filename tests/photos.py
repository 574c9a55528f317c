"""Camera-like photos made on the spot, for the tests and the benchmark.

No real photos ship with caipdf, so these stand in for them: JPEGs with
texture (noise over gradients, so they compress like photos), EXIF with an
orientation, and, where asked, an embedded ICC profile. A marker of a
known colour can be put at a point, to see where a crop puts it.
"""

from __future__ import annotations

import io
import struct
import textwrap
from pathlib import Path

from PIL import Image, ImageCms, ImageDraw

EXIF_ORIENTATION = 0x0112


def camera_photo(width: int = 4000, height: int = 3000, *, seed: int = 0,
                 orientation: int = 1, icc_profile: bytes | None = None,
                 marker: tuple[float, float] | None = None,
                 marker_colour=(255, 0, 0), marker_radius: float = 1 / 40,
                 grey: bool = False) -> Image.Image:
    """An RGB picture like a camera's; `marker` (fractions across and down)
    draws a disc there (`marker_radius` of the shorter side), on a `grey`
    picture if asked, so nothing else has its colour."""
    channels = [Image.linear_gradient("L").resize((width, height)).rotate(90 * ((seed + i) % 4),
                                                                              expand=False)
                for i in range(3)]
    image = Image.merge("RGB", channels)
    noise = Image.effect_noise((width, height), 40 + seed % 20).convert("RGB")
    image = Image.blend(image, noise, 0.12)
    if grey:
        image = image.convert("L").convert("RGB")
    if marker:
        radius = min(width, height) * marker_radius
        x, y = marker[0] * width, marker[1] * height
        ImageDraw.Draw(image).ellipse((x - radius, y - radius, x + radius, y + radius),
                                      fill=marker_colour)
    image.info["orientation"] = orientation
    if icc_profile:
        image.info["icc_profile"] = icc_profile
    return image


def save_jpeg(image: Image.Image, path: Path, quality: int = 88) -> Path:
    """Save as a camera would: JPEG with EXIF (orientation, camera make)."""
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = image.info.get("orientation", 1)
    exif[0x010F] = "caipdf test camera"
    options = {"quality": quality, "exif": exif.tobytes()}
    if image.info.get("icc_profile"):
        options["icc_profile"] = image.info["icc_profile"]
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", **options)
    return path


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def adobe_rgb_profile() -> bytes:
    """An ICC v2 matrix/TRC profile with Adobe RGB (1998)'s primaries and
    gamma 2.2, written out here because littleCMS makes only sRGB built in."""
    # D50-adapted colorants of Adobe RGB (1998), as in Adobe's own profile.
    colorants = {"rXYZ": (0.60974, 0.31111, 0.01947), "gXYZ": (0.20528, 0.62567, 0.06087),
                 "bXYZ": (0.14919, 0.06322, 0.74457)}
    white = (0.96420, 1.0, 0.82491)

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(values) -> bytes:
        return b"XYZ " + b"\0" * 4 + b"".join(s15(v) for v in values)

    gamma = b"curv" + b"\0" * 4 + struct.pack(">I", 1) + struct.pack(">H", round(2.19921875 * 256))
    description = "caipdf test Adobe RGB (1998)".encode("ascii") + b"\0"
    desc = (b"desc" + b"\0" * 4 + struct.pack(">I", len(description)) + description
            + b"\0" * 12 + b"\0" * 67)
    text = b"text" + b"\0" * 4 + b"public domain\0"
    tags = [("desc", desc), ("cprt", text), ("wtpt", xyz(white)),
            *((name, xyz(values)) for name, values in colorants.items()),
            ("rTRC", gamma), ("gTRC", gamma), ("bTRC", gamma)]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for name, body in tags:
        while (offset + len(data)) % 4:
            data += b"\0"
        table += name.encode() + struct.pack(">II", offset + len(data), len(body))
        data += body
    body = struct.pack(">I", len(tags)) + table + data
    size = 128 + len(body)
    header = (struct.pack(">I", size) + b"lcms" + bytes([2, 0x10, 0, 0]) + b"mntrRGB XYZ "
              + struct.pack(">6H", 2026, 1, 1, 0, 0, 0) + b"acsp" + b"APPL" + b"\0" * 4
              + b"\0" * 4 + b"\0" * 4 + b"\0" * 8 + struct.pack(">I", 0)
              + s15(0.9642) + s15(1.0) + s15(0.8249) + b"lcms" + b"\0" * 16 + b"\0" * 28)
    assert len(header) == 128
    return header + body


def jpeg_bytes(image: Image.Image, quality: int = 88) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def fill_photo_slots(issue_file: Path, size=(4000, 3000), **options) -> list[Path]:
    """A camera photo at every figure path `issue_file` names."""
    import re

    made = []
    text = issue_file.read_text(encoding="utf-8")
    paths = re.findall(r"(?:figure|image): (\S+\.(?:jpg|jpeg))", text)
    for seed, relative in enumerate(dict.fromkeys(paths)):
        target = issue_file.parent / relative
        made.append(save_jpeg(camera_photo(*size, seed=seed, **options), target))
    return made


def issue_with_figures(folder: Path, figures: str, pages: int = 3) -> Path:
    """A small issue whose article on page 2 holds `figures` (YAML block lines),
    then a back page."""
    from small_issue import issue_head

    articles = textwrap.dedent("""\
          - id: photos
            page: 2
            toc: 写真の記事
            title: 写真の記事
            blocks:
              - p: 写真を載せる記事の本文です。
        {figures}
          - id: back
            page: {pages}
            toc: 裏表紙
            title: 裏表紙
            blocks:
              - p: 最後の記事です。
        """).format(pages=pages, figures=textwrap.indent(textwrap.dedent(figures), " " * 6))
    path = folder / "issue.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(issue_head(pages, volume=98, issued="2021-05") + articles, encoding="utf-8")
    return path
