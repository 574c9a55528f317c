"""The issue model to HTML, through the Jinja2 templates in `layouts/`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from markupsafe import Markup

from caipdf import paths
from caipdf.profiles import DEFAULT, PROFILES, Profile
from caipdf.images import PreparedPhotos
from caipdf.render.colors import rgb_stylesheet, screen_stylesheet
from caipdf.structure.inline import plain_text
from caipdf.structure.model import Issue
from caipdf.typesetting import ruby

MONTHS_EN = ("JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY",
             "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER")
STYLESHEETS = ("fonts.css", "colors.css", "newsletter.css")
# Up to this many contents entries are listed in one column on the cover;
# a longer list (up to 16) is set in two, tighter.
CONTENTS_IN_ONE_COLUMN = 8


@lru_cache(maxsize=4)
def environment(layouts: Path = paths.LAYOUTS) -> jinja2.Environment:
    """The templates of `layouts`; kept, since Jinja reloads a template whose file changed."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(layouts),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["month_en"] = lambda month: MONTHS_EN[month - 1]
    env.filters["percent"] = lambda fraction: f"{fraction * 100:.2f}%"
    env.filters["half_percent"] = lambda fraction: f"{fraction * 50:.2f}%"  # of the width: padding above and below
    env.filters["ruby_margins"] = ruby.margins
    env.filters["plain"] = lambda nodes: " ".join(plain_text(nodes).split())
    env.filters["contents_layout"] = lambda articles: (
        "contents--one-column" if len(articles) <= CONTENTS_IN_ONE_COLUMN else "contents--two-columns")
    return env


def render_html(issue: Issue, profile: Profile = PROFILES[DEFAULT], draft: bool = False,
                layouts: Path | None = None, photos: PreparedPhotos | None = None) -> str:
    """The whole issue as one HTML document; stylesheets are linked from `layouts`.

    `photos` (caipdf.images) gives each figure's frame and, for those whose
    photo is at hand, its prepared image; the others are drawn as placeholder
    frames. Without it every figure is a placeholder in its declared frame.
    """
    photos = photos or PreparedPhotos(frames={figure: figure.aspect_ratio for figure in issue.figures})
    return render_page("issue.html", profile, layouts, issue=issue, draft=draft,
                       images=photos.images, frames=photos.frames)


def render_page(template_name: str, profile: Profile, layouts: Path | None = None,
                **context) -> str:
    """A template of `layouts` with the stylesheets of `profile` linked.

    An RGB profile gets the colours of colors.css converted, inline; the
    screen profile its screen palette (caipdf.render.colors).
    """
    layouts = layouts or paths.LAYOUTS
    names = list(STYLESHEETS) + [profile.stylesheet]
    inline_css = ""
    if profile.colours in ("rgb", "screen"):
        names.remove("colors.css")
        convert = rgb_stylesheet if profile.colours == "rgb" else screen_stylesheet
        inline_css = convert(layouts / "colors.css")
    stylesheets = [(layouts / name).as_uri() for name in names]
    template = environment(layouts).get_template(template_name)
    return template.render(stylesheets=stylesheets, inline_css=Markup(inline_css), **context)
