"""Output profiles: what a PDF is for decides its colours, boxes and standard.

- print: PDF/X-4, CMYK only, 3 mm bleed, Japanese trim marks, no links.
- screen: RGB, no bleed or marks, bookmarks, live links, tagged (PDF/UA-1).
- archive: PDF/A-3b, RGB, with its sources attached and full XMP metadata.

Each profile adds its stylesheet from layouts/profiles/ and finishes
WeasyPrint's PDF before it is written (caipdf.pdf).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pydyf

from caipdf.images.prepare import Edition
from caipdf.pdf import archival, identity, marks, tags


@dataclass(frozen=True)
class Profile:
    name: str
    summary: str
    colours: str  # layouts/colors.css's "cmyk" as defined, "rgb" converted, or its "screen" palette
    pdf_variant: str
    trim_marks: bool
    links: bool
    photos: Edition  # what the edition asks of its photos (caipdf.images)
    archival: bool = False  # sources attached, XMP for catalogues (caipdf.pdf.archival)

    @property
    def tagged(self) -> bool:
        """Tagged for assistive technology (PDF/UA): caipdf.pdf.tags gives the tree its meaning."""
        return self.pdf_variant.startswith("pdf/ua")

    @property
    def stylesheet(self) -> str:
        return f"profiles/{self.name}.css"

    def finisher(self, digest: str, issue=None, info: dict | None = None) -> Callable:
        """WeasyPrint's `finisher`: changes to its PDF before it is written."""

        def finish(document, pdf: pydyf.PDF) -> None:
            identity.replace_random_ids(pdf, digest)
            if self.tagged:
                tags.restructure(pdf)
            if self.archival:
                archival.enrich_xmp(pdf, issue, info)
                archival.deduplicate_associated_files(pdf)
            if not self.links:
                for page in marks.pages(pdf):
                    page.pop("Annots", None)
            if self.trim_marks:
                marks.add_trim_marks(pdf)

        return finish


PROFILES = {
    "print": Profile("print", "PDF/X-4 for the press: CMYK, 3 mm bleed, trim marks",
                     colours="cmyk", pdf_variant="pdf/x-4", trim_marks=True, links=False,
                     photos=Edition("cmyk", ppi=300, max_ppi=350, warn_ppi=300, refuse_ppi=150)),
    "screen": Profile("screen", "for reading on screen: RGB, bookmarks, links, tagged (PDF/UA-1)",
                      colours="screen", pdf_variant="pdf/ua-1", trim_marks=False, links=True,
                      photos=Edition("srgb", ppi=180, max_ppi=200, warn_ppi=150)),
    "archive": Profile("archive", "PDF/A-3b for the archive: RGB, sources attached, full XMP",
                       colours="rgb", pdf_variant="pdf/a-3b", trim_marks=False, links=True,
                       photos=Edition("srgb", ppi=300, max_ppi=350, warn_ppi=150), archival=True),
}
DEFAULT = "print"
