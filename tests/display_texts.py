"""The display texts of an issue file, as written, for measuring a PDF
(caipdf.typesetting.display_metrics): read from the YAML itself."""

from __future__ import annotations

from pathlib import Path

import yaml

from caipdf.structure.inline import parse, plain_text

#: Keys whose text is set as display text, and whether it is balanced.
DISPLAY_KEYS = {"cover_line": True, "title": True, "box title": False, "subtitle": True,
                "h2": True, "h3": True, "quote": True, "headline": True, "note": True,
                "caption": False, "credit": False, "toc": False, "list_title": False,
                "cell": False, "box item": False}


def display_texts(issue: Path) -> list[tuple[str, bool]]:
    """Every display text of the issue: the cover line, and in the articles
    titles, headings, quotes, captions and credits, key figures, table
    cells (the header's too), list titles and whatever an infobox holds."""
    data = yaml.safe_load(issue.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for name, value in node.items():
                # an article's title is a heading; a box's or a list's title is not balanced
                if name == "title" and "blocks" not in node:
                    name = "box title"
                elif key == "infobox" and name == "list":
                    name = "box items"
                walk(value, name)
        elif isinstance(node, list):
            for item in node:
                walk(item, {"rows": "row", "row": "cell", "header": "cell",
                            "box items": "box item"}.get(key))
        elif isinstance(node, str) and key in DISPLAY_KEYS:
            text = plain_text(parse(node))
            if key == "box item":
                text = "・" + text  # as printed: the bullet is the box's
            if len(text) > 1:
                found.append((text, DISPLAY_KEYS.get(key, False)))

    walk({"cover_line": data.get("cover_line"), "articles": data.get("articles", [])})
    return found
