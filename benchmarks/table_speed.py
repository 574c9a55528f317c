"""A volume with a long table against vol.19, in time per page (issue 12's goal: ≤ 1.3×).

tests/samples/tables.yaml is an 8-page volume whose article on pages 2–3
holds a 60-row table that flows through three columns (with a page-wide
table and English stories besides). WeasyPrint balances columns by laying
their content out again and again; a table in a column must not multiply
that cost. Each round builds both volumes with `caipdf build` in a fresh
process, alternating which goes first, so that the shared machine's noise
falls on both alike. Prints the medians per page, wall-clock and CPU (user
and system time of the build's process), and their ratios. The goal is
judged on CPU time: on this shared machine a build's wall-clock time also
counts the time it waited for a core. Exit status 1 if the goal is missed.

    .venv/bin/python benchmarks/table_speed.py [--rounds 5]      (make bench)
"""

from __future__ import annotations

import argparse
import os
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


def seconds_per_page(issue: Path, pages: int, output: Path) -> tuple[float, float]:
    """(wall-clock, CPU) seconds per page of `caipdf build` in a fresh process."""
    started = time.perf_counter()
    process = subprocess.Popen([str(BIN / "caipdf"), "build", str(issue), "-o", str(output)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: caipdf build {issue}")
    return wall / pages, (usage.ru_utime + usage.ru_stime) / pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in VOLUMES}
    with tempfile.TemporaryDirectory(prefix="caipdf-bench-tables-") as folder:
        names = list(VOLUMES)
        for round_ in range(args.rounds + 1):  # round 0 warms the file cache
            for name in (names if round_ % 2 else names[::-1]):
                issue, pages = VOLUMES[name]
                elapsed = seconds_per_page(issue, pages, Path(folder) / f"{issue.stem}.pdf")
                if round_:
                    times[name].append(elapsed)
    print(f"time per page, cold `caipdf build`, {args.rounds} rounds alternating")
    ratios = {}
    for index, kind in enumerate(("wall-clock", "CPU")):
        medians = {name: statistics.median(value[index] for value in values)
                   for name, values in times.items()}
        ratios[kind] = medians["table volume"] / medians["vol.19"]
        for name, values in times.items():
            print(f"  {kind:10} {name:13} {VOLUMES[name][1]:2} pages  median {medians[name]:.3f} s/page  "
                  f"{[round(value[index], 3) for value in values]}")
    met = ratios["CPU"] <= GOAL
    print(f"  ratio  wall-clock {ratios['wall-clock']:.2f}×, CPU {ratios['CPU']:.2f}×  "
          f"(goal, on CPU time, ≤ {GOAL}×: {'met' if met else 'NOT met'})")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
