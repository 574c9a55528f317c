"""Prepared photos kept between builds, named by what they were made from.

A prepared file's name is a digest of the source photo's bytes, its frame,
the edition's parameters and this stage's version, so a rebuild or an edit
in `caipdf watch` finds the photos it needs already made, and a change to
any of those makes new ones. The same name is the image's URL in the HTML
(`caipdf-image:NAME`), so the PDF's resource names do not depend on the
folder the issue sits in. They live in `images/` of caipdf's cache
(caipdf.cache).
"""

from __future__ import annotations

import hashlib

from caipdf import cache

URL_SCHEME = "caipdf-image:"
VERSION = "2"  # bump when prepare.py makes other pixels from the same inputs


def name(*parts: str, suffix: str = ".jpg") -> str:
    return hashlib.sha256("\0".join((VERSION, *parts)).encode()).hexdigest()[:40] + suffix


def mime_type(file_name: str) -> str:
    return "image/svg+xml" if file_name.endswith(".svg") else "image/jpeg"


def url(file_name: str) -> str:
    return URL_SCHEME + file_name


def read(file_name: str) -> bytes | None:
    return cache.read(f"images/{file_name}")


def has(file_name: str) -> bool:
    return cache.has(f"images/{file_name}")


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
