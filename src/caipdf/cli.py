"""The `caipdf` command line: parses arguments and hands over to caipdf.commands.

Each command lives in its own module under caipdf.commands, with
`add_arguments(parser)` and `run(args) -> int`; this file only lists them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from caipdf import __version__, paths
from caipdf.errors import CaipdfError
from caipdf.isolation import run_in_child

# command name → (module under caipdf.commands, one-line help)
COMMANDS = {
    "build": ("build", "build an issue's PDF"),
    "archive": ("archive", "build all volumes into a PDF/A archive with manifest and catalogue, "
                           "or verify one"),
    "check": ("check", "validate and lay out an issue and report, without writing a PDF"),
    "preflight": ("preflight", "check a PDF for print: boxes, fonts, colours, images, ink"),
    "schema": ("schema", "print the JSON Schema of issue files (for editors' YAML support)"),
    "watch": ("watch", "build an issue, then again after every save of it, its images "
                       "or the layouts"),
    "serve": ("serve", "the editor's desk: the issue live in the browser, updated on every save"),
    "preview": ("preview", "a PNG of each page of a PDF and a contact sheet of its spreads"),
    "diff": ("diff", "which pages differ between two PDFs, with the changes highlighted"),
}

# Commands that render run in a child process, so that a crash in the C
# libraries below WeasyPrint ends in a message (see isolation.py).
ISOLATED = {"build", "check", "archive", "watch", "serve"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="caipdf", description="Typesets the CAI Newsletter from YAML into print-ready PDF.")
    parser.add_argument("--version", action="version", version=f"caipdf {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(f"caipdf.commands.{module_name}")
        module.add_arguments(subparsers.add_parser(name, help=help_text, description=help_text))
    args = parser.parse_args(argv)
    if not (paths.LAYOUTS / "issue.html").is_file():
        print(f"error: caipdf cannot find its layouts in {paths.LAYOUTS}\n"
              "  fix: run caipdf from its checkout (make installs it there), or set CAIPDF_HOME "
              "to the folder that holds layouts/ and fonts/", file=sys.stderr)
        return 2
    module = importlib.import_module(f"caipdf.commands.{COMMANDS[args.command][0]}")

    def work() -> int:
        try:
            return module.run(args)
        except CaipdfError as error:
            print(error, file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print("caipdf: interrupted; no file was changed", file=sys.stderr)
            return 130

    if args.command in ISOLATED:
        return run_in_child(work, f"running 'caipdf {args.command}'")
    return work()
