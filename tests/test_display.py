"""Display typography (issue 13, items 1, 2, 4 and their part of 6): line
breaks between phrases, balanced headings and quotes, 和欧間 in display
text, no paragraph ending on a line of 1–2 characters, a number kept with
its counter; measured from the glyph positions of vol.19's PDF and of the
test volumes', against the display texts read from each issue file."""

from __future__ import annotations

from pathlib import Path

import pytest

from caipdf.commands.build import build
from caipdf.typesetting import display_metrics, jlreq, metrics, phrases
from conftest import ROOT, VOL19
from display_texts import display_texts

VOLUMES = sorted((ROOT / "tests" / "volumes").glob("*.yaml"))
AUTOSPACE = (0.2, 0.35)


@pytest.fixture(scope="module", params=[VOL19, *VOLUMES], ids=lambda path: path.stem)
def volume(request, tmp_path_factory, vol19_pdf) -> tuple[Path, Path]:
    """(issue file, its PDF), built without --draft: the page plan holds."""
    issue = request.param
    if issue == VOL19:
        return issue, vol19_pdf
    output = tmp_path_factory.mktemp(issue.stem) / "out.pdf"
    build(issue, output)
    return issue, output


@pytest.fixture(scope="module")
def breaks(volume) -> display_metrics.DisplayReport:
    issue, pdf = volume
    return display_metrics.display_breaks(pdf, display_texts(issue))


# ------------------------------------------------------------------ phrases


def test_budoux_phrases_and_their_repairs():
    assert sorted(phrases.boundaries("温室効果ガスの削減は待ったなし")) == [4, 7, 10]
    assert phrases.boundaries("優先分野") == frozenset()      # BudouX: 優先分|野
    assert phrases.boundaries("2019年9月に") == frozenset()  # BudouX: 201|9年9月に
    assert not phrases.breaks_inside("日本の 87", 4)          # a space is always a break


def test_a_phrase_wider_than_its_line_breaks_where_its_script_changes():
    text = "第16回ASEAN+3環境大臣会合及び日ASEAN環境閣僚対話"
    assert len(phrases.boundaries(text)) <= 1                # BudouX: one long phrase
    inner = sorted(phrases.sub_boundaries(text))
    assert text.index("日ASEAN") in inner and text.index("ASEAN+3") in inner
    assert text.index("び") not in inner                      # 及|び: okurigana stay
    assert phrases.sub_boundaries("日中韓三カ国") == frozenset()  # 三カ国 is one word


# --------------------------------------------------------- measured on PDFs


def test_display_texts_are_found_in_the_pdf(breaks):
    assert breaks.texts > 10
    assert breaks.found >= 0.9 * breaks.texts, breaks.missing


def test_display_breaks_fall_between_phrases(breaks):
    assert breaks.inside == []
    for where in breaks.long_phrases:  # allowed, but only where a script changes
        before, after = where.split(": ", 1)[1].split("/", 1)
        text = (before + after).replace("⏎", "\n")
        assert len(before) in phrases.sub_boundaries(text.replace("\n", " ")), where


def test_headings_and_quotes_are_balanced(breaks):
    assert breaks.unbalanced == []


def test_display_text_has_autospace(volume):
    values = display_metrics.display_autospace(volume[1])
    assert len(values) > 10
    low, high = AUTOSPACE
    wrong = [f"{value:.3f} {where}" for value, where in values
             if not (low <= value <= high or abs(value - jlreq.EIGHTH) < 0.02)]
    assert wrong == []


def test_no_paragraph_ends_on_one_or_two_characters(volume):
    assert display_metrics.short_last_lines(volume[1]) == []


def test_the_body_figures_hold(volume):
    report = metrics.measure(volume[1])
    assert report.kinsoku_violations == []  # numbers with their counters included
    checks = dict(report.checks())
    assert checks["justification"] and report.shortfall_median <= 0.02
    assert checks["punctuation"] is not False  # ≤ 0.55 em, where there are adjacent marks


