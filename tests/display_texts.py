"""The display texts of an issue file, as written, for measuring a PDF
(caipdf.typesetting.display_metrics): read from the YAML itself."""

from __future__ import annotations

from pathlib import Path

import yaml

from caipdf.structure.inline import parse, plain_text

#: Keys whose text is set as display text, and whether it is balanced.
DISPLAY_KEYS = {"title": True, "box title": False, "subtitle": True, "h2": True, "h3": True, "quote": True,
                "headline": True, "note": True, "caption": False, "toc": False}


def display_texts(issue: Path) -> list[tuple[str, bool]]:
    data = yaml.safe_load(issue.read_text(encoding="utf-8"))
    found: list[tuple[str, bool]] = []

    def walk(node, key=None):
        if isinstance(node, dict):
            for name, value in node.items():
                # an article's title is a heading; a box's title is not balanced
                walk(value, "box title" if name == "title" and "blocks" not in node else name)
        elif isinstance(node, list):
            for item in node:
                walk(item, "rows" if key == "rows" else None)
        elif isinstance(node, str) and (key in DISPLAY_KEYS or key == "rows"):
            text = plain_text(parse(node))
            if len(text) > 1:
                found.append((text, DISPLAY_KEYS.get(key, False)))

    walk(data.get("articles", []))
    return found
