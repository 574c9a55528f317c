"""`caipdf diff`: the pages that changed, a picture of each, and the exit status."""

from __future__ import annotations

import shutil

import pypdf
from PIL import Image

from caipdf.cli import main
from caipdf.commands import diff
from caipdf.commands.build import build
from conftest import VOL19
from conftest import edit_paragraph


def test_identical_pdfs_report_no_change(vol19_pdf, tmp_path):
    copy = tmp_path / "copy.pdf"
    shutil.copy(vol19_pdf, copy)
    assert main(["diff", str(vol19_pdf), str(copy), "-o", str(tmp_path / "diff")]) == 0
    assert not list(tmp_path.glob("diff/*.png"))


def test_an_edit_on_page_5_reports_page_5_and_nothing_else(vol19_pdf, tmp_path, capsys):
    issue = tmp_path / "vol19.yaml"
    shutil.copy(VOL19, issue)
    edit_paragraph(issue, "osaka-blue-ocean", "、そして海へ")  # the article on page 5
    edited = tmp_path / "edited.pdf"
    build(issue, edited)

    assert main(["diff", str(vol19_pdf), str(edited), "-o", str(tmp_path / "diff")]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"page 5 changed: {tmp_path / 'diff' / 'page-05.png'}"]
    assert [png.name for png in (tmp_path / "diff").glob("*.png")] == ["page-05.png"]

    # The picture: before and after side by side, the change framed in red.
    changes, pages = diff.diff(vol19_pdf, edited, tmp_path / "again")
    (change,) = changes
    assert (change.number, change.kind, pages) == (5, "changed", 12)
    picture = Image.open(change.picture).convert("RGB")
    left, top, right, bottom = change.regions[0]
    frame = picture.getpixel((diff.HEADER // 2 + left, diff.HEADER + top + (bottom - top) // 2))
    assert frame == diff.FRAME
    assert len(change.regions) <= 3  # one edited sentence, not the whole page


def test_a_page_only_in_one_pdf_is_added_or_removed(vol19_pdf, tmp_path):
    shorter = tmp_path / "eleven.pdf"
    writer = pypdf.PdfWriter(clone_from=vol19_pdf)
    writer.remove_page(11)
    writer.write(shorter)

    changes, pages = diff.diff(vol19_pdf, shorter, tmp_path / "diff")
    assert [(c.number, c.kind) for c in changes] == [(12, "removed")] and pages == 12
    changes, _ = diff.diff(shorter, vol19_pdf, tmp_path / "diff")
    assert [(c.number, c.kind) for c in changes] == [(12, "added")]


def test_an_unreadable_pdf_is_exit_status_2(tmp_path, capsys):
    not_a_pdf = tmp_path / "notes.pdf"
    not_a_pdf.write_text("not a PDF")
    assert main(["diff", str(not_a_pdf), str(not_a_pdf)]) == 2
    assert "cannot read" in capsys.readouterr().err