# ------------------------------------------------- the measures can fail


@pytest.fixture(scope="module")
def plain_display_pdf(tmp_path_factory) -> Path:
    """vol.19 with display text set as before issue 13 (no JLREQ, no
    phrases, no balance) and no short-last-line rule."""
    from caipdf.render.html import render_html
    from caipdf.render.pdf import render, write_pdf
    from caipdf.structure.loader import load_issue
    from caipdf.typesetting import justify

    html = render_html(load_issue(VOL19)).replace(
        "</head>", "<style>.article__title, .article__subtitle, .h2, .h3, .quote, .byline,"
        " .quote__attribution, .figure__caption, .table, .contents, .keyfigures, .infobox,"
        " .colophon { --caipdf-typesetting: none !important; --caipdf-line-break: normal"
        " !important; --caipdf-text-wrap: wrap !important }</style></head>", 1)
    saved, justify.LOOSEN_MAX = justify.LOOSEN_MAX, -1.0
    try:
        output = tmp_path_factory.mktemp("plain-display") / "plain.pdf"
        output.write_bytes(write_pdf(render(html, VOL19.parent)))
    finally:
        justify.LOOSEN_MAX = saved
    return output


def test_the_display_figures_fail_on_display_text_set_as_before(plain_display_pdf):
    """The figures of issue 13 for vol.19: 12 of 16 breaks inside a word (9 of
    them inside phrases narrower than their lines, as measured here),
    no 和欧間 in display text, paragraphs ending on 「す。」."""
    report = display_metrics.display_breaks(plain_display_pdf, display_texts(VOL19))
    assert len(report.inside) >= 8 and report.breaks >= 15
    assert any("削/減" in where for where in report.inside)
    assert len(report.unbalanced) >= 3
    values = [value for value, _ in display_metrics.display_autospace(plain_display_pdf)]
    # (the lead and the footnotes, not body text here, had 和欧間 already)
    assert sum(AUTOSPACE[0] <= value <= AUTOSPACE[1] for value in values) < 0.5 * len(values)
    assert len(display_metrics.short_last_lines(plain_display_pdf)) >= 2


# ------------------------------------------------------------ caipdf check


def test_check_reports_breaks_and_short_last_lines():
    """`caipdf check` reads the laid-out lines: nothing to report in vol.19,
    the breaks inside phrases when the layout ignores them, and the
    paragraphs ending on 1–2 characters when that rule is off."""
    from caipdf import pipeline
    from caipdf.checks import display
    from caipdf.typesetting import display as display_layout
    from caipdf.typesetting import justify

    display_layout.level = display_layout.ANYWHERE  # break as if there were no phrases
    try:
        ignored = display.check(pipeline.lay_out(pipeline.read(VOL19)).rendering)
    finally:
        display_layout.level = display_layout.PHRASES
    assert len(ignored.inside) >= 8

    findings = display.check(pipeline.lay_out(pipeline.read(VOL19)).rendering)
    assert findings.breaks >= 15 and findings.inside == [] and findings.short_last == []
    assert any("wider than its line" in line for line in findings.lines()) == bool(
        findings.long_phrases)
    saved, justify.LOOSEN_MAX = justify.LOOSEN_MAX, -1.0
    try:
        loose = display.check(pipeline.lay_out(pipeline.read(VOL19)).rendering)
    finally:
        justify.LOOSEN_MAX = saved
    assert len(loose.short_last) >= 2
    assert all(where.endswith(("す。」", "た。」")) for where in loose.short_last), loose.short_last


# ------------------------------------- the trial's volumes (issue 13, round 3)

