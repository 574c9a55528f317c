"""The page plan's new freedoms (issue 12, item 6): several contents entries
starting on one page, and a back page with the colophon alone."""

import textwrap

import pytest

from caipdf.commands.build import build
from caipdf.errors import CaipdfError
from layout_pdf import read_layout
from pdfcheck import page_texts, squeeze
from test_layout_check import PARAGRAPH

HEAD = """\
series:
  initiative: CLEAN ASIA INITIATIVE (CAI)
  title: CAI NEWSLETTER
  title_ja: クリーンアジア・イニシアティブ ニュースレター
volume: 99
issued: 2021-04
pages: 4
cover_line: 試験号
colophon:
  publisher: 発行者の名前
  producer: 制作者の名前
  contacts:
    - name: 連絡先
      address: 住所
articles:
"""


def article(article_id: str, page: int, title: str, paragraphs: int) -> str:
    blocks = "".join(f"      - p: {PARAGRAPH}\n" for _ in range(paragraphs))
    return textwrap.indent(textwrap.dedent(f"""\
        - id: {article_id}
          page: {page}
          toc: {title}
          title: {title}
          blocks:
        """), "  ") + blocks


def four_pages(tmp_path, first_paragraphs: int = 2):
    """Two articles on page 2, one on page 3, the colophon alone on page 4."""
    path = tmp_path / "issue.yaml"
    path.write_text(HEAD + article("first", 2, "最初の記事", first_paragraphs)
                    + article("second", 2, "同じページの次の記事", 3)
                    + article("third", 3, "三つ目の記事", 12), encoding="utf-8")
    return path


def test_two_entries_on_one_page_and_a_colophon_only_back_page(tmp_path):
    pdf = build(four_pages(tmp_path), tmp_path / "out.pdf").output
    texts = [squeeze(text) for text in page_texts(pdf, body_only=True)]
    assert len(texts) == 4
    assert "2最初の記事2同じページの次の記事3三つ目の記事" in texts[0]
    assert "最初の記事" in texts[1] and "同じページの次の記事" in texts[1]
    assert "三つ目の記事" in texts[2]
    # The back page: the colophon, and no article.
    assert "発行者の名前" in texts[3] and "記事" not in texts[3].replace("発行者の名前", "")
    assert "CAINEWSLETTER" in texts[3] and "vol.99·APRIL2021" in texts[3]  # the series' band
    assert "発行者の名前" not in texts[2]
    # 'second' starts below the end of 'first', on the same page.
    page = read_layout(pdf)[1]
    title = [glyph for glyph in page.glyphs if glyph.char == "同" and glyph.size > 15]
    body = [glyph for glyph in page.glyphs if abs(glyph.size - 9) < 0.05]
    first_body = [glyph for glyph in body if glyph.top > title[0].top]
    assert first_body and min(glyph.bottom for glyph in first_body) > title[0].top
    assert any(glyph.top < title[0].bottom for glyph in body)  # and its body is below it
    for page in read_layout(pdf):
        assert page.overlaps() == []


def test_an_article_pushing_the_next_off_its_shared_page_is_named(tmp_path):
    with pytest.raises(CaipdfError) as caught:
        build(four_pages(tmp_path, first_paragraphs=13), tmp_path / "out.pdf")
    message = str(caught.value)
    assert "article 'second' should start on page 2 but starts on page 3" in message
    assert "article 'first' has page 2 but fills 2 pages: cut about" in message
