"""The image stage, between the issue model and the HTML.

1. `read_photos` (when the issue is read): each figure's file is read once
   and checked (`source.py`); every problem is reported with the figure's line.
2. `prepare_photos` (for each edition): each photo is fitted to its frame,
   sized and converted for the edition (`prepare.py`, `colour.py`), at the
   width its slot is placed (`slots.py`), and kept in the cache (`cache.py`)
   so a rebuild does not make it again. Resolution is checked here, where
   the placed width is known. The photos are made on a pool of threads
   while WeasyPrint lays the issue out, which needs only their sizes: the
   PDF writer waits for each one's bytes (caipdf.render.deferred_photos).

The HTML then points each <img> at its prepared file (`caipdf-image:NAME`),
which the renderer's fetcher reads from the cache.
"""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

from PIL import Image

from caipdf.errors import CaipdfError, Problem
from caipdf.images import cache
from caipdf.images.prepare import (
    Edition, Frame, decoded_megabytes, pixel_size, prepared_jpeg, source_ppi,
)
from caipdf.images.slots import slot_widths
from caipdf.images.svg import UnprintableSvg, framed_svg
from caipdf.images.source import MAX_PIXELS, SourceImage, read_source, strict_decoding
from caipdf.structure.model import Figure, Issue

Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # caipdf's own limit, reported as an error by source.py
# Photos decoded side by side take at most this much memory together (a
# 4000×3000 photo decoded whole takes 36 MB, at half size 9 MB).
MEMORY_BUDGET = 48

__all__ = ["Edition", "PreparedImage", "PreparedPhotos", "prepare_photos", "read_photos"]


@dataclass(frozen=True)
class PreparedImage:
    url: str  # caipdf-image:NAME, as the <img> gives it
    width: int  # pixels
    height: int
    ppi: float  # at the placed width


@dataclass
class PreparedPhotos:
    images: dict[Figure, PreparedImage] = field(default_factory=dict)
    frames: dict[Figure, float] = field(default_factory=dict)  # every figure's frame: height / width
    warnings: list[str] = field(default_factory=list)


def read_photos(issue: Issue) -> list[Problem]:
    """Read and check the file of every figure that has one; keep them in
    `issue.photos` and return the problems."""
    problems = []
    figures = [figure for figure in issue.figures if figure.available]
    with strict_decoding():
        sources = _in_parallel(read_source, figures)
    for figure, source in zip(figures, sources):
        if isinstance(source, Problem):
            problems.append(source)
        else:
            issue.photos[figure] = source
    return problems


def prepare_photos(issue: Issue, profile, heights: dict[Figure, float] | None = None) -> PreparedPhotos:
    """Every photo of `issue` made ready for `profile`'s edition, each in its
    figure's frame, whose height copy-fitting may have changed by a factor
    (`heights`); raises CaipdfError listing every photo whose resolution the
    edition refuses."""
    edition: Edition = profile.photos
    prepared, problems, to_make = PreparedPhotos(), [], {}
    prepared.frames = {figure: figure.aspect_ratio * (heights or {}).get(figure, 1.0)
                       for figure in issue.figures}
    widths = slot_widths(profile) if issue.photos else {}
    for figure, source in issue.photos.items():
        aspect_ratio = prepared.frames[figure]
        if source.svg:
            name = cache.name(source.digest, f"{aspect_ratio:.6f}", edition.key(), suffix=".svg")
            try:
                if not cache.has(name):
                    cache.keep(name, framed_svg(source.read(), aspect_ratio,
                                                cmyk=edition.colours == "cmyk"))
            except UnprintableSvg as reason:
                problems.append(Problem(
                    figure.location, f"the SVG figure '{figure.path}' cannot be printed: {reason}",
                    "remove it from the SVG, or export the figure as PNG or TIFF at 300 ppi"))
                continue
            prepared.images[figure] = PreparedImage(cache.url(name), 0, 0, 0)
            continue
        frame = Frame(round(widths[figure.span], 2), aspect_ratio, figure.fit, figure.focus)
        ppi = source_ppi(source, frame)
        low = _low_resolution(figure, source, frame, ppi, edition)
        if low:
            refused, problem = low
            if refused and not figure.accept_low_resolution:
                problems.append(problem)
            else:
                prepared.warnings.append(_as_warning(problem))
        if not figure.alt and not figure.decorative:
            prepared.warnings.append(
                f"{figure.location}: warning: the photo '{figure.path}' has no alternative text"
                "\n  fix: add 'alt: …' saying what it shows (read aloud in the screen edition), "
                "or 'decorative: true'")
        name = cache.name(source.digest, frame.key(), edition.key())
        if not cache.has(name):
            to_make[name] = (source, frame, edition)
        width, height = pixel_size(source, frame, edition)
        prepared.images[figure] = PreparedImage(cache.url(name), width, height,
                                                width / (frame.width_pt / 72))
    if problems:
        raise CaipdfError(problems)
    for name, (source, frame, edition) in to_make.items():
        _make_beside_layout(name, source, frame, edition)
    return prepared


