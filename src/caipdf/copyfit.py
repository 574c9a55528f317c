"""Copy-fitting: figures that may change height take up their article's slack.

An editor fits an article to its pages by hand: a photo a little taller
when the text ends short, a little shorter when it runs over. A figure
whose `size` allows it ("80%–120%": its frame's height from 80 % to 120 %
of what its aspect gives) is fitted here instead:

1. the issue is laid out, and each article's last page measured
   (caipdf.checks.fitting: the body lines left empty per column, or the
   lines run past its pages);
2. article by article, the flexible figures of one that is more than a
   line per column off grow or shrink by that many lines' height, shared
   in proportion to the room their ranges leave (a column figure's height
   is spread over both balanced columns, a page-wide one takes it from
   each, so it needs half);
3. the issue is laid out again (only that article, by caipdf.segments) and
   measured, up to ROUNDS times; the best is kept, and a change that moves
   any article off its page, or leaves its own further off, is undone and
   tried again at half the size (a figure that no longer fits at a column's
   foot moves on, and the text with it, so heights do not act smoothly).

Photos are cropped to the frame they get, so nothing is distorted.
"""

from __future__ import annotations

from collections.abc import Callable

from caipdf.checks.fitting import Fit, fits
from caipdf.structure.model import Figure, Issue

ROUNDS = 6  # layouts tried per article


def flexible(issue: Issue) -> bool:
    return any(figure.size != (1.0, 1.0) for figure in issue.figures)


def fit(issue: Issue, widths: dict[str, float], attempt: Callable[[dict], object],
        rendering_of: Callable[[object], object]):
    """The best of the layouts `attempt(heights)` gives, starting from none changed.

    `widths` are the slots' widths in points (caipdf.images.slots); `attempt`
    lays the issue out with the figures' heights scaled by `heights` and
    returns the result, whose rendering `rendering_of` gives. Articles are
    fitted one after the other, each by at most ROUNDS layouts: a change that
    moves a later article or leaves its own article further off is undone.
    """
    heights: dict[Figure, float] = {}
    laid = attempt(heights)
    for article in issue.articles:
        figures = [block for block in article.blocks
                   if isinstance(block, Figure) and block.size != (1.0, 1.0)]
        if not figures:
            continue
        found = _fit_of(issue, article, rendering_of(laid))
        if found is None or _lines_off(found) == 0:
            continue
        best = (abs(_lines_off(found)), heights, laid)
        step = float(_lines_off(found))
        for _ in range(ROUNDS):
            trial = _refit(found, figures, step, dict(best[1]), widths)
            if trial is None:
                break
            tried = attempt(trial)
            rendering = rendering_of(tried)
            measured = _fit_of(issue, article, rendering)
            if measured is not None and _keeps_plan(issue, rendering) \
                    and abs(_lines_off(measured)) < best[0]:
                best, found = (abs(_lines_off(measured)), trial, tried), measured
                step = float(_lines_off(measured))
                if step == 0:
                    break
            else:  # too far: a figure that no longer fits its column moves on, and text with it
                step /= 2
        _, heights, laid = best
    return laid


def _fit_of(issue: Issue, article, rendering) -> Fit | None:
    return next((found for found in fits(issue, rendering) if found.article is article), None)


def _keeps_plan(issue: Issue, rendering) -> bool:
    return (len(rendering.document.pages) == issue.pages
            and all(rendering.first_page_of(article.id) == article.page for article in issue.articles))


def _refit(found: Fit, figures: list[Figure], lines: float, heights: dict[Figure, float],
           widths: dict[str, float]) -> dict[Figure, float] | None:
    """`heights` with the figures grown (lines > 0) or shrunk by `lines` body
    lines' height, shared in proportion to the room their ranges leave."""
    wanted = lines * found.measure.pitch
    room = {figure: _room(figure, heights.get(figure, 1.0), widths, grow=wanted > 0)
            for figure in figures}
    total = sum(room.values())
    if total <= 0.5:
        return None
    for figure in figures:
        share = abs(wanted) * room[figure] / total
        if figure.span == "page":
            share /= 2
        share = min(room[figure], share) * (1 if wanted > 0 else -1)
        natural = widths[figure.span] * figure.aspect_ratio
        heights[figure] = heights.get(figure, 1.0) + share / natural
    return heights


def _lines_off(found: Fit) -> int:
    """Lines to fill (positive) or to free (negative); 0 when within a line per column."""
    if found.over:
        return -found.over
    if found.shared or all(lines <= 1 for lines in found.empty):
        return 0
    return sum(found.empty)


def _room(figure: Figure, height: float, widths: dict[str, float], grow: bool) -> float:
    """How many points the figure's frame may still grow (or shrink)."""
    low, high = figure.size
    natural = widths[figure.span] * figure.aspect_ratio
    return max(0.0, (high - height if grow else height - low) * natural)
