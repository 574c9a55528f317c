"""The key-figures note inside its circle, measured on the laid-out boxes.

The note is a circle (newsletter.css: .keyfigures__note, border-radius
50 %) with its text centred in it. Whether a line fits depends on how high
it sits in the circle, so the check is made where the lines are: every
line's text must have its four corners inside the circle. The circle is
drawn over the panel (position: absolute), so no other line of the panel
may reach into it either: a figure it covered would be lost in print.
"""

from __future__ import annotations

import math

from caipdf.errors import Problem
from caipdf.render.pdf import Rendering
from caipdf.structure.inline import plain_text
from caipdf.structure.model import Issue, KeyFigures

PANEL_CLASS = "keyfigures"
NOTE_CLASS = "keyfigures__note"
TOLERANCE = 0.5  # px


def check(issue: Issue, rendering: Rendering) -> list[Problem]:
    notes = [block for article in issue.articles for block in article.blocks
             if isinstance(block, KeyFigures) and block.note]
    panels = [(box, circle) for page in rendering.document.pages
              for box in page._page_box.descendants() if _has_class(box, "section", PANEL_CLASS)
              for circle in box.descendants() if _has_class(circle, "p", NOTE_CLASS)]
    problems = []
    for keyfigures, (panel, circle) in zip(notes, panels):
        note = plain_text(keyfigures.note).replace(chr(10), ' ')
        if not _inside(circle):
            problems.append(Problem(
                keyfigures.location,
                f"the note 「{note}」 runs outside its circle",
                "shorten it, or break it with \\n into shorter lines (about 3 lines of 9 "
                "characters fit)"))
        covered = list(_covered_lines(panel, circle))
        if covered:
            problems.append(Problem(
                keyfigures.location,
                f"the note 「{note}」 is drawn over 「{'」「'.join(covered)}」 of its key figures",
                "a layout fault, not an editing one: report it (layouts/newsletter.css, "
                ".keyfigures__head--note keeps the figures below the circle)"))
    return problems


def _has_class(box, tag: str, name: str) -> bool:
    return (box.element is not None and box.element_tag == tag
            and name in box.element.get("class", "").split())


def _covered_lines(panel, circle):
    """The text of the panel's other lines that reach into the note's circle."""
    from weasyprint.formatting_structure import boxes

    centre_x, centre_y, radius = _disc(circle)
    note_lines = {id(line) for line in _line_boxes(circle)}
    for line in _line_boxes(panel):
        if id(line) in note_lines or not line.children:
            continue
        left, right = _text_extent(line)
        # the point of the line's rectangle nearest the centre
        nearest_x = min(max(centre_x, left), right)
        nearest_y = min(max(centre_y, line.position_y), line.position_y + line.height)
        if math.hypot(nearest_x - centre_x, nearest_y - centre_y) < radius - TOLERANCE:
            yield "".join(box.text for box in line.descendants()
                          if isinstance(box, boxes.TextBox)).strip()


def _inside(circle) -> bool:
    centre_x, centre_y, radius = _disc(circle)
    for line in _line_boxes(circle):
        if not line.children:
            continue
        for x in _text_extent(line):
            for y in (line.position_y, line.position_y + line.height):
                if math.hypot(x - centre_x, y - centre_y) > radius + TOLERANCE:
                    return False
    return True


def _disc(circle) -> tuple[float, float, float]:
    """The circle's centre (x, y) and radius."""
    radius = circle.border_width() / 2
    return (circle.border_box_x() + radius, circle.border_box_y() + circle.border_height() / 2,
            radius)


def _text_extent(line) -> tuple[float, float]:
    """The left and right edges of a line box's text."""
    return (min(child.position_x for child in line.children),
            max(child.position_x + child.margin_width() for child in line.children))


def _line_boxes(box):
    from weasyprint.formatting_structure import boxes

    for child in box.descendants():
        if isinstance(child, boxes.LineBox):
            yield child
