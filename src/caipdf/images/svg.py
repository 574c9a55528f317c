"""SVG figures fitted to their frame and, for print, given the press's colours.

WeasyPrint draws an SVG's colours as RGB, which a PDF/X file cannot have, but
it draws `device-cmyk()` colours as CMYK. So for print every colour the SVG
gives (fill, stroke, stop and flood colours, in attributes, `style`
attributes and <style> sheets, black by default) is converted through the
press profile, as photos are (colour.py). What cannot be converted is an
error that says so: gradients (WeasyPrint shades them in RGB), and embedded
raster images or HTML.

The frame: the SVG's own width and height are replaced by the frame's shape,
its drawing centred in it (its viewBox, `xMidYMid meet`), so an SVG takes the
same room as a photo or a placeholder.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from tinycss2.color5 import parse_color

from caipdf.images import colour

PROPERTIES = ("fill", "stroke", "stop-color", "flood-color", "lighting-color", "color")
DECLARATION = re.compile(r"(?<![\w-])(" + "|".join(PROPERTIES) + r")(\s*:\s*)([^;}\"]+)")
BLACK = "device-cmyk(0 0 0 1)"
FRAME_WIDTH = 1000  # user units; only the shape matters
ElementTree.register_namespace("svg", "http://www.w3.org/2000/svg")  # not ns0: in the cache
ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")


class UnprintableSvg(ValueError):
    """Why an SVG cannot be given CMYK colours or a frame."""


def framed_svg(data: bytes, aspect_ratio: float, cmyk: bool) -> bytes:
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise UnprintableSvg(f"it is not well-formed XML ({error})") from None
    if _name(root) != "svg":
        raise UnprintableSvg(f"its root element is <{_name(root)}>, not <svg>")
    _fit_frame(root, aspect_ratio)
    if cmyk:
        _to_press_colours(root)
    return ElementTree.tostring(root, encoding="utf-8")


def _fit_frame(root, aspect_ratio: float) -> None:
    if "viewBox" not in root.attrib:
        width, height = (_number(root.get(key)) for key in ("width", "height"))
        if not (width and height):
            raise UnprintableSvg("it has neither a viewBox nor a width and height in numbers")
        root.set("viewBox", f"0 0 {width:g} {height:g}")
    root.set("width", str(FRAME_WIDTH))
    root.set("height", f"{FRAME_WIDTH * aspect_ratio:.2f}")
    root.set("preserveAspectRatio", "xMidYMid meet")


def _to_press_colours(root) -> None:
    for element in root.iter():
        name = _name(element)
        if name in ("image", "foreignObject"):
            raise UnprintableSvg(f"it holds an <{name}>, whose colours caipdf cannot convert")
        if name in ("linearGradient", "radialGradient") and len(element) > 1:
            raise UnprintableSvg("it has a gradient, which WeasyPrint can only shade in RGB")
        for key in PROPERTIES:
            if key in element.attrib:
                element.set(key, _press_colour(element.get(key)))
        if "style" in element.attrib:
            element.set("style", _converted_declarations(element.get("style")))
        if name == "style" and element.text:
            element.text = _converted_declarations(element.text)
    root.attrib.setdefault("fill", BLACK)
    root.attrib.setdefault("color", BLACK)


def _converted_declarations(css: str) -> str:
    return DECLARATION.sub(lambda m: m[1] + m[2] + _press_colour(m[3].strip()), css)


def _press_colour(value: str) -> str:
    parsed = parse_color(value)
    if parsed is None or isinstance(parsed, str) or parsed.space == "device-cmyk":
        return value  # none, url(#…), currentcolor, or CMYK already
    cyan, magenta, yellow, black = colour.press_cmyk(tuple(parsed.to("srgb").coordinates))
    alpha = f" / {parsed.alpha:g}" if parsed.alpha < 1 else ""
    return f"device-cmyk({cyan:.4f} {magenta:.4f} {yellow:.4f} {black:.4f}{alpha})"


def _name(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _number(value: str | None) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(px)?\s*", value or "")
    return float(match[1]) if match else None