#: What the QA trial of vol.31–33 found split inside a word, at the widths
#: that split them there: the cover line (「脱炭/素の道」), a credit run into
#: its caption (「写真：環/境省」), a place name in a table cell (「熊/本県水俣市」),
#: and a table long enough to repeat its header in the next column.
TRIAL_COVER_LINE = "COP31の成果と、アジアの都市が切りひらく脱炭素の道"
TRIAL_FIGURES = [  # (caption, credit)
    ("水銀を回収する処理施設（CMYKで撮影・入稿された写真）", "写真：環境省"),
    ("選別施設で説明を受ける参加者", "写真：IGES"),
    ("Rooftop solar panels on a school in Da Nang", "Photo: City of Da Nang"),
]
TRIAL_ROWS = [["2026年10月", "水俣条約に関する研修", "熊本県水俣市"],
              ["2026年11月", "第3回アジア都市環境会議", "北九州市"],
              ["2027年1月", "日本・インドネシア環境政策対話", "ジャカルタ"]] \
    + [[f"2027年{month}月", "アジア都市環境研修", "北九州市"] for month in range(2, 13)] * 2


@pytest.fixture(scope="module")
def trial_issue(tmp_path_factory) -> Path:
    from photos import camera_photo
    from small_issue import issue_head

    folder = tmp_path_factory.mktemp("trial")
    (folder / "images").mkdir()
    camera_photo(1100, 733).save(folder / "images" / "photo.jpg", quality=80)
    paragraph = "水俣条約の締約国会議では、水銀の使用を減らす取り組みが話し合われました。" * 4
    figures = "".join(f"      - figure: images/photo.jpg\n"
                      f"        caption: '{caption}'\n"
                      f"        credit: '{credit}'\n"
                      f"        alt: 写真\n" for caption, credit in TRIAL_FIGURES)
    rows = "".join(f"            - [{', '.join(row)}]\n" for row in TRIAL_ROWS)
    articles = (
        "  - id: photos\n    page: 2\n    toc: 写真で見る会合\n    title: 会合の写真\n"
        f"    blocks:\n      - p: {paragraph}\n{figures}"
        "      - list:\n"
        "          - 2026年7月　アジア3R推進フォーラム（オンライン）\n"
        "          - 2026年11月　アジア都市プラスチック資源循環ネットワーク第2回会合（マニラ）\n"
        "        title: 今後の主な予定\n"
        "      - infobox:\n          title: 環境省の取り組み\n          list:\n"
        "            - アジア都市プラスチック資源循環ネットワーク第2回会合（マニラ）\n"
        "  - id: events\n    page: 3\n    toc: 今後の予定\n    title: 研修と会合の日程\n"
        f"    blocks:\n      - p: {paragraph * 2}\n"
        f"      - table:\n          header: [日程, 会合, 場所]\n          rows:\n{rows}")
    head = issue_head(3).replace("脱炭素社会の実現に向けた日本のイニシアティブ", TRIAL_COVER_LINE)
    issue = folder / "trial.yaml"
    issue.write_text(head + articles, encoding="utf-8")
    return issue


@pytest.fixture(scope="module")
def trial_pdf(trial_issue) -> Path:
    output = trial_issue.with_suffix(".pdf")
    build(trial_issue, output)
    return output


def test_the_trials_display_texts_break_between_phrases(trial_issue, trial_pdf):
    report = display_metrics.display_breaks(trial_pdf, display_texts(trial_issue))
    # Every text is found but for cells set closer to the next cell than a
    # row gap (the reader takes them for one text).
    cells = {cell for row in TRIAL_ROWS for cell in row}
    assert [text for text in report.missing if text not in cells] == []
    for text in (TRIAL_COVER_LINE, "熊本県水俣市", "日本・インドネシア環境政策対話"):
        assert text not in report.missing
    assert report.breaks >= 3  # the cover line, a long cell and a box's item at least
    assert report.inside == []
    assert report.unbalanced == []


