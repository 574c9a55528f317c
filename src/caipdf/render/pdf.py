"""HTML to a laid-out WeasyPrint document, and that document to PDF bytes."""

from __future__ import annotations

import logging
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from caipdf import paths, typesetting
from caipdf.images import cache as image_cache
from caipdf.pdf import text_runs

# Hide the system's fonts before WeasyPrint (and so fontconfig) starts: the
# only fonts are the @font-face files in fonts/, so output is the same on
# every machine and a missing glyph cannot silently come from elsewhere.
os.environ["FONTCONFIG_FILE"] = str(paths.FONTS / "fonts.conf")
warnings.filterwarnings("ignore", "No fonts configured in FontConfig")

from caipdf.render import weasyprint_ffi  # noqa: E402

weasyprint_ffi.install()  # WeasyPrint's C declarations, compiled once: see the module

import weasyprint  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402

from caipdf.typesetting import grid  # noqa: E402
from caipdf.render import (  # noqa: E402
    deferred_photos, font_subsets, line_memo, tag_sources, weasyprint_fixes,
)

weasyprint_fixes.install()  # footnotes stay on their call's page: see the module
line_memo.install()  # column balancing breaks each line once: see the module
tag_sources.install()  # structure elements remember their HTML: see the module
font_subsets.install()  # the same font subsets on every machine: see the module
deferred_photos.install()  # layout goes on while the photos are made: see the module

typesetting.install()  # Japanese body text to JLREQ: see docs/typesetting.md
grid.install()  # body lines on the page's line grid: see caipdf.typesetting.grid


class LocalFetcher(URLFetcher):
    """Fetches only files below the given folders; nothing from the network."""

    def __init__(self, roots: list[Path]):
        super().__init__(timeout=5, allowed_protocols={"file"})
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url, headers=None):
        if url.startswith(image_cache.URL_SCHEME):
            return URLFetcherResponse(url, image_cache.read_url(url),
                                      {"Content-Type": image_cache.mime_type(url)})
        if not url.startswith("file:"):
            raise ValueError(f"caipdf reads no URL but local files: {url}")
        path = Path(weasyprint.urls.request.url2pathname(url.split("?")[0].removeprefix("file:")))
        real = path.resolve()
        if not any(real.is_relative_to(root) for root in self.roots):
            raise ValueError(f"{path} is outside the issue's folder, layouts/ and fonts/")
        return super().fetch(url, headers)


@dataclass
class Rendering:
    document: weasyprint.document.Document
    warnings: list[str] = field(default_factory=list)
    # WeasyPrint's errors, and fonts it could not load: it goes on without
    # them, but the result is not the issue as designed.
    errors: list[str] = field(default_factory=list)
    html: str = ""  # the HTML that was laid out

    def first_page_of(self, anchor: str) -> int | None:
        """The 1-based page where the element with id `anchor` is laid out."""
        for number, page in enumerate(self.document.pages, start=1):
            if anchor in page.anchors:
                return number
        return None


class _LogCollector(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.warnings: list[str] = []
        self.errors: list[str] = []

    def emit(self, record):
        message = record.getMessage()
        fatal = record.levelno >= logging.ERROR or "cannot be loaded" in message
        (self.errors if fatal else self.warnings).append(message)


def render(html: str, base: Path, stylesheets: Sequence[Path] = (),
           font_config: FontConfiguration | None = None) -> Rendering:
    """Lay out `html`; relative URLs resolve against the folder `base`.

    `stylesheets` are added after the ones the HTML links (an output
    profile's, for example). A `font_config` may be shared between renders
    of the same layouts.
    """
    collector = _LogCollector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        fetcher = LocalFetcher([base, paths.LAYOUTS, paths.FONTS, paths.COLOR])
        font_config = font_config or FontConfiguration()
        extra = [weasyprint.CSS(filename=str(path), url_fetcher=fetcher, font_config=font_config)
                 for path in stylesheets]
        document = weasyprint.HTML(
            string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher
        ).render(font_config=font_config, stylesheets=extra)
        typesetting.ruby.place(document)  # readings over their bases: see the module
    finally:
        logger.removeHandler(collector)
    return Rendering(document, collector.warnings, collector.errors)


def write_pdf(rendering: Rendering, finisher=None, **options) -> bytes:
    """The PDF bytes; `options` are WeasyPrint's write_pdf options, and a
    `finisher` (a profile's) changes the PDF before it is written."""

    def finish(document, pdf):
        text_runs.drop_empty_strings(pdf)  # what every reader places alike: see the module
        if finisher:
            finisher(document, pdf)

    return rendering.document.write_pdf(finisher=finish, **options)
