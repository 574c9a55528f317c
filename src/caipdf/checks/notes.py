"""The key-figures note inside its circle, measured on the laid-out boxes.

The note is a circle (newsletter.css: .keyfigures__note, border-radius
50 %) with its text centred in it. Whether a line fits depends on how high
it sits in the circle, so the check is made where the lines are: every
line's text must have its four corners inside the circle.
"""

from __future__ import annotations

import math

from caipdf.errors import Problem
from caipdf.render.pdf import Rendering
from caipdf.structure.inline import plain_text
from caipdf.structure.model import Issue, KeyFigures

NOTE_CLASS = "keyfigures__note"
TOLERANCE = 0.5  # px


def check(issue: Issue, rendering: Rendering) -> list[Problem]:
    notes = [block for article in issue.articles for block in article.blocks
             if isinstance(block, KeyFigures) and block.note]
    circles = [box for page in rendering.document.pages for box in page._page_box.descendants()
               if box.element is not None and box.element_tag == "p"
               and NOTE_CLASS in box.element.get("class", "").split()]
    problems = []
    for keyfigures, circle in zip(notes, circles):
        if not _inside(circle):
            problems.append(Problem(
                keyfigures.location,
                f"the note 「{plain_text(keyfigures.note).replace(chr(10), ' ')}」 runs outside "
                "its circle",
                "shorten it, or break it with \\n into shorter lines (about 3 lines of 9 "
                "characters fit)"))
    return problems


def _inside(circle) -> bool:
    radius = circle.border_width() / 2
    centre_x = circle.border_box_x() + radius
    centre_y = circle.border_box_y() + circle.border_height() / 2
    for line in _line_boxes(circle):
        if not line.children:
            continue
        left = min(child.position_x for child in line.children)
        right = max(child.position_x + child.margin_width() for child in line.children)
        for x in (left, right):
            for y in (line.position_y, line.position_y + line.height):
                if math.hypot(x - centre_x, y - centre_y) > radius + TOLERANCE:
                    return False
    return True


def _line_boxes(box):
    from weasyprint.formatting_structure import boxes

    for child in box.descendants():
        if isinstance(child, boxes.LineBox):
            yield child
