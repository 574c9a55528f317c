"""Japanese typesetting to JLREQ on top of WeasyPrint.

`install()` patches the pinned WeasyPrint release once, before any document
is laid out (caipdf.render.pdf calls it at import). Text takes part when its
computed style has the custom property `--caipdf-typesetting: jlreq`
(layouts/newsletter.css sets it on the body text of articles).

- `jlreq`: character classes and the rules (pure Python);
- `justify`: the WeasyPrint hooks;
- `ruby`: readings over their bases (placed after layout, drawn with them);
- `phrases` (pure Python) and `display`: display text broken between
  phrases (`--caipdf-line-break: phrase`) and balanced
  (`--caipdf-text-wrap: balance`), called from justify's line splitter;
- `metrics`: measuring a built PDF against the targets of issue 3;
  `display_metrics`: display text and short last lines (issue 13);
- `grid`: the WeasyPrint hook that puts body lines on the page's line grid;
- `grid_metrics`: measuring the line grid of a built PDF (issue 13).

The design is described in docs/typesetting.md.
"""

from caipdf.typesetting import justify, ruby
from caipdf.typesetting.justify import PINNED_VERSION, PROPERTY, TypesettingError


def install() -> None:
    """Install the WeasyPrint hooks (justify's, then ruby's); idempotent."""
    justify.install()
    ruby.install()


__all__ = ["PINNED_VERSION", "PROPERTY", "TypesettingError", "install"]
