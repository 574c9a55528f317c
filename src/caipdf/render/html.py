"""The issue model to HTML, through the Jinja2 templates in `layouts/`."""

from __future__ import annotations

from pathlib import Path

import jinja2

from caipdf import paths
from caipdf.structure.model import Issue

MONTHS_EN = ("JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY",
             "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER")
STYLESHEETS = ("fonts.css", "newsletter.css")


def environment(layouts: Path = paths.LAYOUTS) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(layouts),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["month_en"] = lambda month: MONTHS_EN[month - 1]
    env.filters["percent"] = lambda fraction: f"{fraction * 100:.2f}%"
    # Half of a height/width ratio as a CSS percentage of the width, for a
    # frame padded equally above and below its label.
    env.filters["half_percent"] = lambda fraction: f"{fraction * 50:.2f}%"
    return env


def render_html(issue: Issue, layouts: Path = paths.LAYOUTS, draft: bool = False) -> str:
    """The whole issue as one HTML document; stylesheets are linked from `layouts`."""
    template = environment(layouts).get_template("issue.html")
    stylesheets = [(layouts / name).as_uri() for name in STYLESHEETS]
    return template.render(issue=issue, stylesheets=stylesheets, draft=draft)
