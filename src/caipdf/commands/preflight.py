"""`caipdf preflight`: check a PDF against a print shop's requirements."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from caipdf.errors import CaipdfError, Problem


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pdf", type=Path, help="the PDF to check, e.g. build/vol19.pdf")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace) -> int:
    from caipdf.pdf.preflight import NotAPdf, format_report, preflight

    if not args.pdf.is_file():
        raise CaipdfError(Problem(None, f"{args.pdf} does not exist", "build it first: make pdf"))
    fix = "give it the PDF that caipdf build wrote, e.g. build/vol19.pdf"
    try:
        report = preflight(args.pdf)
    except NotAPdf as reason:
        raise CaipdfError(Problem(None, f"{args.pdf} is not a PDF: {reason}", fix)) from None
    except Exception as error:  # pypdf raises many kinds for a damaged file
        raise CaipdfError(Problem(None, f"{args.pdf} cannot be read as a PDF ({error})",
                                  f"build it again; {fix}")) from None
    print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) if args.json
          else format_report(report))
    return 1 if report.errors else 0
