"""The WeasyPrint fixes caipdf applies, and the layout they guarantee."""

import weasyprint
from weasyprint.layout import block, column

from caipdf.render import pdf, weasyprint_fixes  # noqa: F401  (importing pdf installs the fixes)
from pdfcheck import page_texts, squeeze


def test_pinned_weasyprint_and_patched_function():
    assert weasyprint.__version__ == weasyprint_fixes.WEASYPRINT_VERSION
    # The function on disk is still the one the fix was written for …
    with open(column.__file__, encoding="utf-8") as file:
        assert file.read().count(weasyprint_fixes.OLD_LINE) == 1
    # … and the laid-out documents use the fixed one.
    assert weasyprint_fixes.patched_columns_layout is not None
    assert column.columns_layout is weasyprint_fixes.patched_columns_layout
    assert block.columns_layout is weasyprint_fixes.patched_columns_layout


def test_footnotes_sit_on_the_page_of_their_call(vol19_pdf):
    texts = [squeeze(text) for text in page_texts(vol19_pdf)]
    for call, note in (("SBT*1", "*1SBTとは"), ("RE100*2", "*2事業で使用する電力")):
        [call_page] = [number for number, text in enumerate(texts, 1) if call + "設定" in text
                       or call + "加盟" in text]
        [note_page] = [number for number, text in enumerate(texts, 1) if note in text]
        assert call_page == note_page == 2


LOREM = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud "
         "exercitation ullamco laboris nisi ut aliquip. ")


def _call_and_note_pages(tmp_path, paragraph: int, offset: int) -> tuple[int, int]:
    paragraphs = [f"<p>P{number:02d} {LOREM}</p>" for number in range(45)]
    text = f"P{paragraph:02d} {LOREM}"
    paragraphs[paragraph] = (f"<p>{text[:offset]}<span class=\"footnote\">NOTE-X.</span>"
                             f"CALL{text[offset:]}</p>")
    font = (pdf.paths.FONTS / "CAILatinMincho-Regular.ttf").as_uri()
    html = f"""<style>
      @font-face {{ font-family: "Body"; src: url({font}) }}
      @page {{ size: A4; margin: 15mm 16mm 20mm 16mm; @footnote {{ border-top: 1px solid; padding-top: 6px }} }}
      body {{ font: 9pt/1.7 "Body"; margin: 0 }} p {{ margin: 0 0 .6em; text-align: justify }}
      .cols {{ columns: 2; column-gap: 6mm; column-fill: auto }}
      .footnote {{ float: footnote; font-size: 7.5pt }}
    </style><div class="cols">{"".join(paragraphs)}</div>"""
    output = tmp_path / f"notes-{paragraph}-{offset}.pdf"
    output.write_bytes(pdf.render(html, tmp_path).document.write_pdf())
    texts = [squeeze(text) for text in page_texts(output)]
    call = next(page for page, text in enumerate(texts, 1) if "CALL" in text)
    note = next(page for page, text in enumerate(texts, 1) if "NOTE-X." in text)
    return call, note


def test_footnotes_stay_with_calls_near_a_column_foot(tmp_path):
    """Calls swept over the foot of page 1's last column, where WeasyPrint 70
    moved the footnote to the next page."""
    for paragraph in range(15, 20):  # WeasyPrint 70 alone fails at P17
        for offset in (4, 80, 160, 240):
            call, note = _call_and_note_pages(tmp_path, paragraph, offset)
            assert call == note, f"call in P{paragraph} at {offset}: page {call}, footnote on page {note}"


def test_pyproject_pins_the_release_the_fixes_are_written_for():
    import tomllib

    from caipdf import WEASYPRINT_VERSION
    from conftest import ROOT

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert f"weasyprint=={WEASYPRINT_VERSION}" in project["dependencies"]
