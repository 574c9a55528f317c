"""Text runs every PDF reader places alike.

WeasyPrint writes a zero-width glyph (the WORD JOINER caipdf puts around
page references, a zero-width space) as an empty string and a number in the
text's TJ array; when such a glyph starts a run of glyphs the array begins
`[<>0.0<…>`. That is valid PDF, but pdfium — the reader of Chrome and of
caipdf's own tests — then drops the array's last adjustment: the text after
the run is drawn too far left by that much (a 和欧間, a justification share).
An empty string draws nothing, so `drop_empty_strings` takes each one out
of the TJ arrays (leaving a space, so two numbers stay apart); readers then
agree, and nothing is drawn differently.
"""

from __future__ import annotations

import pydyf

EMPTY = b"<>"
TJ = b"] TJ"


def drop_empty_strings(pdf: pydyf.PDF) -> None:
    """In WeasyPrint's content streams (pages, groups, patterns) only: fonts,
    images, profiles and attached files are plain pydyf streams, left as they are."""
    from weasyprint.pdf.stream import Stream

    for obj in pdf.objects:
        if isinstance(obj, Stream):
            obj.stream = [_without_empty_strings(chunk) for chunk in obj.stream]


def _without_empty_strings(chunk):
    if isinstance(chunk, bytes) and chunk.endswith(TJ) and EMPTY in chunk:
        return chunk.replace(EMPTY, b" ")
    return chunk
