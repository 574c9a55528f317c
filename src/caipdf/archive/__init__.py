"""The archive of every volume: PDF/A-3b files, a manifest, an offline catalogue
that can be searched, and verification.

A package because the archive holds two kinds of volume: caipdf's own, built
from their issue files (`build`), and past volumes kept as the PDFs they were
printed from, converted by OCRmyPDF (`past`); `search` writes the catalogue's
index of every page's text and `build` the manifest, catalogue and checks.
"""

from caipdf.archive.build import (  # noqa: F401
    ArchiveResult, build_archive, extract_sources, merge_archives, print_progress, verify_archive,
)
