"""Photo colours for each edition, through littleCMS (Pillow's ImageCms).

A photo's colours mean what its embedded ICC profile says (sRGB when it has
none, the press profile for a CMYK photo without one). Print gets them in
the press's CMYK, the output intent of the PDF/X file; screen and archive
get sRGB. The rendering intent is relative colorimetric with black-point
compensation: colours inside the press gamut print as they are, those
outside are clipped to its edge, and the photo's black maps to the press's
black, so shadows keep their detail (Adobe's default for photos).

A CMYK photo keeps its inks as they are (someone separated it for print,
its black built as they chose) unless it has more ink somewhere than the
press takes (caipdf.images.ink.MAX_INK): then it is separated again
through the press profile, from its embedded profile (the press's when it
has none), keeping how it looks with the press's own ink limit, as a print
shop's preflight fix-up would.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageCms

from caipdf import paths, provenance
from caipdf.images import ink
from caipdf.render.colors import CMYK_PROFILE

INTENT = ImageCms.Intent.RELATIVE_COLORIMETRIC
FLAGS = ImageCms.Flags.BLACKPOINTCOMPENSATION


def press_profile_digest() -> str:
    """Part of every prepared print image's cache key: another press profile, other pixels.
    The colour folder's digest, which provenance keeps while its files are unchanged."""
    return provenance.tree_digest(paths.COLOR)


def convert(image: Image.Image, icc_profile: bytes | None, target: str) -> Image.Image:
    """`image` (L, RGB or CMYK) in the colours of `target`: "cmyk" (the press) or "srgb".

    Greys stay grey: DeviceGray prints with black ink alone and shows as grey.
    """
    if image.mode == "L":
        return image
    wanted = "CMYK" if target == "cmyk" else "RGB"
    if target == "srgb" and image.mode == "RGB" and icc_profile is None:
        return image  # sRGB already
    if target == "cmyk" and image.mode == "CMYK" and ink.peak(image).ink <= ink.MAX_INK:
        return image  # separated for print already, within the press's limit: its inks kept
    transform = _transform(icc_profile, image.mode, wanted)
    return ImageCms.applyTransform(image, transform)


@lru_cache(maxsize=256)
def press_cmyk(rgb: tuple[float, float, float]) -> tuple[float, ...]:
    """One sRGB colour (0–1 each) in the press's CMYK (0–1 each), as photos are converted."""
    pixel = Image.new("RGB", (1, 1), tuple(round(value * 255) for value in rgb))
    return tuple(value / 255 for value in convert(pixel, None, "cmyk").getpixel((0, 0)))


@lru_cache(maxsize=16)
def _transform(icc_profile: bytes | None, mode: str, wanted: str) -> ImageCms.ImageCmsTransform:
    if icc_profile is not None:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
    elif mode == "CMYK":
        source = _press()
    else:
        source = ImageCms.createProfile("sRGB")
    target = _press() if wanted == "CMYK" else ImageCms.createProfile("sRGB")
    return ImageCms.buildTransform(source, target, mode, wanted, renderingIntent=INTENT,
                                   flags=FLAGS)


@lru_cache(maxsize=1)
def _press() -> ImageCms.ImageCmsProfile:
    return ImageCms.getOpenProfile(str(paths.COLOR / CMYK_PROFILE))
