"""A volume with a long table against vol.19, in time per page (issue 12's goal: ≤ 1.3×).

tests/samples/tables.yaml is an 8-page volume whose article on pages 2–3
holds a 60-row table that flows through four columns (with a page-wide
table and English stories besides). WeasyPrint balances columns by laying
their content out again and again; a table in a column must not multiply
that cost. Each round builds both volumes with `caipdf build` in a fresh
process, alternating which goes first, so that the shared machine's noise
falls on both alike. Prints the medians per page and their ratio; exit
status 1 if the goal is missed.

    .venv/bin/python benchmarks/table_speed.py [--rounds 5]      (make bench)
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
VOLUMES = {"vol.19": (ROOT / "issues" / "vol19.yaml", 12),
           "table volume": (ROOT / "tests" / "samples" / "tables.yaml", 8)}
GOAL = 1.3


def seconds_per_page(issue: Path, pages: int, output: Path) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "caipdf"), "build", str(issue), "-o", str(output)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - started) / pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[float]] = {name: [] for name in VOLUMES}
    with tempfile.TemporaryDirectory(prefix="caipdf-bench-tables-") as folder:
        names = list(VOLUMES)
        for round_ in range(args.rounds + 1):  # round 0 warms the file cache
            for name in (names if round_ % 2 else names[::-1]):
                issue, pages = VOLUMES[name]
                elapsed = seconds_per_page(issue, pages, Path(folder) / f"{issue.stem}.pdf")
                if round_:
                    times[name].append(elapsed)
    medians = {name: statistics.median(values) for name, values in times.items()}
    ratio = medians["table volume"] / medians["vol.19"]
    print(f"time per page, cold `caipdf build`, {args.rounds} rounds alternating")
    for name, values in times.items():
        pages = VOLUMES[name][1]
        print(f"  {name:13} {pages:2} pages  median {medians[name]:.3f} s/page  "
              f"{[round(value, 3) for value in values]}")
    print(f"  ratio         {ratio:.2f}×  (goal ≤ {GOAL}×: {'met' if ratio <= GOAL else 'NOT met'})")
    return 0 if ratio <= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
