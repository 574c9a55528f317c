"""Which pages of a PDF changed, and their images.

A page is drawn again only when what it draws changed: its content streams
and the images and forms it uses (compared as stored, compressed; caipdf's
streams are compressed the same way every time, caipdf.deflate_memo). The
fonts are left out: WeasyPrint keeps each glyph's number when it subsets a
font, so a character added on one page leaves the others' streams as they
are; when the fonts themselves change, the whole issue is laid out again
and `draw(…, everything=True)` draws every page.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import pypdf
from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

from caipdf import raster

DPI = 96  # one image pixel per CSS pixel: shown at its own size, the page is at 100 %
PNG_COMPRESSION = 1  # the images go to a browser on this machine: quick to write beats small


@dataclass(frozen=True)
class PageImage:
    number: int
    digest: str  # of what the page draws
    png: bytes
    width: int
    height: int

    @property
    def name(self) -> str:
        return f"page-{self.number:02d}-{self.digest[:16]}.png"


def digests(pdf: bytes) -> list[str]:
    """For each page, a digest of what it draws."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    found = []
    for page in reader.pages:
        digest = hashlib.sha256()
        digest.update(repr([float(value) for value in page.trimbox]).encode())
        _add_streams(digest, page.get("/Contents"), set())
        _add_streams(digest, page.get("/Resources"), set())
        found.append(digest.hexdigest())
    return found


def _add_streams(digest, value, seen: set) -> None:
    """Feed `digest` the stored bytes of the streams below `value`, but fonts."""
    if hasattr(value, "idnum"):  # an indirect reference: each object once
        if value.idnum in seen:
            return
        seen.add(value.idnum)
        value = value.get_object()
    if isinstance(value, StreamObject):
        digest.update(value._data)
        _add_streams(digest, value.get("/Resources"), seen)
    elif isinstance(value, DictionaryObject):
        for key in sorted(value):
            if key not in ("/Font", "/Parent"):
                digest.update(key.encode())
                _add_streams(digest, value[key], seen)
    elif isinstance(value, ArrayObject):
        for item in value:
            _add_streams(digest, item, seen)
    else:
        digest.update(repr(value).encode())


def draw(pdf: bytes, previous: list[PageImage], everything: bool = False) -> list[PageImage]:
    """The images of every page of `pdf`: those of `previous` whose page draws
    the same, and the others drawn anew."""
    kept = {image.number: image for image in previous}
    pages = digests(pdf)
    stale = [number for number, digest in enumerate(pages, start=1)
             if everything or number not in kept or kept[number].digest != digest]
    drawn = raster.trimmed_pages(pdf, DPI, stale)
    images = []
    for number, digest in enumerate(pages, start=1):
        if number in drawn:
            image = drawn[number]
            images.append(PageImage(number, digest, raster.png_bytes(image, PNG_COMPRESSION),
                                    image.width, image.height))
        else:
            images.append(kept[number])
    return images
