"""The `caipdf` command line: parses arguments and hands over to caipdf.commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from caipdf import __version__
from caipdf.errors import CaipdfError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="caipdf", description=__doc__)
    parser.add_argument("--version", action="version", version=f"caipdf {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="build an issue's PDF")
    build.add_argument("issue", type=Path, help="the issue file, e.g. issues/vol19.yaml")
    build.add_argument("-o", "--output", type=Path,
                       help="where to write the PDF (default: build/<issue name>.pdf)")
    build.add_argument("--draft", action="store_true",
                       help="write the PDF even if the page plan fails, marked DRAFT on every page")

    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            return _build(args)
    except CaipdfError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("caipdf: interrupted; nothing was written", file=sys.stderr)
        return 130
    return 2


def _build(args) -> int:
    from caipdf.commands.build import build

    output = args.output or Path("build") / f"{args.issue.stem}.pdf"
    print(f"caipdf: building {args.issue} …", file=sys.stderr)
    result = build(args.issue, output, draft=args.draft)
    for warning in result.warnings:
        print(warning, file=sys.stderr)
    print(f"caipdf: wrote {result.output} ({result.pages} pages, "
          f"{len(result.warnings)} warnings, {result.seconds:.1f} s)", file=sys.stderr)
    return 0
