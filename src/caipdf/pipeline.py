"""The stages every command shares: read and check an issue, then lay it out.

YAML → validated model (+ glyph coverage) → HTML → WeasyPrint layout →
the checks of the laid-out document (caipdf.checks). Writing the PDF is
left to the commands.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from caipdf import checks, copyfit, glyphs, images, provenance
from caipdf.errors import CaipdfError, Problem
from caipdf.profiles import DEFAULT, PROFILES, Profile
from caipdf.render.html import render_html
from caipdf.pdf import archival
from caipdf.render.pdf import FontConfiguration, Rendering, render, write_pdf
from caipdf.structure.loader import load_issue
from caipdf.structure.model import Issue


@dataclass
class LaidOutIssue:
    issue: Issue
    rendering: Rendering
    problems: list[Problem]  # the page plan's and the layout's (errors unless drafting)
    warnings: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return len(self.rendering.document.pages)


def read(issue_file: Path) -> Issue:
    """The validated issue; every problem with it, and with the fonts, raises."""
    issue = load_issue(issue_file)
    problems = glyphs.check_font_files() + glyphs.check_coverage(issue) + images.read_photos(issue)
    if problems:
        raise CaipdfError(problems)
    return issue


def pdf_bytes(laid_out: LaidOutIssue, profile: Profile) -> bytes:
    """The finished PDF of a laid-out issue: the profile's PDF variant, its
    finishing (marks, identifiers, XMP) and, for the archive, the sources."""
    issue = laid_out.issue
    digest = provenance.build_digest(issue, profile.name)
    # Without HarfBuzz-subset, WeasyPrint subsets fonts with fontTools, which
    # stamps each subset with the current time unless SOURCE_DATE_EPOCH says
    # otherwise: the issue's date keeps identical sources giving identical bytes.
    os.environ["SOURCE_DATE_EPOCH"] = str(provenance.issue_epoch(issue))
    options, info = {}, None
    if profile.tagged:
        options["pdf_identifier"] = True  # PDF/UA wants a trailer /ID: a digest of the file
    if profile.archival:
        info = archival.build_info(issue)
        options["attachments"] = archival.attachments(issue, info)
    return write_pdf(laid_out.rendering, pdf_variant=profile.pdf_variant,
                     finisher=profile.finisher(digest, issue, info), **options)


def lay_out(issue: Issue, draft: bool = False, font_config=None,
            profile: Profile = PROFILES[DEFAULT], layout=None) -> LaidOutIssue:
    """Lay the issue out for `profile`; `font_config` (WeasyPrint's) may be reused
    across builds, and a `layout` (caipdf.segments') reuses unchanged articles' pages."""
    warnings = [_missing_image(figure) for figure in issue.figures if not figure.available]

    def attempt(heights: dict) -> tuple[images.PreparedPhotos, Rendering]:
        photos = images.prepare_photos(issue, profile, heights)
        html = render_html(issue, profile, draft=draft, photos=photos)
        if layout is not None:
            rendering = layout.render(html)
        else:
            rendering = render(html, issue.source.resolve().parent, font_config=font_config)
            rendering.html = html
        if rendering.errors:
            raise CaipdfError([Problem(None, f"WeasyPrint: {message}", "check the file it names; "
                                       "layouts and fonts come from the repository")
                               for message in rendering.errors])
        return photos, rendering

    if copyfit.flexible(issue):
        if layout is None:  # each try lays out the one article it changes
            from caipdf.segments import SegmentedLayout

            layout = SegmentedLayout(issue.source.resolve().parent,
                                     font_config or FontConfiguration())
        photos, rendering = copyfit.fit(issue, images.slot_widths(profile), attempt,
                                        rendering_of=lambda laid: laid[1])
    else:
        photos, rendering = attempt({})
    warnings += photos.warnings
    warnings += [f"warning: WeasyPrint: {message}" for message in rendering.warnings]
    findings = checks.run(issue, rendering)
    return LaidOutIssue(issue, rendering, findings.errors, warnings + findings.warnings)


def _missing_image(figure) -> str:
    warning = (f"{figure.location}: warning: image '{figure.path}' is missing; "
               "a placeholder frame is drawn in its place")
    similar = images.source.similar_file(figure)
    if similar:
        warning += f"\n  fix: did you mean '{similar}'?"
    return warning
