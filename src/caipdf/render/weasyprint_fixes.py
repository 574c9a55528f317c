"""Fixes to WeasyPrint 70 that the newsletter's layout depends on.

Each fix names the WeasyPrint function it changes and refuses to apply when
that function is not the one it was written for, so an upgrade fails loudly
(tests/test_weasyprint_fixes.py) instead of silently laying out differently.

Footnotes in columns. `columns_layout` (weasyprint/layout/column.py) lays the
columns out again whenever the footnote area's height changes, and stops at
the first height it has already seen. When a footnote call sits in the last
lines of a page's last column, the heights oscillate (footnote in, line
pushed out, footnote gone, line back) and the loop settles on a budget
smaller than the footnote: WeasyPrint then moves the footnote to the next
page, away from its call. Letting the column height only shrink while
footnotes are added ends the oscillation with the footnote on its call's
page (the call's line moves to the next page only if the footnote cannot fit).
"""

from __future__ import annotations

import inspect

import weasyprint
from weasyprint.layout import block, column

from caipdf import WEASYPRINT_VERSION

OLD_LINE = "if last_footnotes_height not in footnote_area_heights:"
NEW_LINE = "if last_footnotes_height > footnote_area_heights[-1]:"

patched_columns_layout = None  # set by install()


class WeasyPrintMismatch(RuntimeError):
    pass


def require_pinned_weasyprint(what: str) -> None:
    if weasyprint.__version__ != WEASYPRINT_VERSION:
        raise WeasyPrintMismatch(
            f"{what} are written for WeasyPrint {WEASYPRINT_VERSION}, "
            f"not {weasyprint.__version__}: install the version pinned in pyproject.toml")


def install() -> None:
    global patched_columns_layout
    if patched_columns_layout is not None:
        return
    require_pinned_weasyprint("caipdf's layout fixes")
    source = inspect.getsource(column.columns_layout)
    if source.count(OLD_LINE) != 1:
        raise WeasyPrintMismatch("weasyprint.layout.column.columns_layout is not the one "
                                 "caipdf's footnote fix was written for")
    code = compile(source.replace(OLD_LINE, NEW_LINE), column.__file__, "exec")
    exec(code, column.__dict__)  # rebinds column.columns_layout
    block.columns_layout = column.columns_layout  # block.py imported it by name
    patched_columns_layout = column.columns_layout
