"""The photo stage's figures (issue 11), all measured in one run.

No real photos ship with caipdf, so the benchmark makes camera-like JPEGs
(4000×3000, EXIF, every other one with an embedded sRGB profile, about
3 MB each: tests/photos.py) for all 14 photo slots of vol.19, and times, in
fresh processes:

(a) `caipdf build` of vol.19 with the photos, with an empty cache of
    prepared photos and with a warm one, against the same build without
    photos (placeholder frames). Both have the font subsets in their cache
    (caipdf.render.font_subsets). Goals: ≤ 1.5× empty, ≤ 1.15× warm.
(b) the same, against plain WeasyPrint (its own command line) rendering
    the same HTML with the original photos in the <img>s, which is what
    embedding the photos as they are would cost. Goal: ≤ 0.9.
(c) the PDFs' sizes: print ≤ 12 MB, screen ≤ 4 MB.
(d) peak memory (maximum resident set) of the builds with photos, goal
    ≤ 250 MB; and of a build whose one photo has 90 megapixels, goal ≤ 400 MB.

What is compared is measured in the same run, in alternating order, and
the figures are medians and their ratios. Exit status 1 if a goal is missed.

    .venv/bin/python benchmarks/photos.py [--rounds 3]      (make bench)
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from edit_loop import BIN, ROOT, VOL19, run_measured  # noqa: E402
from photos import camera_photo, fill_photo_slots, issue_with_figures, save_jpeg, srgb_profile  # noqa: E402

GOALS = {"empty-cache ratio": 1.5, "warm-cache ratio": 1.15, "plain ratio": 0.9,
         "print MB": 12, "screen MB": 4, "memory MB": 250, "90 MP memory MB": 400}


def make_inputs(folder: Path) -> None:
    """The photos, the 90-megapixel one and the plain HTML. Run in a process of
    its own: a process's peak memory counts what its parent held when it was
    forked, so the timed builds must be started by a small parent."""
    issue = folder / "photos" / "vol19.yaml"
    issue.parent.mkdir()
    shutil.copy(VOL19, issue)
    photos = fill_photo_slots(issue)
    for index, photo in enumerate(photos[::2]):  # every other one with an sRGB profile
        save_jpeg(camera_photo(seed=100 + index, icc_profile=srgb_profile()), photo)
    plain_html(issue, folder / "photos" / "plain.html")
    huge = folder / "huge"
    save_jpeg(camera_photo(11000, 8200), huge / "images" / "huge.jpg", quality=85)
    issue_with_figures(huge, """\
        - figure: images/huge.jpg
          aspect: "4:3"
          alt: 九千万画素の写真
        """)


def without_photos(warm_cache: Path, round_: int) -> dict:
    """A cache with everything of `warm_cache` but its prepared photos (font
    subsets stay: the build without photos has them too)."""
    empty = warm_cache.with_name(f"empty-cache-{round_}")
    shutil.copytree(warm_cache, empty, ignore=lambda folder, names: ["images"] * ("images" in names))
    return {"CAIPDF_CACHE": str(empty)}


def plain_html(issue_file: Path, target: Path) -> None:
    """caipdf's HTML of the issue with each <img> showing its original photo."""
    from caipdf import pipeline
    from caipdf.images import PreparedImage, PreparedPhotos
    from caipdf.render.html import render_html

    issue = pipeline.read(issue_file)
    originals = PreparedPhotos({figure: PreparedImage(figure.path, 0, 0, 0) for figure in issue.photos},
                               {figure: figure.aspect_ratio for figure in issue.figures})
    target.write_text(render_html(issue, photos=originals), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    from caipdf.profiles import DEFAULT, PROFILES

    fonts_conf = {"FONTCONFIG_FILE": str(ROOT / "fonts" / "fonts.conf")}
    with tempfile.TemporaryDirectory(prefix="caipdf-bench-photos-") as folder:
        folder = Path(folder)
        maker = multiprocessing.get_context("spawn").Process(target=make_inputs, args=(folder,))
        maker.start()
        maker.join()
        issue, html, huge = folder / "photos" / "vol19.yaml", folder / "photos" / "plain.html", folder / "huge"
        photos = list((folder / "photos" / "images").rglob("*.jpg"))
        photo_mb = sum(photo.stat().st_size for photo in photos) / len(photos) / 1e6

        def caipdf(source: Path, output: str, *extra: str) -> list[str]:
            return [str(BIN / "caipdf"), "build", str(source), "-o", str(folder / output), *extra]

        plain = [str(BIN / "weasyprint"), str(html), str(folder / "plain.pdf"),
                 "--base-url", issue.parent.as_uri() + "/",
                 "--pdf-variant", PROFILES[DEFAULT].pdf_variant]
        warm_cache = {"CAIPDF_CACHE": str(folder / "warm-cache")}
        run_measured(caipdf(issue, "print.pdf"), warm_cache)  # untimed: fills the warm cache
        run_measured(caipdf(issue, "screen.pdf", "--for", "screen"), warm_cache)
        run_measured(caipdf(VOL19, "frames.pdf"))
        run_measured(plain, fonts_conf)

        times: dict[str, list[float]] = {"frames": [], "empty": [], "warm": [], "plain": []}
        peaks: list[float] = []
        for round_ in range(args.rounds):
            steps = list(times)
            for step in (steps if round_ % 2 == 0 else steps[::-1]):
                if step == "frames":
                    seconds, _ = run_measured(caipdf(VOL19, "frames.pdf"))
                elif step == "empty":
                    seconds, mb = run_measured(caipdf(issue, "print.pdf"),
                                               without_photos(folder / "warm-cache", round_))
                    peaks.append(mb)
                elif step == "warm":
                    seconds, mb = run_measured(caipdf(issue, "print.pdf"), warm_cache)
                    peaks.append(mb)
                else:
                    seconds, _ = run_measured(plain, fonts_conf)
                times[step].append(seconds)
        print_mb = (folder / "print.pdf").stat().st_size / 1e6
        screen_mb = (folder / "screen.pdf").stat().st_size / 1e6

        _, huge_mb = run_measured([str(BIN / "caipdf"), "build", str(huge / "issue.yaml"), "-o",
                                   str(huge / "huge.pdf"), "--draft"],
                                  {"CAIPDF_CACHE": str(huge / "cache")})

    median = {step: statistics.median(values) for step, values in times.items()}
    figures = {"empty-cache ratio": median["empty"] / median["frames"],
               "warm-cache ratio": median["warm"] / median["frames"],
               "plain ratio": median["empty"] / median["plain"],
               "print MB": print_mb, "screen MB": screen_mb,
               "memory MB": max(peaks), "90 MP memory MB": huge_mb}

    def verdict(name: str) -> str:
        return "met" if figures[name] <= GOALS[name] else "MISSED"

    def row(label: str, step: str) -> str:
        values = ", ".join(f"{value:.2f}" for value in times[step])
        return f"      {label:<34} median {median[step]:5.2f} s  [{values}]"

    print(f"caipdf photos, {datetime.date.today()}: vol.19 with 14 camera photos (4000×3000 JPEG, "
          f"{photo_mb:.1f} MB each), {args.rounds} rounds, {os.cpu_count()} cores")
    print("(a) caipdf build, print, fresh process")
    print(row("without photos (placeholder frames)", "frames"))
    print(row("with photos, empty cache", "empty"))
    print(row("with photos, warm cache", "warm"))
    for name in ("empty-cache ratio", "warm-cache ratio"):
        print(f"      {name} {figures[name]:.2f}   goal ≤ {GOALS[name]}   {verdict(name)}")
    print("(b) plain WeasyPrint, the same HTML with the original photos")
    print(row("plain WeasyPrint", "plain"))
    print(f"      caipdf (empty cache) / plain {figures['plain ratio']:.2f}   goal ≤ "
          f"{GOALS['plain ratio']}   {verdict('plain ratio')}")
    print("(c) PDF sizes")
    print(f"      print {print_mb:.1f} MB   goal ≤ {GOALS['print MB']} MB   {verdict('print MB')}")
    print(f"      screen {screen_mb:.1f} MB   goal ≤ {GOALS['screen MB']} MB   {verdict('screen MB')}")
    print("(d) peak memory")
    print(f"      builds with photos {max(peaks):.0f} MB   goal ≤ {GOALS['memory MB']} MB   "
          f"{verdict('memory MB')}")
    print(f"      one 90-megapixel photo {huge_mb:.0f} MB   goal ≤ {GOALS['90 MP memory MB']} MB   "
          f"{verdict('90 MP memory MB')}")
    return 0 if all(verdict(name) == "met" for name in GOALS) else 1


if __name__ == "__main__":
    sys.exit(main())
