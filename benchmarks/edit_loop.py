"""The edit loop's figures (issue 6), all measured in one run.

(a) cold build: `caipdf build` of vol.19 in a fresh process, against plain
    WeasyPrint (its own command line, a fresh process) rendering the same
    HTML (`caipdf build --html`) with the same fonts and PDF variant.
    caipdf's time includes all its own work: reading and checking the
    issue, the JLREQ typesetting, the page plan, the profile's finishing.
    Goal: ratio ≤ 1.1. caipdf also speeds WeasyPrint up (its C declarations
    compiled once, render/weasyprint_ffi.py; each line broken once while
    columns are balanced, render/line_memo.py), so a third build is timed
    without those two: it shows what caipdf's own work costs, and what the
    speed-ups win back.
(b) a one-article edit in `caipdf watch`: from the moment the edited issue
    file is saved to the moment watch reports the new PDF written, the
    file-polling delay included. Each round edits every article once, in
    turn (one sentence gains or loses a word). Goals: median ≤ 0.5 s and
    ≤ 0.3 × the cold build.
(c) peak memory (maximum resident set): of the cold build, and of the
    watching process over the whole run. Goal: ≤ 150 MB.
(d) the size of vol.19's PDF, which has no photos in the repository.
    Goal: ≤ 600 kB.
(e) the same edit in `caipdf serve`: from the moment the edited issue
    file is saved to the moment the edited page's new image has arrived,
    as a browser gets it (the server-sent event naming it, then the
    image). Before each save the desk is left to finish the previous one
    (preflight, other editions), as an editor's next save comes seconds
    later. Goal: median ≤ 0.25 × the cold build.

The machine is shared and noisy: what is compared is measured in the same
run, in alternating order (caipdf, plain, unsped, edits, desk in even
rounds; desk, edits, unsped, plain, caipdf in odd ones), and the figures
are medians and their ratios.
Exit status 1 if a goal is missed.

    .venv/bin/python benchmarks/edit_loop.py [--rounds 5]      (make bench)
"""

from __future__ import annotations

import argparse
import datetime
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
VOL19 = ROOT / "issues" / "vol19.yaml"
ARTICLES = ["cop25", "jcm", "osaka-blue-ocean", "net-zero", "regional-circular",
            "policy-dialogues", "regional-forums", "city-to-city"]
EDIT = "、改めて"  # added to, then taken from, an article's first sentence

# `caipdf build` with WeasyPrint as it comes (for the figures, not a goal).
WITHOUT_SPEEDUPS = ("import sys\n"
                    "import caipdf.render.line_memo as memo, caipdf.render.weasyprint_ffi as ffi\n"
                    "memo.install = ffi.install = lambda: None\n"
                    "from caipdf.cli import main\n"
                    "sys.exit(main(sys.argv[1:]))\n")

GOALS = {"cold ratio": 1.1, "edit seconds": 0.5, "edit ratio": 0.3, "memory MB": 150,
         "size kB": 600, "desk ratio": 0.25}


