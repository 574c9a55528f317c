"""The layouts' CMYK colours as RGB, for the screen and archive profiles.

layouts/colors.css defines each colour once, as `device-cmyk(c m y k)`.
For RGB output each is converted through the print profile's ICC profile
(color/) to sRGB with littleCMS (Pillow's ImageCms), so the archive edition
shows what the press will print.

The screen edition is read on screens by everyone, and WCAG 2.2 (1.4.3)
asks its text for a contrast of 4.5:1. Its palette, written out in
colors.css beside the print one, is derived from the print palette by one
rule: each colour converted to sRGB as above; then each colour that text is
set in, or that white text is set on (`TEXT_COLOURS`), is darkened — its
CIELAB lightness lowered in steps of 0.5, hue and chroma kept — until it has
4.5:1 against every light colour it meets (`GROUNDS`). `python -m
caipdf.render.colors` prints that palette; tests/test_screen.py checks that
colors.css holds it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageCms

from caipdf import paths

DEFINITION = re.compile(r"(--[\w-]+)\s*:\s*device-cmyk\(\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\)")
SCREEN_DEFINITION = re.compile(r"--screen-([\w-]+)\s*:\s*rgb\(\s*(\d+)\s+(\d+)\s+(\d+)\s*\)")
CMYK_PROFILE = "ArtifexCMYK-SWOP.icc"

MIN_CONTRAST = 4.5
TEXT_COLOURS = ("--ink", "--primary", "--primary-dark", "--accent", "--muted", "--alert")
GROUNDS = ("--paper", "--tint", "--primary-light", "--placeholder")


def rgb_stylesheet(colors_css: Path | None = None) -> str:
    """A `:root { … }` rule giving every colour of colors.css in sRGB."""
    return _root_rule(print_palette_rgb(colors_css))


def screen_stylesheet(colors_css: Path | None = None) -> str:
    """A `:root { … }` rule giving every colour its screen value from colors.css."""
    text = (colors_css or paths.LAYOUTS / "colors.css").read_text(encoding="utf-8")
    return _root_rule({f"--{name}": tuple(map(int, rgb))
                       for name, *rgb in SCREEN_DEFINITION.findall(text)})


def print_palette_rgb(colors_css: Path | None = None) -> dict[str, tuple[int, int, int]]:
    text = (colors_css or paths.LAYOUTS / "colors.css").read_text(encoding="utf-8")
    return {name: _to_rgb(tuple(float(v) for v in cmyk))
            for name, *cmyk in DEFINITION.findall(text)}


def screen_palette(colors_css: Path | None = None) -> dict[str, tuple[int, int, int]]:
    """The rule of the module's docstring, applied to colors.css's print palette."""
    palette = print_palette_rgb(colors_css)
    darkest_ground = min(luminance(palette[name]) for name in GROUNDS)
    for name in TEXT_COLOURS:
        lightness, a, b = _to_lab(palette[name])
        rgb = palette[name]
        while (darkest_ground + 0.05) / (luminance(rgb) + 0.05) < MIN_CONTRAST:
            lightness -= 0.5
            rgb = _from_lab(lightness, a, b)
        palette[name] = rgb
    return palette


def contrast(first: tuple[int, int, int], second: tuple[int, int, int]) -> float:
    """WCAG's contrast ratio of two sRGB colours, 1 to 21."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def luminance(rgb: tuple[int, int, int]) -> float:
    """WCAG's relative luminance of an sRGB colour."""
    r, g, b = (_linear(value / 255) for value in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _root_rule(palette: dict[str, tuple[int, int, int]]) -> str:
    lines = [f"  {name}: rgb({' '.join(map(str, rgb))});" for name, rgb in palette.items()]
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


# sRGB ⇄ CIELAB (D65), the textbook formulas.
_WHITE = (0.95047, 1.0, 1.08883)
_TO_XYZ = ((0.4124, 0.3576, 0.1805), (0.2126, 0.7152, 0.0722), (0.0193, 0.1192, 0.9505))
_FROM_XYZ = ((3.2406, -1.5372, -0.4986), (-0.9689, 1.8758, 0.0415), (0.0557, -0.2040, 1.0570))


def _linear(channel: float) -> float:
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _gamma(channel: float) -> float:
    channel = min(max(channel, 0.0), 1.0)
    return channel * 12.92 if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def _to_lab(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    linear = [_linear(value / 255) for value in rgb]
    x, y, z = (sum(m * v for m, v in zip(row, linear)) / white
               for row, white in zip(_TO_XYZ, _WHITE))
    f = [t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116 for t in (x, y, z)]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def _from_lab(lightness: float, a: float, b: float) -> tuple[int, int, int]:
    fy = (lightness + 16) / 116
    fx, fz = fy + a / 500, fy - b / 200
    xyz = [(f ** 3 if f ** 3 > 216 / 24389 else (116 * f - 16) / (24389 / 27)) * white
           for f, white in zip((fx, fy, fz), _WHITE)]
    linear = [sum(m * v for m, v in zip(row, xyz)) for row in _FROM_XYZ]
    return tuple(round(_gamma(value) * 255) for value in linear)


def main() -> None:
    """Print the screen palette, as colors.css holds it."""
    for name, rgb in screen_palette().items():
        print(f"  --screen-{name[2:]}: rgb({' '.join(map(str, rgb))});")


if __name__ == "__main__":
    main()
