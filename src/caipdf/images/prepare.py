"""One photo made ready for one edition: turned upright, fitted to its frame,
sized for the edition's resolution and converted to its colours.

The result is an 8-bit baseline JPEG with no metadata (WeasyPrint embeds it
as it is, DCTDecode, without decoding or re-encoding it), in CMYK or grey
for print and in sRGB or grey for the screen and the archive. Alpha is
flattened onto the paper's white: a photo prints the same, and the print
file carries no transparency for the press's RIP to flatten.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

from caipdf.images import colour
from caipdf.images.source import SourceImage

JPEG_QUALITY = 92
PAPER = (255, 255, 255)


@dataclass(frozen=True)
class Edition:
    """What an edition asks of its photos."""

    colours: str  # "cmyk" (print) or "srgb"
    ppi: int  # the resolution a photo is brought down to when it has more than max_ppi
    max_ppi: int
    warn_ppi: int  # under this, a warning
    refuse_ppi: int | None = None  # under this, an error (unless the figure accepts it)

    def key(self) -> str:
        press = colour.press_profile_digest() if self.colours == "cmyk" else ""
        return f"{self.colours}/{self.ppi}/{self.max_ppi}/{press}"  # what changes pixels


@dataclass(frozen=True)
class Frame:
    """The slot a photo fills: its width on the page and its shape."""

    width_pt: float
    aspect_ratio: float  # height / width
    fit: str = "cover"  # or "contain"
    focus: tuple[float, float] = (0.5, 0.5)

    def key(self) -> str:
        return f"{self.width_pt}/{self.aspect_ratio:.6f}/{self.fit}/{self.focus[0]:.4f},{self.focus[1]:.4f}"


def source_region(source: SourceImage, frame: Frame) -> tuple[float, float, float, float]:
    """The part of the upright photo the frame shows: (left, top, right, bottom) in pixels."""
    width, height = source.width, source.height
    if frame.fit == "contain":
        return (0, 0, width, height)
    if height / width > frame.aspect_ratio:  # taller than the frame: keep a band across
        shown = width * frame.aspect_ratio
        top = _clamp(frame.focus[1] * height - shown / 2, 0, height - shown)
        return (0, top, width, top + shown)
    shown = height / frame.aspect_ratio
    left = _clamp(frame.focus[0] * width - shown / 2, 0, width - shown)
    return (left, 0, left + shown, height)


def pixel_size(source: SourceImage, frame: Frame, edition: Edition) -> tuple[int, int]:
    """The prepared image's size: the frame's shape, at the source's resolution
    unless that is above the edition's maximum."""
    inches = frame.width_pt / 72
    ppi = source_ppi(source, frame)
    width = ppi * inches if ppi <= edition.max_ppi else edition.ppi * inches
    width = max(1, math.floor(width) if ppi <= edition.max_ppi else math.ceil(width))
    return width, max(1, round(width * frame.aspect_ratio))


def prepared_jpeg(source: SourceImage, frame: Frame, edition: Edition) -> bytes:
    """The JPEG bytes of `source` fitted to `frame` for `edition`."""
    width, height = pixel_size(source, frame, edition)
    image = _decode(source, frame, width)
    image = _eight_bits_no_alpha(image)
    left, top, right, bottom = _scaled_region(source, frame, image)
    if frame.fit == "contain":
        picture = image.resize(_fit_inside(image.size, width, height), Image.LANCZOS, reducing_gap=3)
        image = _on_paper(picture, width, height)
    else:
        image = image.resize((width, height), Image.LANCZOS, box=(left, top, right, bottom),
                             reducing_gap=3)
    image = _in_colours(image, source.icc_profile, edition.colours)
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=JPEG_QUALITY)
    return output.getvalue()


def _decode(source: SourceImage, frame: Frame, width: int) -> Image.Image:
    """The upright photo, decoded at a reduced scale where that still leaves
    enough pixels (JPEG draft mode: a 90-megapixel photo never exists in full)."""
    image = Image.open(io.BytesIO(source.read()))
    if image.format == "JPEG":
        scale = _draft_scale(source, frame, width)
        image.draft(image.mode, (math.ceil(image.width * scale), math.ceil(image.height * scale)))
    image.load()
    ImageOps.exif_transpose(image, in_place=True)  # an upright photo is not copied
    return image


def _draft_scale(source: SourceImage, frame: Frame, width: int) -> float:
    """The fewest pixels of the shown region that still give `width`, as a
    fraction of the source's (what JPEG draft mode is asked for)."""
    left, _, right, _ = source_region(source, frame)
    return min(1.0, width / max(right - left, 1))


def decoded_megabytes(source: SourceImage, frame: Frame, edition: Edition) -> float:
    """About how much memory decoding the photo for `frame` takes (JPEG draft
    mode decodes at 1/1, 1/2, 1/4 or 1/8 of the size)."""
    scale = 1.0
    if source.format == "JPEG":
        wanted = _draft_scale(source, frame, pixel_size(source, frame, edition)[0])
        while scale / 2 >= wanted and scale > 1 / 8:
            scale /= 2
    channels = 4 if source.mode in ("CMYK", "RGBA", "RGBX", "LA", "PA", "P") else 3
    return source.width * source.height * scale * scale * channels / 1e6


def _scaled_region(source: SourceImage, frame: Frame, image: Image.Image):
    """source_region, in the pixels of the (possibly reduced) decoded image."""
    factor = image.width / source.width
    return tuple(value * factor for value in source_region(source, frame))


def _eight_bits_no_alpha(image: Image.Image) -> Image.Image:
    if image.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        return image.convert("I").point(lambda value: value / 257).convert("L")
    if image.mode == "1":
        return image.convert("L")
    if image.mode in ("P", "PA"):
        image = image.convert("RGBA" if image.mode == "PA" or "transparency" in image.info
                              else "RGB")
    if image.mode == "LA":
        return _flatten(image.convert("RGBA")).convert("L")
    if image.mode in ("RGBA", "RGBX"):
        return _flatten(image) if image.mode == "RGBA" else image.convert("RGB")
    return image  # L, RGB, CMYK


def _flatten(image: Image.Image) -> Image.Image:
    paper = Image.new("RGB", image.size, PAPER)
    paper.paste(image, mask=image.getchannel("A"))
    return paper


def _in_colours(image: Image.Image, icc_profile: bytes | None, colours: str) -> Image.Image:
    try:
        return colour.convert(image, icc_profile, colours)
    except ImageCms.PyCMSError:  # a profile that does not fit the pixels: take the default
        return colour.convert(image, None, colours)


def _fit_inside(size: tuple[int, int], width: int, height: int) -> tuple[int, int]:
    scale = min(width / size[0], height / size[1])
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _on_paper(picture: Image.Image, width: int, height: int) -> Image.Image:
    fill = (0, 0, 0, 0) if picture.mode == "CMYK" else 255 if picture.mode == "L" else PAPER
    frame = Image.new(picture.mode, (width, height), fill)
    frame.paste(picture, ((width - picture.width) // 2, (height - picture.height) // 2))
    return frame


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(value, high))


def source_ppi(source: SourceImage, frame: Frame) -> float:
    """The photo's own resolution across its frame, before any resampling."""
    left, top, right, bottom = source_region(source, frame)
    shown_width = right - left
    if frame.fit == "contain":
        shown_width = max(shown_width, (bottom - top) / frame.aspect_ratio)
    return shown_width / (frame.width_pt / 72)
