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

Footnotes before a spanning block. While it lays columns out, WeasyPrint
keeps the page's bottom where it was before the columns' footnotes and
moves it up for them only once, after the whole multi-column box. A
spanning block (`column-span: all`: key figures, a lead, a page-wide
figure) and the columns after it were laid out against a page bottom that
ignored the footnotes called above them: they were set over the footnotes,
or, when that pushed a block off the page, the whole body moved to the next
page and left the article's first page empty under its banner. Moving the
page's bottom up after each run of columns, by the footnotes it called,
lays out what follows in the room really left.

A spanning block split across pages. When a spanning block breaks inside
itself, WeasyPrint records where to resume as if it were a run of columns
(its index plus the index of its child): the next page resumes past the
end of the body, lays out nothing and fails an assertion. The fix records
the block's own index with the place inside it, and gives that place back
to the block on the next page.

Balancing columns on the line grid. `columns_layout` balances a run of
columns by raising their height by the part of the next block that did not
fit and keeps the first height at which everything fits, often with the
first column shorter than the next. For the article's columns the start and
the step of that loop are caipdf.typesetting.grid.Balancing's: whole line
pitches, kept at the first height whose columns end level or descending.

Reporting footnotes. `_report_footnotes` (same module) moves a page's
footnotes to the next page, last first, while the footnote area is taller
than its budget; the area's own margin and rule keep it taller than a budget
of nothing, so once every footnote has gone it takes one from an empty list
(IndexError). That happens when a table row taller than a column sits on a
page with footnotes. It now stops when no footnote is left to move, and
caipdf's table check (caipdf/checks/tables.py) reports the row.
"""

from __future__ import annotations

import hashlib
import inspect

import weasyprint
from weasyprint.layout import block, column

from caipdf import WEASYPRINT_VERSION

OLD_LINE = "if last_footnotes_height not in footnote_area_heights:"
NEW_LINE = "if last_footnotes_height > footnote_area_heights[-1]:"
OLD_REPORT = "    while context.current_footnote_area.margin_height() > footnotes_height:"
NEW_REPORT = ("    while (context.current_page_footnotes and\n"
              "           context.current_footnote_area.margin_height() > footnotes_height):")

# After a run of columns is laid out for good (WeasyPrint's own lines, then
# caipdf's): the page's bottom moves up by the footnotes the run called.
COLUMNS_SET = """\
        for column in columns:
            column.height = max_column_height
            new_children.append(column)
"""
FOOTNOTES_ACCOUNTED = COLUMNS_SET + """\
        _report_footnotes(context, footnote_area_heights[-1])
        if context.current_footnote_area.height != 'auto':
            context.page_bottom += (
                footnote_area_heights[0] -
                context.current_footnote_area.margin_height())
            footnote_area_heights = [
                context.current_footnote_area.margin_height()]
"""
SPANNING_RESUMES = """\
                column_skip_stack = resume_at
                break
            page_is_empty = False
"""
SPANNING_RESUMES_FIXED = SPANNING_RESUMES.replace("= resume_at", "= {0: resume_at}")
SPANNING_SKIP = "context, block, original_bottom_space, skip_stack, containing_block,"
SPANNING_SKIP_FIXED = SPANNING_SKIP.replace(" skip_stack,", " skip_stack and skip_stack[0],")
# Balancing on the line grid: caipdf.typesetting.grid.Balancing picks the
# heights to try and the one to keep (its docstring says why).
BALANCING_STARTS = """\
                        balancing = True
                        height = sum(consumed_heights) / count
"""
BALANCING_STARTS_ON_GRID = """\
                        balancing = True
                        balancer = _caipdf_balancing(box, current_position_y, max_height)
                        height = balancer.start(new_boxes, consumed_heights, count)
"""
BALANCING_STEP = """\
                if column_skip_stack is None:
                    # We rendered the whole content, stop
                    break

                # Increase the column heights and render them again
                add_height = 1 if lost_space == inf else lost_space
                height += add_height
"""
BALANCING_STEP_ON_GRID = """\
                settled, height = balancer.advance(
                    height, new_boxes, column_skip_stack is None, lost_space,
                    last_footnotes_height - footnote_area_heights[0])
                if settled:
                    break
"""
FIXES = ((OLD_LINE, NEW_LINE), (COLUMNS_SET, FOOTNOTES_ACCOUNTED),
         (SPANNING_RESUMES, SPANNING_RESUMES_FIXED), (SPANNING_SKIP, SPANNING_SKIP_FIXED),
         (BALANCING_STARTS, BALANCING_STARTS_ON_GRID), (BALANCING_STEP, BALANCING_STEP_ON_GRID))

patched_columns_layout = None  # set by install()


class WeasyPrintMismatch(RuntimeError):
    pass


def source_digest(function) -> str:
    """sha256 of a function's source: what a hook into it was written against."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()


def require_pinned_source(function, expected: str, name: str, what: str) -> None:
    if source_digest(function) != expected:
        raise WeasyPrintMismatch(f"{name} is not the one {what} was written for")


def require_pinned_sources(owner, digests: dict[str, str], prefix: str, what: str) -> None:
    """Each of `digests` (a dotted name below `owner` → sha256 of its source) as pinned,
    and WeasyPrint the pinned version."""
    require_pinned_weasyprint(what)
    for name, digest in digests.items():
        function = owner
        for part in name.split("."):
            function = getattr(function, part)
        require_pinned_source(function, digest, f"{prefix}.{name}", what)


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
    for old, new in FIXES:
        if source.count(old) != 1:
            raise WeasyPrintMismatch("weasyprint.layout.column.columns_layout is not the one "
                                     "caipdf's footnote fixes were written for")
        source = source.replace(old, new)
    report = inspect.getsource(column._report_footnotes)
    if report.count(OLD_REPORT) != 1:
        raise WeasyPrintMismatch("weasyprint.layout.column._report_footnotes is not the one "
                                 "caipdf's fix was written for")
    from caipdf.typesetting.grid import Balancing
    column._caipdf_balancing = Balancing  # the name the balancing fix calls
    code = compile(source, column.__file__, "exec")
    exec(code, column.__dict__)  # rebinds column.columns_layout
    # columns_layout finds _report_footnotes among the module's globals
    exec(compile(report.replace(OLD_REPORT, NEW_REPORT), column.__file__, "exec"), column.__dict__)
    block.columns_layout = column.columns_layout  # block.py imported it by name
    patched_columns_layout = column.columns_layout
