"""Identical input, identical bytes: the identifiers WeasyPrint draws at random.

WeasyPrint's PDF/X-4 metadata carries `xmpMM:DocumentID = xmp.did:<uuid4>`,
new on every build. We replace it with a UUID derived from the build's
inputs (the issue file, layouts, fonts, profile and tool versions), so a
rebuild of the same sources gives the same file, and a different source a
different identifier. Dates come from the issue (the template's
`dcterms.created` / `dcterms.modified`), never from the clock.
"""

from __future__ import annotations

import re
import uuid

import pydyf

NAMESPACE = uuid.UUID("6f1c1d2e-0c1a-4c7e-9a57-ca1bdf000019")  # caipdf's own namespace
RANDOM_ID = re.compile(rb"xmp\.did:[0-9a-f-]{36}")


def document_id(digest: str) -> str:
    return f"xmp.did:{uuid.uuid5(NAMESPACE, digest)}"


def replace_random_ids(pdf: pydyf.PDF, digest: str) -> None:
    stable = document_id(digest).encode()
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [RANDOM_ID.sub(stable, _bytes(chunk)) for chunk in obj.stream]


def _bytes(chunk) -> bytes:
    return chunk if isinstance(chunk, bytes) else str(chunk).encode()
