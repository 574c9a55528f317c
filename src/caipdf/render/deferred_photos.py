"""Laying the issue out while its photos are still being made.

WeasyPrint 70 loads every <img> when it builds its boxes, before the
layout (`get_image_from_uri`, which reads the bytes and opens them with
Pillow), yet the layout needs only an image's size, and its pixels are read
when the PDF is written (`RasterImage.draw`). caipdf.images makes the
photos on a pool of threads and promises each one's pixel size in its cache,
so `install()` makes WeasyPrint's image loader give a photo still being
made as a `DeferredPhoto`: that size now, and WeasyPrint's own RasterImage,
from the finished bytes, when the page is drawn. The pool thus works while
WeasyPrint parses, styles and lays out, and the PDF is byte-identical
(tests/test_photos.py).
"""

from __future__ import annotations

from functools import cached_property

from weasyprint import document, images

from caipdf.errors import CaipdfError, Problem
from caipdf.images import cache as image_cache
from caipdf.render.weasyprint_fixes import require_pinned_sources

# sha256 of what a DeferredPhoto stands in for, in WeasyPrint 70.0: the loader
# it wraps, and the two methods of RasterImage the layout and the drawing call.
PINNED_SOURCES = {
    "get_image_from_uri": "07bdb0c0e3fd5b83ce54ab4f3f738d963cd1ca1a4991e2acd438ee5058d770ce",
    "RasterImage.get_intrinsic_size":
        "1e001569849d6076aa351939093b820565e9599586c2e85937d81f4ac0c00dd2",
    "RasterImage.draw": "e6074f717d13a3e8e87505ec2904ef3671f2ba46a23cf5ae392c21a6c9f82843",
}
# …and the method that builds the document's loader from `original_get_image_from_uri`.
PINNED_DOCUMENT = {
    "Document._build_layout_context":
        "2b072254ab89701b33ddec26648e88cf1978480e7fae081b6cfad43b5f1346dc",
}
_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    require_pinned_sources(images, PINNED_SOURCES, "weasyprint.images", "caipdf's deferred photos")
    require_pinned_sources(document, PINNED_DOCUMENT, "weasyprint.document",
                           "caipdf's deferred photos")
    # The document builds its loader from this name each time it renders.
    document.original_get_image_from_uri = get_image_from_uri
    _installed = True


def get_image_from_uri(cache, url_fetcher, options, url, forced_mime_type=None, context=None,
                       orientation="from-image"):
    def load():
        return images.get_image_from_uri(cache, url_fetcher, options, url, forced_mime_type,
                                         context, orientation)

    promise = (image_cache.being_made(url.removeprefix(image_cache.URL_SCHEME))
               if url.startswith(image_cache.URL_SCHEME) and url.endswith(".jpg") else None)
    if promise is None:
        return load()
    key = f"{url}#deferred"  # WeasyPrint's cache holds the finished image under `url`
    if key not in cache:
        cache[key] = DeferredPhoto(url, promise.width, promise.height, load)
    return cache[key]


class DeferredPhoto:
    """A prepared photo being made: its size for the layout, its pixels
    (WeasyPrint's RasterImage of the finished JPEG) when it is drawn."""

    def __init__(self, url: str, width: int, height: int, load):
        self.url, self.width, self.height = url, width, height
        self.ratio = width / height
        self._load = load

    def get_intrinsic_size(self, resolution, font_size):
        return self.width / resolution, self.height / resolution, self.ratio

    def draw(self, stream, concrete_width, concrete_height, style):
        self.finished.draw(stream, concrete_width, concrete_height, style)

    @cached_property
    def finished(self) -> images.RasterImage:
        try:
            image_cache.read_url(self.url)  # waits; raises what making the photo raised
        except CaipdfError:
            raise
        except Exception as error:  # as WeasyPrint's loader reports it when the layout waits
            raise CaipdfError(Problem(None, f"WeasyPrint: Failed to load image at {self.url!r}: "
                                      f"{error}", "check the photo's file: it may be damaged")) \
                from None
        image = self._load()
        if image is None:
            raise CaipdfError(Problem(None, f"WeasyPrint: Failed to load image at {self.url!r}",
                                      "check the photo's file: it may be damaged"))
        if (image.width, image.height) != (self.width, self.height):
            raise RuntimeError(f"the prepared photo {self.url} is not the size "
                               "it was laid out at")
        return image
