"""Remembering where lines break while WeasyPrint balances columns.

WeasyPrint 70 balances a page's columns by laying their content out again
and again (`layout/column.py`: "with a stupid algorithm like this it can
last minutes…"), and lays a page out again when its footnotes change. Each
pass breaks the same paragraphs at the same widths: for vol.19, 4,562 calls
of `split_first_line` ask 903 different questions, and the answers are most
of a build's time.

`split_first_line(text, style, context, max_width, justification_spacing,
is_line_start, minimum)` depends on nothing else: the text, the computed
style (fonts, size, language, spacing), the width, and the font
configuration the style carries (and, once caipdf.typesetting has wrapped
it, on settings of that module that do not change during a layout). It returns its Pango layout deactivated
(`first_line_metrics`): the text and a few numbers, laid out again from them
when the line is drawn. So `install()` makes WeasyPrint's line splitter
remember each answer for the rest of the document's layout (on its layout
context) and hand out a copy of the layout object each time, so that no two
text boxes share one. The PDF is byte-identical with and without it
(tests/test_line_memo.py).
"""

from __future__ import annotations

# WeasyPrint is imported by caipdf.render.pdf, after it has hidden the
# system's fonts: the functions below import it when they run.
_installed = False


def install() -> None:
    """Patch WeasyPrint's two callers of split_first_line (lines, and the
    widths of table cells and flex items); idempotent."""
    global _installed
    from weasyprint.layout import inline, preferred

    from caipdf.render.weasyprint_fixes import require_pinned_weasyprint

    if _installed:
        return
    require_pinned_weasyprint("caipdf's remembered line breaks")
    inline.split_first_line = preferred.split_first_line = split_first_line
    _installed = True


def split_first_line(text, style, context, max_width, justification_spacing,
                     is_line_start=True, minimum=False):
    memo = context.__dict__.get("_caipdf_lines")
    if memo is None:
        memo = context._caipdf_lines = {}
    # The style is kept in the answer, so its id stays its own while remembered.
    key = (text, id(style), max_width, justification_spacing, is_line_start, minimum)
    answer = memo.get(key)
    if answer is None or answer[0] is not style:
        answer = memo[key] = (style, _split(text, style, context, max_width,
                                            justification_spacing, is_line_start, minimum))
    layout, *numbers = answer[1]
    copy = object.__new__(type(layout))
    copy.__dict__.update(layout.__dict__)
    return (copy, *numbers)


def _split(*arguments):
    """WeasyPrint's splitter, looked up at each call: caipdf.typesetting
    replaces it to push loose lines in."""
    from weasyprint.text import line_break

    return line_break.split_first_line(*arguments)
