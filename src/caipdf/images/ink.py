"""Total ink of CMYK pixels: the sum of the four inks, 4.0 for 400 %.

A press lays down only so much ink in one place before it stops drying and
sets off on the next sheet (TAC, total area coverage). caipdf's press
condition takes at most MAX_INK: the photo stage re-separates a CMYK photo
that goes over it (caipdf.images.colour) and the preflight measures every
CMYK image and colour of a PDF against it (caipdf.pdf.preflight).
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageMath

# The press condition's limit. The output intent (color/ArtifexCMYK-SWOP.icc)
# separates any colour with 298 % at most, so caipdf's own colours keep under
# it; 320 % is what coated offset presses take (ISO 12647-2's 300–350 %).
MAX_INK = 3.20


@dataclass(frozen=True)
class Peak:
    ink: float  # the highest total ink, 4.0 for 400 %
    x: int  # where, in the image's pixels from its top-left
    y: int


def peak(image: Image.Image) -> Peak:
    """The pixel of a CMYK `image` with the most ink (the first such from the top)."""
    c, m, y, k = (channel.convert("I") for channel in image.split())
    total = ImageMath.lambda_eval(lambda args: args["c"] + args["m"] + args["y"] + args["k"],
                                  c=c, m=m, y=y, k=k)
    highest = total.getextrema()[1]
    # Pixels at the peak become 1, all others 0 or less, clipped to 0 in L.
    at_peak = total.point(lambda value: value - (highest - 1)).convert("L")
    left, top, _, _ = at_peak.getbbox() or (0, 0, 0, 0)
    row = at_peak.crop((0, top, image.width, top + 1)).getbbox()
    return Peak(highest / 255, row[0] if row else left, top)
