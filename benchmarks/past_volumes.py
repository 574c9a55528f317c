"""How long a past volume takes to archive: a 12-page printed PDF in CMYK
(vol.19's print edition, as a designer sends it to print) and a 2-page scan
at 200 dpi that OCR reads. Each is converted alone (one job), from an empty
archive, a few rounds; prints the medians per volume and per page: the
figures to size the shards of docs/archive.md by.

    .venv/bin/python benchmarks/past_volumes.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from caipdf.archive import build_archive
from caipdf.commands.build import build

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from past_volumes import declare, scanned_pdf  # noqa: E402  (the tests' own volume makers)


def timed_archive(issues: Path) -> float:
    with tempfile.TemporaryDirectory(prefix="caipdf-bench-past-") as folder:
        started = time.perf_counter()
        result = build_archive(issues, Path(folder) / "archive", jobs=1)
        elapsed = time.perf_counter() - started
        assert result.built and not result.failed, result
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="caipdf-bench-issues-") as work:
        work = Path(work)
        printed, scanned = work / "printed", work / "scanned"
        printed.mkdir()
        scanned.mkdir()
        build(ROOT / "issues" / "vol19.yaml", printed / "vol19-print.pdf")
        declare(printed, "vol917", 917, "2019-03", "vol19-print.pdf", 12, [(2, "COP25")])
        scanned_pdf(scanned / "scan.pdf", dpi=200, pages=2)
        declare(scanned, "vol905", 905, "2008-03", "scan.pdf", 2, [(1, "水質調査")])
        for name, issues, pages in (("printed, CMYK", printed, 12), ("scanned, OCR", scanned, 2)):
            times = [timed_archive(issues) for _ in range(args.rounds)]
            median = statistics.median(times)
            print(f"  {name:<14} {pages:2d} pages  median {median:6.2f} s  ({median / pages:.2f} s a page)"
                  f"  {[round(t, 2) for t in times]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
