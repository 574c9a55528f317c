"""The layouts' CMYK colours as RGB, for the screen and archive profiles.

layouts/colors.css defines each colour once, as `device-cmyk(c m y k)`.
For RGB output each is converted through the print profile's ICC profile
(color/) to sRGB with littleCMS (Pillow's ImageCms), so the screen edition
shows what the press will print.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageCms

from caipdf import paths

DEFINITION = re.compile(r"(--[\w-]+)\s*:\s*device-cmyk\(\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\)")
CMYK_PROFILE = "ArtifexCMYK-SWOP.icc"


def rgb_stylesheet(colors_css: Path | None = None) -> str:
    """A `:root { … }` rule giving every colour of colors.css in sRGB."""
    colors_css = colors_css or paths.LAYOUTS / "colors.css"
    text = colors_css.read_text(encoding="utf-8")
    lines = [f"  {name}: rgb({' '.join(map(str, _to_rgb(tuple(float(v) for v in cmyk))))});"
             for name, *cmyk in DEFINITION.findall(text)]
    return ":root {\n" + "\n".join(lines) + "\n}\n"


@lru_cache(maxsize=1)
def _transform() -> ImageCms.ImageCmsTransform:
    cmyk = ImageCms.getOpenProfile(str(paths.COLOR / CMYK_PROFILE))
    srgb = ImageCms.createProfile("sRGB")
    return ImageCms.buildTransform(cmyk, srgb, "CMYK", "RGB",
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


@lru_cache(maxsize=64)
def _to_rgb(cmyk: tuple[float, float, float, float]) -> tuple[int, int, int]:
    pixel = Image.new("CMYK", (1, 1), tuple(round(value * 255) for value in cmyk))
    return ImageCms.applyTransform(pixel, _transform()).getpixel((0, 0))
