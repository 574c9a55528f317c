"""A warm build session: one issue built again and again in one process.

`caipdf watch` keeps a Session and calls `build()` after every save. A
build gives the same PDF as `caipdf build`; what makes it fast is what the
session keeps from one build to the next, each kept only while what it was
made from is unchanged:

| kept                                      | dropped when this changes          |
|-------------------------------------------|------------------------------------|
| imports (WeasyPrint and its C libraries)  | — (the process stays)              |
| WeasyPrint's FontConfiguration, so the    | anything in layouts/, fonts/ or    |
| @font-face files are read once            | color/                             |
| the checked issue model                   | the issue file, its images and the |
|                                           | folders above                      |
| the pages of each segment (the cover and  | the folders above, the images; its |
| each article, caipdf.segments)            | own HTML or the pages it refers to |
| compressed PDF streams (deflate_memo)     | — (kept by their content)          |

Files are compared by modification time, size and inode (`stamp`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from caipdf import deflate_memo, paths, pipeline
from caipdf.atomic import write_atomically
from caipdf.errors import CaipdfError, Problem
from caipdf.profiles import DEFAULT, PROFILES, Profile
from caipdf.render.pdf import FontConfiguration
from caipdf.segments import LayoutReport, SegmentedLayout
from caipdf.structure.model import Issue

Stamp = tuple[int, int, int] | None  # (mtime_ns, size, inode), None for a missing file
# Where the presentation comes from: what the renderer may read besides the
# issue's folder (caipdf.render.pdf) and what provenance digests.
LOOK_FOLDERS = (paths.LAYOUTS, paths.FONTS, paths.COLOR)


def stamp(path: Path | str) -> Stamp:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino


def stamps(files: Iterable[Path] = (), folders: Iterable[Path] = ()) -> dict[str, Stamp]:
    """The stamps of `files` and of every file below `folders`, by path.

    Watch looks some 60 times a second: os.scandir lists and stats in one go.
    """
    found = {str(path): stamp(path) for path in files}
    pending = [str(folder) for folder in folders]
    while pending:
        try:
            entries = os.scandir(pending.pop())
        except OSError:
            continue
        with entries:
            for entry in entries:
                if entry.is_dir():
                    pending.append(entry.path)
                elif entry.is_file():
                    status = entry.stat()
                    found[entry.path] = status.st_mtime_ns, status.st_size, status.st_ino
    return found


@dataclass
class Built:
    output: Path
    pages: int
    seconds: float
    warnings: list[str] = field(default_factory=list)
    layout: LayoutReport = field(default_factory=LayoutReport)
    pdf: bytes = b""  # what was written to `output`
    laid_out: pipeline.LaidOutIssue | None = None


class Session:
    """One issue built into one PDF, again and again, keeping what did not change."""

    def __init__(self, issue_file: Path, output: Path, draft: bool = False,
                 profile: Profile = PROFILES[DEFAULT]):
        self.issue_file = Path(issue_file)
        self.output = Path(output)
        self.draft = draft
        self.profile = profile
        deflate_memo.install()  # unchanged streams are not compressed again
        self._images: list[Path] = []  # the figures' files, of the last issue read
        self._font_config = None
        self._layout: SegmentedLayout | None = None
        self._looks: dict | None = None  # stamps of LOOK_FOLDERS' files
        self._pictures: dict | None = None  # stamps of the images
        self._issue: tuple | None = None  # (what it was read from, the model)

    def snapshot(self) -> dict[str, Stamp]:
        """The stamps of every file whose change calls for a new build."""
        return stamps([self.issue_file] + self._images, LOOK_FOLDERS)

    def build(self) -> Built:
        """Build the PDF; on any failure the previous PDF is left as it was."""
        started = time.perf_counter()
        self._drop_what_changed()
        issue = self._read()
        laid_out = self._lay_out(issue)
        if laid_out.problems and not self.draft:
            raise CaipdfError(laid_out.problems)
        warnings = laid_out.warnings + [str(problem).replace("error:", "warning (draft):", 1)
                                        for problem in laid_out.problems]
        pdf = pipeline.pdf_bytes(laid_out, self.profile)
        write_atomically(self.output, pdf)
        return Built(self.output, laid_out.pages, time.perf_counter() - started, warnings,
                     self._layout.report, pdf, laid_out)

    def _drop_what_changed(self) -> None:
        looks = stamps(folders=LOOK_FOLDERS)
        if looks != self._looks:
            self._font_config = FontConfiguration()
            self._layout = None
            self._issue = None  # the glyph check reads the fonts
            self._looks = looks
        pictures = stamps(self._images)
        if pictures != self._pictures:
            self._layout = None
            self._issue = None  # a figure's image may have appeared or gone
            self._pictures = pictures

    def _read(self) -> Issue:
        try:
            source = self.issue_file.read_bytes()
        except OSError as error:
            raise CaipdfError(Problem(None, f"cannot read {self.issue_file}: {error.strerror}",
                                      "check the file's name; watching goes on")) from None
        if self._issue and self._issue[0] == source:
            return self._issue[1]
        self._issue = None
        issue = pipeline.read(self.issue_file)
        images = [figure.file for figure in issue.figures]
        if images != self._images:  # new files' pages are new: nothing to drop
            self._images = images
            self._pictures = stamps(images)
        self._issue = source, issue
        return issue

    def _lay_out(self, issue: Issue) -> pipeline.LaidOutIssue:
        """As pipeline.lay_out (keep the two alike), with the pages of
        unchanged segments reused."""
        base = issue.source.resolve().parent
        if self._layout is None or self._layout.base != base:
            self._layout = SegmentedLayout(base, self._font_config)
        return pipeline.lay_out(issue, draft=self.draft, profile=self.profile, layout=self._layout)
