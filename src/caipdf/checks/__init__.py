"""The checks of the laid-out document, run on every build.

- `pageplan`: each article starts on the page the contents list names;
- `layout`: no text over other text or outside its area, no column left
  more than a third short, and how far each article's last page is from full;
- `tables`: no table row split over columns, no table wider than its column;
- `notes`: each key-figures note inside its circle;
- `grid`: every body line on the page's line grid (warnings).

The first two read the pages through `pages.read_pages`; all read
WeasyPrint's boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from caipdf.errors import Problem
from caipdf.render.pdf import Rendering
from caipdf.structure.model import Issue


@dataclass
class Findings:
    errors: list[Problem] = field(default_factory=list)    # stop a build unless drafting
    warnings: list[str] = field(default_factory=list)


def run(issue: Issue, rendering: Rendering) -> Findings:
    from caipdf.checks import grid, layout, notes, pageplan, tables
    from caipdf.checks.pages import read_pages

    pages, measures = read_pages(rendering.document)
    findings = Findings(pageplan.check(issue, rendering, pages, measures))
    layout_errors, findings.warnings = layout.check(issue, pages, measures)
    findings.warnings += grid.check(issue, pages, measures)
    findings.errors += (layout_errors + tables.check(issue, rendering)
                        + notes.check(issue, rendering))
    return findings