def _make_beside_layout(name: str, source: SourceImage, frame: Frame, edition: Edition) -> None:
    """Start making a prepared photo on the pool and promise it in the cache.
    Decoding, resampling, colour conversion and encoding run outside Python's
    lock in Pillow, so they take the cores the layout leaves."""
    def make() -> None:
        with _photo_budget.taken(decoded_megabytes(source, frame, edition)):
            cache.keep(name, prepared_jpeg(source, frame, edition))

    width, height = pixel_size(source, frame, edition)
    cache.promise(name, width, height, _photo_pool().submit(make))


_pool: ThreadPoolExecutor | None = None


def _photo_pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="photos")
    return _pool


def _forget_pool() -> None:
    """In a forked child: the parent's pool threads do not exist there."""
    global _pool, _photo_budget
    _pool, _photo_budget = None, _MemoryBudget(MEMORY_BUDGET)
    cache.forget_promises()


def _in_parallel(function, items: list) -> list:
    """`function` over `items` on every core (Pillow decodes outside Python's lock)."""
    if len(items) < 2:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(len(items), os.cpu_count() or 1)) as pool:
        return list(pool.map(function, items))


class _MemoryBudget:
    def __init__(self, megabytes: float):
        self.free = megabytes
        self.limit = megabytes
        self.changed = threading.Condition()

    @contextmanager
    def taken(self, megabytes: float):
        megabytes = min(megabytes, self.limit)  # one larger than the budget waits for all of it
        with self.changed:
            self.changed.wait_for(lambda: self.free >= megabytes)
            self.free -= megabytes
        try:
            yield
        finally:
            with self.changed:
                self.free += megabytes
                self.changed.notify_all()


_photo_budget = _MemoryBudget(MEMORY_BUDGET)  # shared by every photo being made
os.register_at_fork(after_in_child=_forget_pool)


def _low_resolution(figure: Figure, source: SourceImage, frame: Frame, ppi: float,
                    edition: Edition) -> tuple[bool, Problem] | None:
    """(whether the edition refuses it, the problem) for a photo under the
    edition's resolution; None for one that is fine."""
    if ppi >= edition.warn_ppi:
        return None
    refused = edition.refuse_ppi is not None and ppi < edition.refuse_ppi
    needed = edition.warn_ppi / ppi
    width_mm = frame.width_pt / 72 * 25.4
    message = (f"the photo '{figure.path}' ({source.width}×{source.height} px) prints at "
               f"{ppi:.0f} ppi across its {width_mm:.0f} mm frame, under "
               f"{edition.refuse_ppi if refused else edition.warn_ppi} ppi")
    size = f"{_at_least(source.width * needed)}×{_at_least(source.height * needed)} px"
    hint = f"use a photo of at least {size} for {edition.warn_ppi} ppi, or a smaller frame"
    if refused:
        hint += ", or write 'accept_low_resolution: true' to print it as it is"
    return refused, Problem(figure.location, message, hint)


def _at_least(pixels: float) -> int:
    return math.ceil(pixels - 1e-6)  # rounded down, the photo would still be under


def _as_warning(problem: Problem) -> str:
    return str(problem).replace("error:", "warning:", 1)
