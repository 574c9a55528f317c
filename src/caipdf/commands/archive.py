"""`caipdf archive`: build every volume into a verifiable PDF/A archive, verify one,
or merge archives built apart."""

from __future__ import annotations

import argparse
from pathlib import Path

from caipdf.errors import CaipdfError, Problem


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", type=Path, nargs="+",
                        help="the issue files to archive (e.g. issues/), or with --verify the "
                             "archive, or with --merge the archives to join")
    parser.add_argument("-o", "--output", type=Path, help="the archive folder (e.g. archive/)")
    parser.add_argument("-j", "--jobs", type=int, default=None,
                        help="volumes built at once (default: one per CPU core)")
    parser.add_argument("--verify", action="store_true",
                        help="re-hash every file of the archive FOLDER against its manifest")
    parser.add_argument("--rebuild", action="store_true",
                        help="with --verify: also rebuild each volume from the sources attached "
                             "to its PDF and compare the bytes")
    parser.add_argument("--merge", action="store_true",
                        help="join the archives FOLDER … (shards built apart) into -o's folder")


def run(args: argparse.Namespace) -> int:
    from caipdf.archive import build_archive, merge_archives, print_progress, verify_archive

    if args.rebuild and not args.verify:
        raise CaipdfError(Problem(None, "--rebuild goes with --verify", "add --verify"))
    if args.merge:
        if args.output is None:
            raise CaipdfError(Problem(None, "say where the merged archive goes", "add -o archive/"))
        merged = merge_archives(args.folder, args.output)
        print(f"{args.output}: {len(merged)} volumes merged from {len(args.folder)} archives")
        return 0
    if len(args.folder) > 1:
        raise CaipdfError(Problem(None, f"{len(args.folder)} folders given, one expected",
                                  "name one folder, or add --merge to join archives"))
    folder = args.folder[0]
    if args.verify:
        problems = verify_archive(folder, rebuild=args.rebuild, progress=print_progress)
        for problem in problems:
            print(f"MISMATCH {problem}")
        print(f"{folder}: " + ("verified, every file matches its manifest"
                               + (" and rebuilds identically" if args.rebuild else "")
                               if not problems else f"{len(problems)} mismatches"))
        return 1 if problems else 0
    if args.output is None:
        raise CaipdfError(Problem(None, "say where the archive goes", "add -o archive/"))
    result = build_archive(folder, args.output, jobs=args.jobs, progress=print_progress)
    print(f"{args.output}: {len(result.built)} built, {len(result.skipped)} unchanged, "
          f"{len(result.failed)} failed ({result.seconds:.1f} s)")
    return 1 if result.failed else 0
