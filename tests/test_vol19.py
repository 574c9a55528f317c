"""vol.19 end to end: the built PDF, read back, against the printed issue.

The expectations come from the seed (tests/data/vol19-seed.txt, the text of
the printed issue) and its page map, never from caipdf's own output.
"""

import re

import pytest

from pdfcheck import (A4, FOOTER_TOP, MM, content_boxes, embedded_fonts, page_sizes, page_texts,
                      squeeze, text_in)
from conftest import ROOT, VOL19

SEED = ROOT / "tests" / "data" / "vol19-seed.txt"

# The issue's own table of contents (seed README): page → heading printed there.
PAGE_MAP = {
    2: ["気候変動枠組条約", "第25回締約国会議COP25"],
    4: ["JCMパートナー会合の開催", "炭素中立性連合閣僚会合の開催"],
    5: ["大阪ブルー・オーシャン・ビジョンの", "実現に向けた国内外の取組"],
    6: ["脱炭素社会の構築を目指して", "日本の87自治体が"],
    7: ["地域循環共生圏の取組事例"],
    8: ["第2回日本・タイ環境政策対話"],
    10: ["日本・タイ環境ウィークの開催"],
    12: ["脱炭素社会実現のための都市間連携事業"],
}
CONTENTS = [(2, "気候変動枠組条約第25回締約国会議"), (4, "JCMパートナー会合の開催"),
            (5, "大阪ブルー・オーシャン・ビジョン"), (6, "脱炭素社会の構築を目指して"),
            (7, "地域循環共生圏の取組事例"), (8, "二国間環境政策対話・地域フォーラム"),
            (10, "地域・国際フォーラム"), (12, "脱炭素社会実現のための都市間連携事業")]
BACK_PAGE_FOOT = 62 * MM  # the colophon's share of page 12
# Misprints the issue file corrects (each marked by a comment in vol19.yaml).
CORRECTIONS = {"パイ会談": "バイ会談", "協カニ": "協力イニ", "~": "〜"}


def seed_chunks() -> list[str]:
    """The seed's lines (table rows split into cells), without whitespace."""
    chunks = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        for cell in line.split("\t"):
            cell = re.sub(r"^- ", "", cell.strip())
            cell = cell.replace("^{*1}", "*1").replace("^{*2}", "*2").strip("<>")
            for wrong, right in CORRECTIONS.items():
                cell = cell.replace(wrong, right)
            cell = squeeze(cell)
            if cell and set(cell) != {"X"}:  # XXXX… is a redacted line
                chunks.append(cell)
    return chunks


def test_twelve_a4_pages(vol19_pdf):
    sizes = page_sizes(vol19_pdf)
    assert len(sizes) == 12
    for width, height in sizes:
        assert width == pytest.approx(A4[0], abs=0.5) and height == pytest.approx(A4[1], abs=0.5)


@pytest.mark.parametrize("page", sorted(PAGE_MAP))
def test_article_starts_on_its_contents_page(vol19_pdf, page):
    texts = [squeeze(text) for text in page_texts(vol19_pdf, body_only=True)]
    for heading in PAGE_MAP[page]:
        assert squeeze(heading) in texts[page - 1], f"{heading!r} not on page {page}"
        if page - 1 > 1:  # the cover lists every heading in its contents
            assert squeeze(heading) not in texts[page - 2], f"{heading!r} already on page {page - 1}"


def test_cover_lists_the_real_pages(vol19_pdf):
    cover = squeeze(page_texts(vol19_pdf)[0])
    for page, title in CONTENTS:
        assert f"{page}{squeeze(title)}" in cover, f"contents entry {page} {title}"


def test_cover_masthead(vol19_pdf):
    cover = squeeze(page_texts(vol19_pdf)[0])
    for text in ("CLEANASIAINITIATIVE(CAI)", "CAINEWSLETTER", "クリーンアジア・イニシアティブニュースレター",
                 "MARCH2020", "VOL.19", "脱炭素社会の実現に向けた日本のイニシアティブ"):
        assert text in cover, text


def test_cross_references_name_the_real_pages(vol19_pdf):
    texts = [squeeze(text) for text in page_texts(vol19_pdf)]
    assert "日本・タイ環境ウィーク(→p.10記事参照)" in texts[8 - 1]
    assert "政策対話(→p.8記事参照)" in texts[10 - 1]


