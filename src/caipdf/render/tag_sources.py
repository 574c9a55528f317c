"""Which box, and so which HTML element, each of WeasyPrint's structure elements was made from.

WeasyPrint 70 writes a tagged PDF's structure tree from its boxes
(`weasyprint.pdf.tags._build_box_tree`), one tree per page, and forgets the
boxes: the tree that comes out knows its tags (P, Span, Div …) but not the
HTML they stood for (a placeholder frame, a footnote call, an English
paragraph). caipdf's own structure pass (caipdf.pdf.tags) needs that to give
the tree its meaning, so this hook wraps `_build_box_tree` — which calls
itself by its module-level name, so the wrapper sees every box — and notes
on each structure element it yields the box it was made from (its
`element`, its `element_tag` such as `p` or `span::footnote-call`, its
place on the page). It changes nothing that WeasyPrint writes: the note is a
Python attribute, not a PDF key.

The hook refuses to install when `_build_box_tree` or `add_tags` is not the
source it was written for (sha256 below), so an upgrade fails loudly.
"""

from __future__ import annotations

import functools

from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags

from caipdf.render.weasyprint_fixes import (
    require_pinned_source, require_pinned_weasyprint, source_digest,
)

#: sha256 of the functions' source in WeasyPrint 70.0: `add_tags` calls
#: `_build_box_tree` once per page and for the margin boxes' children, whose
#: trees it leaves out of the document's.
FINGERPRINTS = {
    "_build_box_tree": "f716251a83e7096e9cae972b63e633aab21c664d200582166dd0d5096780f9c4",
    "add_tags": "f0e74575b0bafaf36458eaac27874e3b80457fba3694058153da514a68933f22",
}
SOURCE = "caipdf_box"  # the attribute set on each structure element: its box

_original = None  # WeasyPrint's _build_box_tree, once installed


def fingerprint(name: str) -> str:
    function = _original if name == "_build_box_tree" and _original else getattr(tags, name)
    return source_digest(function)


def install() -> None:
    global _original
    if _original is not None:
        return
    require_pinned_weasyprint("caipdf's structure-tree hook")
    for name, expected in FINGERPRINTS.items():
        require_pinned_source(getattr(tags, name), expected, f"weasyprint.pdf.tags.{name}",
                              "caipdf's structure-tree hook")
    _original = tags._build_box_tree

    @functools.wraps(_original)
    def build_box_tree(box, *args, **kwargs):
        source_box = box._box if isinstance(box, AbsolutePlaceholder) else box
        for element in _original(box, *args, **kwargs):
            # The html and body boxes pass their children's elements up:
            # the innermost call, the one that made the element, names it.
            if source_box.element is not None and not hasattr(element, SOURCE):
                setattr(element, SOURCE, source_box)
            yield element

    tags._build_box_tree = build_box_tree
