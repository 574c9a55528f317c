"""Archiving 4 volumes in parallel against one at a time (issue 7's goal: ≥ 1.8×).

The 4 volumes are copies of vol.19 under 4 names: the only real volume,
and of one size, so that the measure is of parallel building, not of how
unevenly sized volumes happen to pack onto the cores (a 12-page volume
and three 3-page test volumes cannot go faster than the 12-page one).

Both runs happen in this one process, alternating (serial, parallel,
parallel, serial, …) so that the shared machine's noise falls on both
alike; each run starts from an empty archive. Prints the medians and the
ratio.

    .venv/bin/python benchmarks/archive_speed.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from caipdf.archive import build_archive

ROOT = Path(__file__).resolve().parents[1]
VOL19 = ROOT / "issues" / "vol19.yaml"
VOLUMES = [f"vol19{letter}.yaml" for letter in "abcd"]
GOAL = 1.8


def timed_archive(issues: Path, jobs: int) -> float:
    with tempfile.TemporaryDirectory(prefix="caipdf-bench-archive-") as folder:
        started = time.perf_counter()
        result = build_archive(issues, Path(folder) / "archive", jobs=jobs)
        elapsed = time.perf_counter() - started
        assert len(result.built) == len(VOLUMES) and not result.failed, result
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="caipdf-bench-issues-") as issues:
        issues = Path(issues)
        for name in VOLUMES:
            shutil.copy(VOL19, issues / name)
        timed_archive(issues, jobs=cores)  # warm the file cache
        serial, parallel = [], []
        for round_ in range(args.rounds):
            order = [("serial", 1), ("parallel", cores)]
            for name, jobs in (order if round_ % 2 == 0 else order[::-1]):
                (serial if name == "serial" else parallel).append(timed_archive(issues, jobs))
    ratio = statistics.median(serial) / statistics.median(parallel)
    print(f"archive of {len(VOLUMES)} volumes, {args.rounds} rounds, {cores} cores")
    print(f"  one at a time   median {statistics.median(serial):6.2f} s  {[round(t, 2) for t in serial]}")
    print(f"  in parallel     median {statistics.median(parallel):6.2f} s  {[round(t, 2) for t in parallel]}")
    print(f"  speed-up        {ratio:.2f}×  (goal ≥ {GOAL}×: {'met' if ratio >= GOAL else 'NOT met'})")
    return 0 if ratio >= GOAL else 1


if __name__ == "__main__":
    raise SystemExit(main())
