"""`caipdf archive`: build every volume into a verifiable PDF/A archive, or verify one."""

from __future__ import annotations

import argparse
from pathlib import Path

from caipdf.errors import CaipdfError, Problem


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path,
                        help="the issue files to archive (e.g. issues/), or with --verify the archive")
    parser.add_argument("-o", "--output", type=Path, help="the archive folder (e.g. archive/)")
    parser.add_argument("-j", "--jobs", type=int, default=None,
                        help="volumes built at once (default: one per CPU core)")
    parser.add_argument("--verify", action="store_true",
                        help="re-hash every file of the archive FOLDER against its manifest")
    parser.add_argument("--rebuild", action="store_true",
                        help="with --verify: also rebuild each volume from the sources attached "
                             "to its PDF and compare the bytes")


def run(args: argparse.Namespace) -> int:
    from caipdf.archive import build_archive, print_progress, verify_archive

    if args.verify:
        problems = verify_archive(args.folder, rebuild=args.rebuild, progress=print_progress)
        for problem in problems:
            print(f"MISMATCH {problem}")
        print(f"{args.folder}: " + ("verified, every file matches its manifest"
                                    + (" and rebuilds identically" if args.rebuild else "")
                                    if not problems else f"{len(problems)} mismatches"))
        return 1 if problems else 0
    if args.rebuild:
        raise CaipdfError(Problem(None, "--rebuild goes with --verify", "add --verify"))
    if args.output is None:
        raise CaipdfError(Problem(None, "say where the archive goes", "add -o archive/"))
    result = build_archive(args.folder, args.output, jobs=args.jobs, progress=print_progress)
    print(f"{args.output}: {len(result.built)} built, {len(result.skipped)} unchanged, "
          f"{len(result.failed)} failed ({result.seconds:.1f} s)")
    return 1 if result.failed else 0
