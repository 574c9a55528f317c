"""Copy-fitting (caipdf.copyfit): figures with a `size` range take up their
article's slack, measured from the PDF (PDFium's glyphs and image boxes)."""

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from caipdf.commands.build import build
from caipdf.errors import CaipdfError
from layout_pdf import read_layout
from photos import camera_photo, issue_with_figures, save_jpeg

SENTENCE = "これは試験用の文章で、段組の高さを満たすために繰り返されます。"
NATURAL = 0.75  # the 4:3 frame's height / width


def article(folder, paragraphs: int, size: str | None):
    save_jpeg(camera_photo(2400, 1800), folder / "images" / "photo.jpg")
    blocks = "".join(f"- p: {SENTENCE * 5}\n" for _ in range(paragraphs))
    blocks += '- figure: images/photo.jpg\n  aspect: "4:3"\n  alt: 写真\n  caption: 伸び縮みする図\n'
    if size:
        blocks += f'  size: "{size}"\n'
    return issue_with_figures(folder, blocks)


def frame_shape(pdf) -> float:
    page = pdfium.PdfDocument(pdf)[1]
    [image] = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]))
    left, bottom, right, top = image.get_bounds()
    return (top - bottom) / (right - left)


def short_warnings(result, page: int) -> list[str]:
    return [w for w in result.warnings if f"short of the foot of page {page}" in w]


@pytest.mark.parametrize("paragraphs", [10, 11])
def test_a_flexible_photo_grows_to_fill_its_articles_last_page(tmp_path, paragraphs):
    fixed = build(article(tmp_path / "fixed", paragraphs, None), tmp_path / "fixed.pdf")
    empty = [read_layout(fixed.output)[1].empty_lines(column) for column in (0, 1)]
    assert min(empty) > 3 and short_warnings(fixed, 2), empty

    fitted = build(article(tmp_path / "fitted", paragraphs, "60%–200%"), tmp_path / "fitted.pdf")
    empty = [read_layout(fitted.output)[1].empty_lines(column) for column in (0, 1)]
    assert max(empty) < 1.8, empty  # within a line per column
    assert not short_warnings(fitted, 2)
    assert NATURAL * 1.1 < frame_shape(fitted.output) <= NATURAL * 2 + 0.01
    assert abs(frame_shape(fixed.output) - NATURAL) < 0.01


def test_a_flexible_photo_shrinks_so_an_article_keeps_to_its_page(tmp_path):
    with pytest.raises(CaipdfError, match="should start on page 3"):
        build(article(tmp_path / "fixed", 13, None), tmp_path / "fixed.pdf")
    fitted = build(article(tmp_path / "fitted", 13, "50%–100%"), tmp_path / "fitted.pdf")
    assert frame_shape(fitted.output) < NATURAL * 0.95
    assert len(pdfium.PdfDocument(fitted.output)) == 3


def test_size_must_be_a_range_around_the_frame(tmp_path):
    folder = tmp_path / "bad"
    issue = article(folder, 2, "120%–150%")
    with pytest.raises(CaipdfError) as caught:
        build(issue, tmp_path / "bad.pdf")
    assert "size must be a range of heights around 100%" in str(caught.value)