def test_the_cover_line_breaks_before_its_phrase(trial_pdf):
    rows = [row for row in display_metrics._rows(trial_pdf) if row.page == 1]
    lines = display_metrics._find(rows, TRIAL_COVER_LINE)
    assert lines is not None and len(lines) == 2
    assert "脱炭素の道" in lines[1].text  # not 「…脱炭/素の道」


def test_a_place_name_in_a_table_cell_keeps_to_one_line(trial_pdf):
    rows = [row.text for row in display_metrics._rows(trial_pdf)]
    assert any("熊本県水俣市" in text for text in rows)
    assert not any(text.endswith("熊") for text in rows)


def _run(glyphs: list[metrics.Glyph], text: str) -> list[metrics.Glyph]:
    """The glyphs that spell `text` (spaces aside), in reading order."""
    wanted = text.replace(" ", "")
    printed = [glyph for glyph in glyphs if glyph.char.strip()]
    spelled = "".join(glyph.char for glyph in printed)
    start = spelled.index(wanted)
    return printed[start:start + len(wanted)]


def test_a_credit_stands_apart_from_its_caption(trial_pdf):
    """Flush right with its photo, on the caption's last line at least 1 em
    after it, or on a line of its own: never run into the caption
    (「参加者写真：IGES」), never broken (「写真：環/境省」)."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument(str(trial_pdf))
    try:
        page = document[1]  # p.2
        glyphs = metrics._glyphs(page)
        trim_x, _ = metrics._trim_origin(page)
        photo_edges = [image.get_bounds()[2] - trim_x
                       for image in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,))]
    finally:
        document.close()
    assert len(photo_edges) == len(TRIAL_FIGURES)
    same_line = 0
    for caption, credit in TRIAL_FIGURES:
        caption_end = _run(glyphs, caption)[-1]
        credit_glyphs = _run(glyphs, credit)
        first, last = credit_glyphs[0], credit_glyphs[-1]
        assert len({round(glyph.y, 1) for glyph in credit_glyphs}) == 1, credit
        if abs(first.y - caption_end.y) < 0.5:
            same_line += 1
            assert first.x - caption_end.right >= 0.95 * first.size, (caption, credit)
        else:
            assert first.y < caption_end.y - first.size, (caption, credit)
        assert min(abs(last.right - edge) for edge in photo_edges) < 0.5, credit
    assert 0 < same_line < len(TRIAL_FIGURES)  # both cases are seen


def test_a_list_title_is_set_as_a_title(trial_pdf):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(trial_pdf))
    try:
        glyphs = metrics._glyphs(document[1])
    finally:
        document.close()
    title = _run(glyphs, "今後の主な予定")
    item = _run(glyphs, "アジア3R推進フォーラム")
    assert all("Gothic" in glyph.font and "Bold" in glyph.font for glyph in title), title[0].font
    assert all(glyph.mincho for glyph in item)  # the items are body text


def test_check_measures_every_display_context_and_each_header_once(trial_issue):
    """`caipdf check` reads the cover line, captions, credits and cells as
    display text whatever the stylesheet says, and a table's header, set
    again in the next column, once."""
    from caipdf import pipeline
    from caipdf.checks import display
    from caipdf.render.html import render_html
    from caipdf.render.pdf import render
    from caipdf.structure.loader import load_issue

    findings = display.check(pipeline.lay_out(pipeline.read(trial_issue)).rendering)
    assert findings.inside == []
    pairs = [where.split("「", 1)[1].rstrip("」").split("/") for where in
             findings.inside + findings.long_phrases]
    assert not any(before.strip() == after.strip() for before, after in pairs)  # 「日程/日程」

    html = render_html(load_issue(trial_issue)).replace(
        "</head>", "<style>.cover__line { --caipdf-line-break: normal !important }</style></head>", 1)
    forgotten = display.check(render(html, trial_issue.parent))
    assert any(split in where for where in forgotten.inside for split in ("脱/炭素", "脱炭/素")), \
        forgotten.inside
