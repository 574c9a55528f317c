"""Prepared photos kept between builds, named by what they were made from.

A prepared file's name is a digest of the source photo's bytes, its frame,
the edition's parameters and this stage's version, so a rebuild or an edit
in `caipdf watch` finds the photos it needs already made, and a change to
any of those makes new ones. The same name is the image's URL in the HTML
(`caipdf-image:NAME`), so the PDF's resource names do not depend on the
folder the issue sits in. They live in `images/` of caipdf's cache
(caipdf.cache).

A photo may still be being made while the issue is laid out (caipdf.images
prepares them beside the layout): such a name is promised, with the pixel
size it will have, and reading it waits until it is kept.
"""

from __future__ import annotations

import hashlib
from concurrent.futures import Future
from dataclasses import dataclass

from caipdf import cache

URL_SCHEME = "caipdf-image:"
VERSION = "2"  # bump when prepare.py makes other pixels from the same inputs


def name(*parts: str, suffix: str = ".jpg") -> str:
    return hashlib.sha256("\0".join((VERSION, *parts)).encode()).hexdigest()[:40] + suffix


def mime_type(file_name: str) -> str:
    return "image/svg+xml" if file_name.endswith(".svg") else "image/jpeg"


def url(file_name: str) -> str:
    return URL_SCHEME + file_name


@dataclass(frozen=True)
class Promise:
    width: int  # pixels of the image being made
    height: int
    making: Future  # done once the image is kept; raises what making it raised


_promised: dict[str, Promise] = {}


def promise(file_name: str, width: int, height: int, making: Future) -> None:
    _promised[file_name] = Promise(width, height, making)


def being_made(file_name: str) -> Promise | None:
    """The promise of an image still being made; None once it is made (the
    promise is then dropped, so the cache answers) or failed."""
    found = _promised.get(file_name)
    if found is None or not found.making.done():
        return found
    if found.making.exception() is None:
        # Made and kept: from now on the cache answers, so an image it has
        # trimmed since (caipdf.cache's size limit) is made again.
        _promised.pop(file_name, None)
    return None  # made, or failed: whoever asks again makes it again


def forget_promises() -> None:
    """In a forked child: the threads making them stayed with the parent."""
    _promised.clear()


def read(file_name: str) -> bytes | None:
    found = _promised.get(file_name)
    if found is not None:
        try:
            found.making.result()
        except BaseException:
            _promised.pop(file_name, None)
            raise
    return cache.read(f"images/{file_name}")


def has(file_name: str) -> bool:
    return being_made(file_name) is not None or cache.has(f"images/{file_name}")


def keep(file_name: str, data: bytes) -> None:
    cache.keep(f"images/{file_name}", data)


def is_checked(digest: str) -> bool:
    """Whether a file with these bytes was decoded whole before without a fault."""
    return cache.has(f"images/checked/{digest}")


def mark_checked(digest: str) -> None:
    cache.keep(f"images/checked/{digest}", b"")


def read_url(address: str) -> bytes:
    """The bytes behind a `caipdf-image:` URL; only names this module made resolve."""
    file_name = address.removeprefix(URL_SCHEME)
    if not (len(file_name) == 44 and file_name[40:] in (".jpg", ".svg")
            and all(c in "0123456789abcdef" for c in file_name[:40])):
        raise ValueError(f"not a prepared image: {address}")
    data = read(file_name)
    if data is None:
        raise ValueError(f"the prepared image {file_name} is no longer in {cache.root()}")
    return data
