"""How wide each kind of photo slot is placed, measured from the stylesheets.

A photo is prepared for the width it will be placed at, before the issue
is laid out. That width is the stylesheets' business (the page's margins,
the columns, the cover's margins), so it is measured rather than written
down again here: layouts/slots.html holds one empty slot of each kind,
laid out once per profile and version of the layouts.
"""

from __future__ import annotations

import json

from caipdf import cache, provenance

PX_TO_PT = 0.75  # WeasyPrint's boxes are in CSS pixels
_measured: dict[str, dict[str, float]] = {}


def slot_widths(profile) -> dict[str, float]:
    """{"cover" | "column" | "page": the width a photo is placed at, in points}."""
    key = f"{profile.name}-{provenance.layouts_digest()[:16]}"
    if key not in _measured:
        record = f"slots-{key}.json"
        try:
            _measured[key] = json.loads(cache.read(record) or b"")
        except ValueError:
            _measured[key] = _measure(profile)
            cache.keep(record, json.dumps(_measured[key]).encode())
    return _measured[key]


def _measure(profile) -> dict[str, float]:
    from caipdf import paths
    from caipdf.render.html import render_page
    from caipdf.render.pdf import render

    rendering = render(render_page("slots.html", profile), paths.LAYOUTS)
    widths = {}
    for page in rendering.document.pages:
        for box in page._page_box.descendants():
            slot = box.element.get("data-slot") if box.element is not None else None
            if slot and box.element_tag == "figure" and slot not in widths:
                widths[slot] = box.width * PX_TO_PT
    return widths
