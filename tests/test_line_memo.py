"""Remembered line breaks (caipdf.render.line_memo): each question once, same PDF."""

import subprocess
import sys
from pathlib import Path

from caipdf.render import line_memo
from caipdf.render.pdf import render
from weasyprint.layout import inline

ROOT = Path(__file__).resolve().parents[1]
VOL19 = ROOT / "issues" / "vol19.yaml"

PARAGRAPH = ("<p>クリーンアジア・イニシアティブは、アジアの都市が環境と成長を両立させるための"
             "協力の枠組みです。Clean Asia Initiative (CAI) は 2008 年に始まりました。</p>")
BALANCED_COLUMNS = (f"<html lang=ja><body style='font-family: \"CAI Mincho\"'>"
                    f"<link rel=stylesheet href='{(ROOT / 'layouts' / 'fonts.css').as_uri()}'>"
                    f"<div style='columns: 2; width: 300px'>{PARAGRAPH * 6}</div></body></html>")


def test_balancing_columns_breaks_each_line_once(monkeypatch, tmp_path):
    questions, answered = [], []
    asking = inline.split_first_line
    original = line_memo._split

    def ask(text, style, *rest, **options):
        questions.append((text, id(style), *rest, *sorted(options.items())))
        return asking(text, style, *rest, **options)

    def answer(*arguments):
        answered.append(arguments)
        return original(*arguments)

    monkeypatch.setattr(inline, "split_first_line", ask)
    monkeypatch.setattr(line_memo, "_split", answer)
    render(BALANCED_COLUMNS, tmp_path)
    assert len(questions) > 2 * len(set(questions))  # balancing asks each many times
    assert len(answered) == len(set(questions))


def test_each_text_box_gets_its_own_layout_object(monkeypatch, tmp_path):
    rendering = render(BALANCED_COLUMNS, tmp_path)
    layouts = [box.pango_layout for page in rendering.document.pages
               for box in page._page_box.descendants() if hasattr(box, "pango_layout")]
    assert len(layouts) > 10
    assert len({id(layout) for layout in layouts}) == len(layouts)


def test_the_pdfs_are_byte_identical_without_the_memo(vol19_pdf, vol19_screen_pdf, tmp_path):
    script = ("import sys; from pathlib import Path\n"
              "import caipdf.render.line_memo as memo; memo.install = lambda: None\n"
              "from caipdf.commands.build import build\n"
              "from caipdf.profiles import PROFILES\n"
              "from weasyprint.layout import inline\n"
              "assert inline.split_first_line is not memo.split_first_line\n"
              "build(Path(sys.argv[1]), Path(sys.argv[2]))\n"
              "build(Path(sys.argv[1]), Path(sys.argv[3]), profile=PROFILES['screen'])\n")
    printed, screen = tmp_path / "print.pdf", tmp_path / "screen.pdf"
    subprocess.run([sys.executable, "-c", script, str(VOL19), str(printed), str(screen)],
                   check=True, capture_output=True, cwd=ROOT)
    assert printed.read_bytes() == vol19_pdf.read_bytes()
    assert screen.read_bytes() == vol19_screen_pdf.read_bytes()
