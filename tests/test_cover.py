"""The cover, read back from PDFs: 16 contents entries fit, the masthead never wraps."""

import ctypes

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest

from caipdf.cli import main
from caipdf.commands.build import build
from caipdf.render.html import MONTHS_EN
from pdfcheck import page_texts, squeeze
from small_issue import issue_head

TOCS = ["気候変動枠組条約第25回締約国会議 COP25の結果と日本の貢献", "JCMパートナー国会合の開催",
        "大阪ブルー・オーシャン・ビジョンの実現に向けた国内外の取組", "脱炭素社会の構築を目指して",
        "地域循環共生圏の取組事例", "二国間環境政策対話・地域フォーラム", "地域・国際フォーラム",
        "脱炭素社会実現のための都市間連携事業", "アジアの大気汚染対策", "海洋プラスチックごみ対策の最前線",
        "Voices from partner cities", "環境インフラの海外展開", "気候変動適応の国際協力",
        "フロンのライフサイクルマネジメント", "環境技術実証（ETV）の広がり", "お知らせ"]


def cover_issue(month: int, volume: int, tocs: list[str]) -> str:
    articles = "".join(f"  - id: a{page}\n    page: {page}\n    toc: {toc}\n    title: 記事{page}\n"
                       "    blocks:\n      - p: 本文です。\n"
                       for page, toc in enumerate(tocs, start=2))
    cover = 'cover_image:\n  image: images/cover.jpg\n  aspect: "3:1"\n'
    return issue_head(len(tocs) + 1, volume, f"2021-{month:02d}", cover) + articles


def cover_glyphs(pdf) -> list[tuple[str, float, float, float]]:
    """(character, left, right, baseline) of each glyph drawn on the cover."""
    textpage = pdfium.PdfDocument(str(pdf))[0].get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    glyphs = []
    for index in range(textpage.count_chars()):
        char = textpage.get_text_range(index, 1)
        if char.strip() and raw.FPDFText_IsGenerated(textpage, index) != 1:
            raw.FPDFText_GetCharOrigin(textpage, index, x, y)
            left, _, right, _ = textpage.get_charbox(index, loose=True)
            glyphs.append((char, left, right, round(y.value, 1)))
    return glyphs


def run_of(glyphs, text: str) -> list[tuple[str, float, float, float]]:
    """The glyphs of the first run of `text` (spaces left out)."""
    joined = "".join(glyph[0] for glyph in glyphs)
    start = joined.index(squeeze(text))
    return glyphs[start:start + len(squeeze(text))]


@pytest.mark.parametrize("month", range(1, 13), ids=lambda month: MONTHS_EN[month - 1])
def test_sixteen_entries_fit_the_cover_in_every_month(tmp_path, month):
    volume = [1, 19, 99, 888, 1234, 9999][month % 6]
    issue = tmp_path / "cover.yaml"
    issue.write_text(cover_issue(month, volume, TOCS), encoding="utf-8")
    pdf = tmp_path / "cover.pdf"
    build(issue, pdf)  # not a draft: the page plan holds, so the cover is one page
    texts = [squeeze(text) for text in page_texts(pdf)]
    cover = texts[0]
    for page, toc in enumerate(TOCS, start=2):
        assert f"{page}{squeeze(toc)}" in cover
    assert "記事2" in texts[1] and "記事2" not in cover
    # The masthead: its title and its date are each one line, side by side.
    glyphs = cover_glyphs(pdf)
    title = run_of(glyphs, "CAI NEWSLETTER")
    date = run_of(glyphs, f"{MONTHS_EN[month - 1]} 2021")
    number = run_of(glyphs, f"VOL.{volume}")[4:]
    for run in (title, date, number):
        assert len({baseline for *_, baseline in run}) == 1, run
    assert max(right for _, _, right, _ in title) < min(left for _, left, _, _ in date + number)


def test_a_cover_that_still_overflows_names_what_runs_over(tmp_path, capfd):
    issue = tmp_path / "cover.yaml"
    issue.write_text(cover_issue(9, 1234, [f"{toc} {toc} {toc}" for toc in TOCS]), encoding="utf-8")
    assert main(["check", str(issue)]) == 1
    err = capfd.readouterr().err
    # The entry named is the first one the draft PDF has on page 2.
    draft = tmp_path / "draft.pdf"
    assert main(["build", str(issue), "--draft", "-o", str(draft)]) == 0
    page_2 = squeeze(page_texts(draft)[1])
    over = min((page_2.find(squeeze(toc)), toc) for toc in TOCS if squeeze(toc) in page_2)[1]
    assert f"the cover takes 2 pages: contents entry 「{over}" in err
    assert "list at most 16 contents entries" in err and "aspect" in err
