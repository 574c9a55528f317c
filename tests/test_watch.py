"""`caipdf watch` and its warm session (caipdf.session, caipdf.segments).

A save triggers one build; an invalid edit keeps the last good PDF and is
reported; Ctrl-C stops cleanly; a change in layouts/ is built too. An edit
to one article lays out that article only, and the PDF is byte for byte the
one a layout of the whole issue gives.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from caipdf import paths
from caipdf.commands.build import build
from caipdf.commands.watch import watch
from caipdf.profiles import PROFILES
from caipdf.render.pdf import FontConfiguration
from caipdf.segments import SegmentedLayout
from caipdf.session import Session
from conftest import ROOT, VOL19, edit_paragraph
from pdfcheck import page_texts, squeeze

FIRST_BUILD = 120  # seconds: generous, the machine is shared
REBUILD = 60


@pytest.fixture
def issue(tmp_path) -> Path:
    """A copy of vol.19 to edit (its images are missing there too: placeholders)."""
    copy = tmp_path / "vol19.yaml"
    shutil.copy(VOL19, copy)
    return copy


@pytest.fixture
def fixed_font_dates(monkeypatch):
    """PDFs built at different moments compare byte for byte. Without
    HarfBuzz-subset WeasyPrint subsets fonts with fontTools, which dates each
    subset font now unless SOURCE_DATE_EPOCH says otherwise."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1584057600")  # 2020-03-13


class Lines:
    """A text stream that threads can write to and a test can wait on."""

    def __init__(self):
        self.text = ""
        self.changed = threading.Condition()

    def write(self, text: str) -> None:
        with self.changed:
            self.text += text
            self.changed.notify_all()

    def flush(self) -> None:
        pass

    def lines(self) -> list[str]:
        return self.text.splitlines()

    def wait_for(self, count: int, timeout: float) -> list[str]:
        with self.changed:
            self.changed.wait_for(lambda: len(self.lines()) >= count, timeout)
            assert len(self.lines()) >= count, f"waited {timeout} s for {count} builds: {self.text}"
            return self.lines()


@pytest.fixture
def watching(issue):
    """`watch()` running in a thread on `issue`; stopped at the end of the test."""
    session = Session(issue, issue.with_suffix(".pdf"))
    out, err, stop = Lines(), Lines(), threading.Event()
    thread = threading.Thread(target=watch, args=(session,),
                              kwargs=dict(stop=stop, out=out, err=err), daemon=True)
    thread.start()
    out.wait_for(1, FIRST_BUILD)
    yield session, out, err
    stop.set()
    thread.join(REBUILD)
    assert not thread.is_alive()


def test_a_saved_edit_triggers_exactly_one_rebuild(watching, issue):
    session, out, err = watching
    assert "wrote" in out.lines()[0] and "12 pages" in out.lines()[0]
    before = session.output.read_bytes()

    edit_paragraph(issue, "osaka-blue-ocean", "、そして海へ")
    lines = out.wait_for(2, REBUILD)
    time.sleep(1.5)  # time for more builds, if there were to be any

    assert len(out.lines()) == 2, out.text
    assert "wrote" in lines[1] and "laid out osaka-blue-ocean, reused 8" in lines[1]
    assert session.output.read_bytes() != before
    assert "そして海へ" in squeeze(page_texts(session.output)[4])  # page 5


def test_an_invalid_edit_keeps_the_last_good_pdf_and_is_reported(watching, issue):
    session, out, err = watching
    good = session.output.read_bytes()
    valid = issue.read_text(encoding="utf-8")

    issue.write_text(valid.replace("    toc: ", "    tco: ", 1), encoding="utf-8")
    lines = out.wait_for(2, REBUILD)
    assert "build failed (1 error)" in lines[1] and "is unchanged" in lines[1]
    assert f"{issue}:" in err.text and "unknown key 'tco' in an article" in err.text
    assert "did you mean 'toc'?" in err.text
    assert session.output.read_bytes() == good

    # Watching goes on: the next save builds again.
    issue.write_text(valid, encoding="utf-8")
    assert "wrote" in out.wait_for(3, REBUILD)[2]


def test_one_article_edits_give_the_pdf_build_gives_byte_for_byte(issue, tmp_path,
                                                                  fixed_font_dates):
    """Pages reused from earlier builds are the pages a fresh layout gives."""
    session = Session(issue, tmp_path / "watched.pdf")
    assert session.build().layout.whole
    edits = [("osaka-blue-ocean", "、そして海へ"),      # page 5
             ("policy-dialogues", "（再掲）"),          # pages 8–9: refers forward to p.10
             ("city-to-city", "、引き続き"),            # page 12: the colophon's page
             ("regional-forums", "など")]              # pages 10–11: referred to by p.8
    for article, addition in edits:
        edit_paragraph(issue, article, addition)
        built = session.build()
        assert not built.layout.whole, built.layout.reason
        assert built.layout.laid_out == [article]

        build(issue, tmp_path / "built.pdf")
        assert session.output.read_bytes() == (tmp_path / "built.pdf").read_bytes(), article