def run_measured(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """(seconds, peak resident MB) of a command in a fresh process; it must succeed."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, **(env or {})}, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
    process.stderr.close()
    return seconds, usage.ru_maxrss / 1024  # ru_maxrss is in kB on Linux


def toggle_edit(issue: Path, article: str) -> None:
    """Add EDIT to the first sentence of `article`, or take it away; save as editors
    do (a new file renamed over the old one)."""
    text = issue.read_text(encoding="utf-8")
    start = text.index("- p: ", text.index(f"- id: {article}\n"))
    stop = text.index("。", start)
    if text[:stop].endswith(EDIT):
        text = text[:stop - len(EDIT)] + text[stop:]
    else:
        text = text[:stop] + EDIT + text[stop:]
    temporary = issue.with_name(f".{issue.name}.saving")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, issue)


class Watcher:
    """`caipdf watch` in its own process, and the lines it prints."""

    def __init__(self, issue: Path, output: Path):
        self.process = subprocess.Popen(
            [str(BIN / "caipdf"), "watch", str(issue), "-o", str(output)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.next_line(timeout=300)  # the first, cold build

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put((time.perf_counter(), line))

    def next_line(self, timeout: float = 60) -> float:
        """When the next build line came; the build must have written the PDF."""
        when, line = self.lines.get(timeout=timeout)
        if " wrote " not in line:
            sys.exit(f"watch did not write the PDF: {line}")
        return when

    def edit(self, issue: Path, article: str) -> float:
        """Seconds from saving an edit of `article` to the new PDF written."""
        toggle_edit(issue, article)
        saved = time.perf_counter()
        return self.next_line() - saved

    def peak_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class DeskClient:
    """`caipdf serve` in its own process, followed as a browser does (its events)."""

    def __init__(self, issue: Path, output: Path):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [str(BIN / "caipdf"), "serve", str(issue), "-o", str(output), "--port",
             str(self.port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        self.states: queue.Queue = queue.Queue()
        threading.Thread(target=self._follow, daemon=True).start()
        self.state = self.next_state(lambda state: state["pages"] and not state["working_on"],
                                     timeout=300)

    def _follow(self) -> None:
        import http.client
        import json

        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port)
                connection.request("GET", "/events")
                response = connection.getresponse()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        for line in response:
            if line.startswith(b"data: "):
                self.states.put((time.perf_counter(), json.loads(line[6:])))

    def next_state(self, condition, timeout: float = 60) -> dict:
        while True:
            when, state = self.states.get(timeout=timeout)
            if condition(state):
                self.when = when
                return state

    def edit(self, issue: Path, article: str) -> float:
        """Seconds from saving an edit of `article` to its page's new image received."""
        import urllib.request

        before = {page["number"]: page["url"] for page in self.state["pages"]}
        first, last = next(a["laid_out"] for a in self.state["articles"] if a["id"] == article)
        toggle_edit(issue, article)
        saved = time.perf_counter()

        def redrawn(state):
            return state["status"] == "built" and any(
                page["url"] != before[page["number"]] for page in state["pages"]
                if first <= page["number"] <= last)

        state = self.next_state(redrawn)
        url = next(page["url"] for page in state["pages"]
                   if first <= page["number"] <= last and page["url"] != before[page["number"]])
        urllib.request.urlopen(f"http://127.0.0.1:{self.port}{url}").read()
        seconds = time.perf_counter() - saved
        self.state = self.next_state(lambda state: not state["working_on"], timeout=300)
        return seconds

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    from caipdf.profiles import DEFAULT, PROFILES

    fonts_conf = {"FONTCONFIG_FILE": str(ROOT / "fonts" / "fonts.conf")}
    with tempfile.TemporaryDirectory(prefix="caipdf-bench-") as folder:
        folder = Path(folder)
        built, html = folder / "vol19.pdf", folder / "vol19.html"
        caipdf = [str(BIN / "caipdf"), "build", str(VOL19), "-o", str(built)]
        unsped = [sys.executable, "-c", WITHOUT_SPEEDUPS] + caipdf[1:-1] + [str(folder / "unsped.pdf")]
        plain = [str(BIN / "weasyprint"), str(html), str(folder / "plain.pdf"),
                 "--base-url", VOL19.parent.as_uri() + "/",
                 "--pdf-variant", PROFILES[DEFAULT].pdf_variant]
        # Untimed: warms the disk cache and writes the HTML plain WeasyPrint renders.
        run_measured(caipdf + ["--html", str(html)])
        run_measured(plain, fonts_conf)

        issue = folder / "edited" / "vol19.yaml"
        issue.parent.mkdir()
        shutil.copy(VOL19, issue)
        watcher = Watcher(issue, folder / "edited" / "vol19.pdf")
        served = folder / "served" / "vol19.yaml"
        served.parent.mkdir()
        shutil.copy(VOL19, served)
        desk = DeskClient(served, folder / "served" / "vol19.pdf")

        cold, cold_mb, baseline, baseline_mb, bare = [], [], [], [], []
        edits: dict[str, list[float]] = {article: [] for article in ARTICLES}
        desk_edits: dict[str, list[float]] = {article: [] for article in ARTICLES}
        try:
            for round_ in range(args.rounds):
                steps = ["caipdf", "plain", "unsped", "edits", "desk"]
                for step in (steps if round_ % 2 == 0 else steps[::-1]):
                    if step == "caipdf":
                        seconds, mb = run_measured(caipdf)
                        cold.append(seconds), cold_mb.append(mb)
                    elif step == "unsped":
                        bare.append(run_measured(unsped)[0])
                    elif step == "plain":
                        seconds, mb = run_measured(plain, fonts_conf)
                        baseline.append(seconds), baseline_mb.append(mb)
                    elif step == "edits":
                        for article in ARTICLES:
                            edits[article].append(watcher.edit(issue, article))
                    else:
                        for article in ARTICLES:
                            desk_edits[article].append(desk.edit(served, article))
            watch_mb = watcher.peak_mb()
        finally:
            watcher.stop()
            desk.stop()
        size_kb = built.stat().st_size / 1000

    all_edits = [seconds for times in edits.values() for seconds in times]
    all_desk_edits = [seconds for times in desk_edits.values() for seconds in times]
    figures = {"cold ratio": statistics.median(cold) / statistics.median(baseline),
               "edit seconds": statistics.median(all_edits),
               "edit ratio": statistics.median(all_edits) / statistics.median(cold),
               "memory MB": max(max(cold_mb), watch_mb),
               "size kB": size_kb,
               "desk ratio": statistics.median(all_desk_edits) / statistics.median(cold)}

    def verdict(name: str) -> str:
        return "met" if figures[name] <= GOALS[name] else "MISSED"

    def times(values: list[float]) -> str:
        return f"median {statistics.median(values):5.2f} s  [{', '.join(f'{v:.2f}' for v in values)}]"

    print(f"caipdf edit loop, {datetime.date.today()}: vol.19 (12 pages), {args.rounds} rounds, "
          f"{os.cpu_count()} cores, HarfBuzz subsetting: {harfbuzz_subset()}")
    print("(a) cold build, fresh process")
    print(f"      caipdf build          {times(cold)}")
    print(f"      plain WeasyPrint      {times(baseline)}")
    print(f"      ratio {figures['cold ratio']:.2f}   goal ≤ {GOALS['cold ratio']}   "
          f"{verdict('cold ratio')}")
    print(f"      caipdf build, WeasyPrint not sped up  {times(bare)}   (ratio "
          f"{statistics.median(bare) / statistics.median(baseline):.2f}: caipdf's own work; "
          f"its speed-ups save {statistics.median(bare) - statistics.median(cold):.2f} s)")
    print("(b) one-article edit in caipdf watch, save → PDF written")
    print(f"      all {len(all_edits)} edits       {times(all_edits)}   goal ≤ "
          f"{GOALS['edit seconds']} s   {verdict('edit seconds')}")
    for article, values in edits.items():
        print(f"        {article:<20} median {statistics.median(values):5.2f} s")
    print(f"      ratio to the cold build {figures['edit ratio']:.2f}   goal ≤ "
          f"{GOALS['edit ratio']}   {verdict('edit ratio')}")
    print("(c) peak memory")
    print(f"      caipdf build {max(cold_mb):.0f} MB, caipdf watch {watch_mb:.0f} MB "
          f"(plain WeasyPrint {max(baseline_mb):.0f} MB)   goal ≤ {GOALS['memory MB']} MB   "
          f"{verdict('memory MB')}")
    print("(d) PDF size, no photos")
    print(f"      {size_kb:.0f} kB   goal ≤ {GOALS['size kB']} kB   {verdict('size kB')}")
    print("(e) one-article edit in caipdf serve, save → the page's new image received")
    print(f"      all {len(all_desk_edits)} edits       {times(all_desk_edits)}")
    for article, values in desk_edits.items():
        print(f"        {article:<20} median {statistics.median(values):5.2f} s")
    print(f"      ratio to the cold build {figures['desk ratio']:.2f}   goal ≤ "
          f"{GOALS['desk ratio']}   {verdict('desk ratio')}")
    return 0 if all(verdict(name) == "met" for name in GOALS) else 1


def harfbuzz_subset() -> str:
    import ctypes.util
    return "yes" if ctypes.util.find_library("harfbuzz-subset") else "no (fontTools, slower)"


if __name__ == "__main__":
    sys.exit(main())