def test_running_footer_has_page_number_outside_and_name(vol19_pdf):
    outer_width = 30 * MM
    for number in range(2, 13):
        # The back page gives its foot to the colophon, with the number above it.
        height = BACK_PAGE_FOOT if number == 12 else FOOTER_TOP
        footer = squeeze(text_in(vol19_pdf, number, 0, 0, A4[0], height))
        assert ("クリーンアジア・イニシアティブニュースレターvol.192020年3月発行" if number == 12
                else "CAINEWSLETTERvol.19") in footer
        # Even pages are left-hand pages: the number sits at the outer edge.
        left = 0 if number % 2 == 0 else A4[0] - outer_width
        corner = squeeze(text_in(vol19_pdf, number, left, height - 12 * MM, left + outer_width, height))
        assert corner == str(number)
    assert "vol.19" not in squeeze(text_in(vol19_pdf, 1, 0, 0, A4[0], FOOTER_TOP))


def test_every_font_is_embedded_and_from_fonts_folder(vol19_pdf):
    from fontTools.ttLib import TTFont

    shipped = {TTFont(path, lazy=True)["name"].getDebugName(6)
               for path in (ROOT / "fonts").glob("*.ttf")}
    fonts = embedded_fonts(vol19_pdf)
    assert fonts
    for font in fonts:
        assert font.has_program, f"{font.base_font} is not embedded"
        assert font.postscript_name in shipped, f"{font.base_font} ({font.postscript_name}) is not from fonts/"


def reading_order_text(pdf) -> str:
    """The issue's text without whitespace, in reading order.

    Running footers (pages 2–11) are left out, and footnotes (a page's text
    from the first line that starts with a mark like *1) are moved to the
    end, so that a paragraph running on to the next page reads as one.
    """
    full, body = page_texts(pdf), page_texts(pdf, body_only=True)
    bodies, notes = [], []
    for number, text in enumerate(full, start=1):
        text = body[number - 1] if 2 <= number <= 11 else text
        start = re.search(r"(?:^|\n)(?=\*\d\D)", text)
        main, footnotes = (text[:start.start()], text[start.start():]) if start else (text, "")
        bodies.append(squeeze(main))
        notes.append(squeeze(footnotes))
    return "".join(bodies) + "".join(notes)


def test_seed_text_is_all_there(vol19_pdf):
    document = reading_order_text(vol19_pdf)
    chunks = seed_chunks()
    missing = [chunk for chunk in chunks if chunk not in document]
    found = sum(len(chunk) for chunk in chunks) - sum(len(chunk) for chunk in missing)
    share = found / sum(len(chunk) for chunk in chunks)
    assert share >= 0.99, f"{share:.2%} of the seed found; missing: {missing[:5]}"
    assert len(chunks) > 150  # the comparison really read the seed


def test_articles_fill_their_last_page(vol19_pdf):
    """On an article's last page no column ends more than a third short."""
    last_pages = [page - 1 for page in sorted(PAGE_MAP)[1:]]  # 3, 4, 5, 6, 7, 9, 11
    left_margin, right_margin = 16 * MM, A4[0] - 16 * MM
    middle = A4[0] / 2
    body_top, body_bottom = A4[1] - 15 * MM, FOOTER_TOP
    for page in last_pages:
        boxes = [box for box in content_boxes(vol19_pdf, page - 1)
                 if box.bottom > body_bottom + 1 and box.top < body_top + 1]
        for name, (low, high) in {"left": (left_margin, middle), "right": (middle, right_margin)}.items():
            in_column = [box for box in boxes if box.left < high - 1 and box.right > low + 1]
            assert in_column, f"page {page}: the {name} column is empty"
            lowest = min(box.bottom for box in in_column)
            filled = (body_top - lowest) / (body_top - body_bottom)
            assert filled >= 2 / 3, f"page {page}: the {name} column is only {filled:.0%} full"


def test_colophon_keeps_each_contact_line_whole(vol19_pdf):
    import yaml

    contacts = yaml.safe_load(VOL19.read_text(encoding="utf-8"))["colophon"]["contacts"]
    colophon = text_in(vol19_pdf, 12, 0, 0, A4[0], BACK_PAGE_FOOT)
    lines = [squeeze(line) for line in colophon.splitlines()]
    fields = [contact[key] for contact in contacts
              for key in ("name", "department", "address", "url") if key in contact]
    assert len(fields) >= 7
    for field in fields:
        assert any(line.endswith(squeeze(field)) for line in lines), f"{field!r} is broken over lines"