def test_watching_for_the_screen_gives_the_pdf_build_gives(issue, tmp_path, fixed_font_dates):
    session = Session(issue, tmp_path / "watched.pdf", profile=PROFILES["screen"])
    session.build()
    edit_paragraph(issue, "jcm", "、そして")
    assert session.build().layout.laid_out == ["jcm"]
    build(issue, tmp_path / "built.pdf", profile=PROFILES["screen"])
    assert session.output.read_bytes() == (tmp_path / "built.pdf").read_bytes()


def test_a_contents_entry_lays_out_the_cover_and_its_article(issue):
    session = Session(issue, issue.with_suffix(".pdf"))
    session.build()
    text = issue.read_text(encoding="utf-8")
    issue.write_text(text.replace("toc: JCM", "toc: 更新JCM", 1), encoding="utf-8")
    built = session.build()
    assert not built.layout.whole and "cover" in built.layout.laid_out
    assert set(built.layout.laid_out) <= {"cover", "jcm"}
    assert "更新JCM" in squeeze(page_texts(session.output)[0])


# A small document whose articles own their pages, or not.
DOCUMENT = """<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">
<link rel="stylesheet" href="{fonts}">
<style>
@page {{ size: A6; margin: 10mm; @bottom-center {{ content: {folio} }} }}
html {{ font-family: "CAI Latin Mincho", "CAI Mincho"; }}
article {{ break-before: page; {reset} }}
.figure::before {{ counter-increment: figure; content: "図" counter(figure) " "; }}
</style></head><body>
<section id="cover"><p>表紙 <a href="#b"></a></p></section>
<article id="a"><p class="figure">{first}</p></article>
<article id="b"><p class="figure">二つ目の記事</p></article>
<article id="c"><p class="figure">三つ目の記事</p></article>
</body></html>"""


def small_document(first: str, reset: str, folio: str = "counter(page)") -> str:
    return DOCUMENT.format(fonts=(paths.LAYOUTS / "fonts.css").as_uri(), first=first,
                           reset=reset, folio=folio)


@pytest.mark.parametrize("folio", ["counter(page)", 'counter(page) " / " counter(pages)'])
def test_articles_that_own_their_pages_are_laid_out_alone(tmp_path, folio, fixed_font_dates):
    layout = SegmentedLayout(tmp_path, FontConfiguration())
    layout.render(small_document("一つ目の記事", "counter-reset: figure;", folio))
    # With the page total shown, the stand-ins of all the pages after the article stay.
    assert layout.all_pages == ("pages" in folio)
    edited = small_document("一つ目の記事を直した", "counter-reset: figure;", folio)
    rendering = layout.render(edited)

    assert not layout.report.whole and layout.report.laid_out == ["a"]
    whole = SegmentedLayout(tmp_path, FontConfiguration()).render(edited)
    assert rendering.document.write_pdf() == whole.document.write_pdf()


def test_a_counter_running_across_articles_makes_the_whole_issue_laid_out(tmp_path):
    # Without the reset, article b's figure number depends on article a's figures.
    layout = SegmentedLayout(tmp_path, FontConfiguration())
    layout.render(small_document("一つ目の記事", reset=""))
    assert not layout.independent
    assert "counters ['figure'] run across segments" in layout.report.reason

    layout.render(small_document("一つ目の記事を直した", reset=""))
    assert layout.report.whole


def read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)


def start_watching(issue: Path, env: dict | None = None):
    process = subprocess.Popen(
        [sys.executable, "-m", "caipdf", "watch", str(issue), "-o", str(issue.with_suffix(".pdf"))],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=issue.parent,
        env={**os.environ, **(env or {})})
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(process.stdout, lines), daemon=True).start()
    return process, lines


def test_ctrl_c_stops_watching_cleanly(issue):
    process, lines = start_watching(issue)
    try:
        assert "wrote" in lines.get(timeout=FIRST_BUILD)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=REBUILD) == 0
    finally:
        process.kill()
    assert "stopped watching" in process.stderr.read()
    assert len(page_texts(issue.with_suffix(".pdf"))) == 12


def test_a_change_in_layouts_is_built(issue, tmp_path):
    """With CAIPDF_HOME on a copy of layouts/, saving a stylesheet rebuilds the whole issue."""
    home = tmp_path / "home"
    shutil.copytree(ROOT / "layouts", home / "layouts")
    for folder in ("fonts", "color"):
        if (ROOT / folder).is_dir():
            (home / folder).symlink_to(ROOT / folder, target_is_directory=True)
    process, lines = start_watching(issue, env={"CAIPDF_HOME": str(home)})
    try:
        assert "wrote" in lines.get(timeout=FIRST_BUILD)
        stylesheet = home / "layouts" / "newsletter.css"
        stylesheet.write_text(stylesheet.read_text(encoding="utf-8")
                              + "\n.article__title { color: black; }\n", encoding="utf-8")
        line = lines.get(timeout=REBUILD)
        assert "wrote" in line and "whole issue laid out" in line
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=REBUILD)

