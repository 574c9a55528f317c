"""Japanese typesetting to JLREQ (issue 3): the rules, the WeasyPrint hooks,
and the figures measured on vol.19.

The layout tests render small paragraphs through caipdf's own renderer
(WeasyPrint with caipdf.typesetting installed) and read the glyph positions
back from the PDF.
"""

import math
import statistics

import pytest

from caipdf.typesetting import jlreq, justify, metrics
from conftest import ROOT
from typesetting_pdf import LEFT, em, find, gap_after, glyph_lines, paragraph_pdf, text_of

# --------------------------------------------------------------- the rules


@pytest.mark.parametrize("char", list("～〜ー、。」）ぁっャ々・：！？"))
def test_characters_that_never_start_a_line(char):
    assert jlreq.violates_line_start(char)


@pytest.mark.parametrize("char", list("「（『【〈"))
def test_characters_that_never_end_a_line(char):
    assert jlreq.violates_line_end(char)
    assert not jlreq.violates_line_start(char)


@pytest.mark.parametrize("char", list("あア漢A1"))
def test_ordinary_characters_go_anywhere(char):
    assert not jlreq.violates_line_start(char) and not jlreq.violates_line_end(char)


def test_classes():
    assert all(jlreq.is_kana_kanji(c) for c in "あアー々漢〇")
    assert not any(jlreq.is_kana_kanji(c) for c in "、。「A1 ")
    assert all(jlreq.is_alnum(c) for c in "Az09éΩ")
    assert not any(jlreq.is_alnum(c) for c in "%()（Ａ１ あ")


def test_autospace_between_kana_kanji_and_latin_or_digits():
    assert jlreq.spacing("COP25では") == ((4, 0.25, 5),)
    assert jlreq.spacing("年にCOP") == ((1, 0.25, 1),)
    assert jlreq.spacing("約49%") == ((0, 0.25, 0),)


@pytest.mark.parametrize("text", ["COP25", "ABC DEF", "あいう", "の (COP)", "（COP）",
                                  "「COP」", "100%再生", "Zero Carbon"])
def test_no_autospace_inside_latin_or_next_to_spaces_and_brackets(text):
    assert [entry for entry in jlreq.spacing(text) if entry[1] > 0] == []


def test_autospace_looks_through_word_joiners():
    assert jlreq.spacing("p.\u20608\u2060記事") == ((3, 0.25, 5),)


@pytest.mark.parametrize("text, gaps", [
    ("あ。」い", {1}),           # full stop before a closing bracket: the stop is halved
    ("」「", {0}),               # closing then opening: half an em between them
    ("、「", {0}),
    ("（「", {0}),               # two openings: the second loses its leading half
    ("」。」（「", {0, 1, 2, 3}),  # a run of five: all but one halved
    ("「」", set()),             # an opening then a closing keeps both halves
    ("あいう", set()),
])
def test_punctuation_compression(text, gaps):
    assert jlreq.compressed_gaps(text) == gaps


def test_compression_takes_half_an_em_and_names_the_halved_mark():
    assert jlreq.spacing("。」") == ((0, -0.5, 0),)
    assert jlreq.spacing("（「") == ((0, -0.5, 1),)


@pytest.mark.parametrize("text, forbidden", [
    ("あいう～えお", [3]),        # ～ never starts a line
    ("あ〜い", [1]),
    ("あーい", [1]),              # strict: ー never starts a line
    ("あぁい", [1]),
    ("あ——い", [2]),              # no break inside ——
    ("あ……い", [2]),
    ("年2050年", [2, 3, 4, 5]),   # no break inside a number, nor before its counter
    ("2019年9月", [1, 2, 3, 4, 6]),  # 「2019年9/月」 (issue 13)
    ("49.2%です", [1, 4]),        # 4/9 and 2/%; the full stop is left to Pango
    ("１２３", [1, 2]),           # full-width digits too
    ("「あ」", [1, 2]),           # nothing after an opening, nothing before a closing
    ("あいう", []),
])
def test_kinsoku(text, forbidden):
    assert jlreq.no_break_before(text) == forbidden


@pytest.mark.parametrize("first, second, expected", [
    ("あ", "い", True), ("あ", "A", True), ("A", "あ", True),
    (" ", "A", True),        # a space takes its share after it…
    ("A", " ", False),       # …not before it
    ("A", "B", False),       # not inside a word
    ("1", "0", False),       # nor a number
    ("「", "あ", False), ("あ", "」", False), ("あ", "、", False), ("あ", "。", False),
    ("。", "」", False),     # inside a compressed run
    ("—", "—", False), ("…", "…", False),
    ("あ", jlreq.OBJECT, False), (jlreq.OBJECT, "あ", False),
])
def test_justification_opportunities(first, second, expected):
    assert jlreq.expandable(first, second) is expected


def test_opportunities_of_a_line():
    assert jlreq.opportunities("あいう") == (0, 1)
    assert jlreq.opportunities("あ、「い」") == ()    # none next to the marks
    assert jlreq.opportunities("ab cd") == (2,)


# ------------------------------------------------------- the WeasyPrint hooks


def test_weasyprint_is_the_release_the_hooks_patch():
    """Fails loudly when WeasyPrint changes under the hooks: a new release, or
    any change to a function they replace or rely on."""
    import weasyprint

    assert weasyprint.__version__ == justify.PINNED_VERSION
    assert justify.changed_functions() == [], (
        "WeasyPrint functions that caipdf.typesetting patches or relies on have changed: "
        "read them again, port src/caipdf/typesetting/justify.py and update FINGERPRINTS")


def test_hooks_are_installed():
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    assert inline.text_align is justify._text_align
    assert line_break.Layout.set_text is justify._set_text
    assert line_break.Layout.setup is justify._setup


def test_install_refuses_another_weasyprint(monkeypatch):
    import weasyprint

    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    with pytest.raises(justify.TypesettingError, match="WeasyPrint 70.0.*71.0"):
        justify.check_weasyprint()


def test_install_refuses_a_changed_function(monkeypatch):
    monkeypatch.setitem(justify.FINGERPRINTS, "layout.inline.text_align", "0" * 64)
    with pytest.raises(justify.TypesettingError, match="layout.inline.text_align"):
        justify.check_weasyprint()


MIXED = ("COP25においては、COP24で合意に至らなかった市場メカニズムの実施指針の交渉が一つの"
         "焦点となりました。我が国は、160件超のプロジェクト実績があるJCMの経験も活かし、"
         "Climate & Clean Air Coalitionの3つの国際機関のほか、排出削減の二重計上防止と"
         "環境十全性の確保を訴えました。以上です。")


@pytest.fixture(scope="module")
def mixed_lines():
    return glyph_lines(paragraph_pdf(f"<p>{MIXED}</p>", width_em=15))


def test_every_non_final_line_ends_flush(mixed_lines):
    right = LEFT + em_to_pt(15)
    assert len(mixed_lines) >= 5
    for line in mixed_lines[:-1]:
        assert abs(em(right - line[-1].right)) < 0.005, text_of(line)
    assert em(right - mixed_lines[-1][-1].right) > 1  # the last line is not stretched
    assert em(mixed_lines[0][0].x - LEFT) == pytest.approx(1, abs=0.001)  # first-line indent


def test_spaces_get_no_more_than_their_share(mixed_lines):
    for line in mixed_lines[:-1]:
        kanji = [gap_after(line, i) for i in range(len(line) - 1)
                 if jlreq.is_kana_kanji(line[i].char) and jlreq.is_kana_kanji(line[i + 1].char)]
        if not kanji:
            continue
        share = statistics.median(kanji)
        for i, glyph in enumerate(line[:-1]):
            if glyph.char == " ":
                assert gap_after(line, i) == pytest.approx(share, abs=0.002), text_of(line)


def test_plain_weasyprint_text_is_left_alone():
    """Text without --caipdf-typesetting keeps WeasyPrint's own setting."""
    lines = glyph_lines(paragraph_pdf(f"<p>{MIXED}</p>", width_em=15, jlreq=False))
    gaps = [gap_after(line, i) for line in lines for i in range(len(line) - 1)
            if line[i].char != " " and line[i + 1].char != " "]
    assert max(abs(gap) for gap in gaps) < 0.002
    assert any(em(LEFT + em_to_pt(15) - line[-1].right) > 0.1 for line in lines[:-1])


def em_to_pt(value: float) -> float:
    return value * 9.0


def test_quarter_em_between_kana_kanji_and_latin():
    line, = glyph_lines(paragraph_pdf("<p>あいCOP25うえ</p>", width_em=20))
    assert gap_after(line, find(line, "いC")) == pytest.approx(0.25, abs=0.002)
    assert gap_after(line, find(line, "5う")) == pytest.approx(0.25, abs=0.002)
    assert gap_after(line, find(line, "CO")) == pytest.approx(0, abs=0.002)


def test_no_quarter_em_at_line_start_or_end():
    lines = glyph_lines(paragraph_pdf("<p>あいうえおかきくけこさしすせそABCDたちつてと</p>",
                                      width_em=15, css="p { text-indent: 0 }"))
    assert text_of(lines[1]).startswith("ABCD")
    assert em(lines[1][0].x - LEFT) == pytest.approx(0, abs=0.001)
    assert em(lines[0][-1].right - LEFT) == pytest.approx(15, abs=0.002)


def test_quarter_em_across_inline_boxes_but_not_around_superscripts():
    line, = glyph_lines(paragraph_pdf("<p>SBT<sup>*1</sup>設定や<strong>漢字</strong>ABCあ</p>",
                                      width_em=25))
    assert gap_after(line, find(line, "字A")) == pytest.approx(0.25, abs=0.002)
    assert gap_after(line, find(line, "Cあ")) == pytest.approx(0.25, abs=0.002)
    assert gap_after(line, find(line, "T設")) == pytest.approx(0.664, abs=0.05)  # just the *1


@pytest.mark.parametrize("pair, advance", [("。」", 0.5), ("」「", 0.5), ("、「", 0.5),
                                           ("（「", 0.5), ("」）", 0.5), ("「」", 1.0)])
def test_adjacent_punctuation_is_half_width(pair, advance):
    line, = glyph_lines(paragraph_pdf(f"<p>あい{pair}うえ</p>", width_em=20))
    index = find(line, pair)
    assert em(line[index + 1].x - line[index].x) == pytest.approx(advance, abs=0.002)


def test_compression_lets_the_line_hold_more():
    # 10 em wide: with 。」（「 closed up by 1.5 em the line holds what plain
    # WeasyPrint pushes to the next one.
    text = "<p>あいう。」（「えおかき</p>"  # 11 em, 9.5 em closed up
    jlreq_lines = glyph_lines(paragraph_pdf(text, width_em=10, css="p { text-indent: 0 }"))
    plain_lines = glyph_lines(paragraph_pdf(text, width_em=10, jlreq=False,
                                            css="p { text-indent: 0 }"))
    assert len(jlreq_lines) == 1 and len(plain_lines) == 2


def test_a_loose_line_is_pushed_in_by_narrowing_its_autospace(monkeypatch):
    text, css = "<p>あいう2え3おかきIJさしすせそ</p>", "p { text-indent: 0 }"
    pushed_in = glyph_lines(paragraph_pdf(text, width_em=10, css=css))
    loose = justify.LOOSE
    monkeypatch.setattr(justify, "LOOSE", math.inf)  # never push in
    spread = glyph_lines(paragraph_pdf(text, width_em=10, css=css))
    # With quarter-em 和欧間, IJ does not fit and the line is spread out.
    assert text_of(spread[0]) == "あいう2え3おかき"
    assert gap_after(spread[0], find(spread[0], "いう")) > loose
    line = pushed_in[0]
    assert text_of(line) == "あいう2え3おかきIJ"
    autospace = [gap_after(line, find(line, pair)) for pair in ("う2", "2え", "え3", "3お", "きI")]
    assert all(jlreq.EIGHTH <= gap < jlreq.QUARTER for gap in autospace)
    assert max(autospace) - min(autospace) < 0.002  # narrowed alike
    assert gap_after(line, find(line, "いう")) == pytest.approx(0, abs=0.002)
    assert em(line[-1].right - LEFT) == pytest.approx(10, abs=0.002)


def test_a_line_is_pushed_in_by_closing_up_its_marks(monkeypatch):
    # 。 may not start a line: without pushing in, く goes down with it and
    # the line spreads by a sixth of an em.
    text, css = "<p>あい、うえ、おかきく。けこ</p>", "p { text-indent: 0 }"
    line = glyph_lines(paragraph_pdf(text, width_em=10, css=css))[0]
    monkeypatch.setattr(justify, "LOOSE", math.inf)  # never push in
    spread = glyph_lines(paragraph_pdf(text, width_em=10, css=css))[0]
    assert text_of(spread) == "あい、うえ、おかき"
    assert gap_after(spread, find(spread, "あい")) > 0.1
    assert text_of(line) == "あい、うえ、おかきく。"
    commas = [gap_after(line, index) for index, glyph in enumerate(line) if glyph.char == "、"]
    assert all(-jlreq.HALF <= gap < -0.1 for gap in commas)
    assert max(commas) - min(commas) < 0.002                      # closed up alike
    assert gap_after(line, find(line, "あい")) == pytest.approx(0, abs=0.002)
    # The line-end 。 keeps half to all of its em, and the line ends at the edge.
    full_stop = line[-1]
    assert em(full_stop.x - LEFT) + 0.5 <= 10 + 0.002 <= em(full_stop.right - LEFT) + 0.004


def test_marks_that_may_close_up():
    # Not 」 before 。 (compression took its half), nor a full stop mid-line.
    assert jlreq.squeezable("あ、い「う」。え") == [(1, 1), (2, 3)]
    assert jlreq.squeezable("あい。") == [(2, 2)]      # a full stop at the line's end
    assert jlreq.squeezable("「あ") == []               # a line-start bracket
    assert jlreq.squeezable("あ\ufffc「い") == []       # after an inline object
    assert jlreq.squeezable("あ」\u2060「い") == []      # compressed, through a joiner


def test_a_text_ending_with_an_opening_bracket_breaks_without_error():
    lines = glyph_lines(paragraph_pdf("<p>あ「<strong>い</strong>」あいうえお</p>", width_em=10))
    assert text_of(lines[0]).startswith("あ「い」")


def test_what_follows_a_box_is_not_left_alone_by_pushing_in():
    # Pushing 。 in would take the box's last text and leave the footnote
    # call to start the next line.
    lines = glyph_lines(paragraph_pdf("<p>あい、うえ、おかきく。<sup>1</sup>けこさしすせそたちつてと</p>",
                                      width_em=10, css="p { text-indent: 0 }"))
    assert text_of(lines[0]) == "あい、うえ、おかき"
    assert text_of(lines[1]).startswith("く。けこ")  # the call stays after its 。


def test_line_gaps_close_up_marks_before_autospace():
    gaps = _gaps("あ、いAう", slack=2.0)  # 3 px short: the comma gives them all
    assert (gaps[1], gaps[2], gaps[3]) == pytest.approx((-3.0, 2.5, 2.5))


def test_a_line_only_a_little_short_is_not_pushed_in():
    # I would fit with 和欧間 at an eighth of an em, but the line without it is
    # only 0.3 em short: spread by a few hundredths of an em between characters.
    lines = glyph_lines(paragraph_pdf("<p>あいうえお12かきくIけこ</p>", width_em=10,
                                      css="p { text-indent: 0 }"))
    assert text_of(lines[0]) == "あいうえお12かきく"
    assert gap_after(lines[0], find(lines[0], "お1")) >= jlreq.QUARTER
    assert 0 < gap_after(lines[0], find(lines[0], "あい")) < justify.LOOSE


def test_a_word_joiner_starting_a_run_keeps_the_line_flush():
    # The joiner is a zero-width glyph at the start of the digit's run: pdfium
    # lost the 和欧間 after 2 until caipdf.pdf.text_runs tidied the TJ array.
    lines = glyph_lines(paragraph_pdf("<p>あいうえおか\u20602きくけこさしすせそたちつ</p>",
                                      width_em=10, css="p { text-indent: 0 }"))
    line = lines[0]
    assert text_of(line) == "あいうえおか2きくけ"
    assert gap_after(line, find(line, "2き")) == pytest.approx(gap_after(line, find(line, "か2")),
                                                              abs=0.002)
    assert em(line[-1].right - LEFT) == pytest.approx(10, abs=0.002)


def _copied_text(body: str, width_em: float) -> str:
    """The text pdfium reads from a paragraph set with copy text as written
    (an untagged PDF, like the archive's)."""
    import pypdfium2 as pdfium

    pdf = paragraph_pdf(body, width_em=width_em,
                        css="p { text-indent: 0 } html { --caipdf-copy-text: as-written }")
    return pdfium.PdfDocument(pdf)[0].get_textpage().get_text_range()


def test_a_spaced_line_copies_as_written():
    text = _copied_text("<p>あいう2え3おかきIJさしすせそ</p>", 12)
    assert len(text.splitlines()) == 2
    assert "".join(text.splitlines()) == "あいう2え3おかきIJさしすせそ"  # no space at 和欧間


def test_copy_text_keeps_an_inline_block_and_a_positioned_box():
    inline_block = _copied_text(
        "<p>あいう2え3おかき<span style='display: inline-block; width: 6em'>内側2018年の"
        "文字列です</span>IJさしすせそ</p>", 12)
    assert "内側2018年" in inline_block
    positioned = _copied_text(
        "<p>あいう2え3おかき<span style='position: relative; top: 1px'>相対ABC位置</span>"
        "IJさしすせそたちつてと</p>", 12)
    assert "ABC位置" in positioned.replace("\r\n", "")


def test_ragged_text_is_not_pushed_in():
    lines = glyph_lines(paragraph_pdf("<p>あいう2え3おかきIJさしすせそ</p>", width_em=10,
                                      css="p { text-indent: 0; text-align: left }"))
    assert text_of(lines[0]) == "あいう2え3おかき"
    assert gap_after(lines[0], find(lines[0], "う2")) == pytest.approx(0.25, abs=0.002)


def _gaps(text: str, slack: float, justified: bool = True) -> dict[int, float]:
    # Every character 1 em (10 px) wide, so no mark is too narrow to compress.
    return justify.line_gaps(text, lambda index: 10.0, [10.0] * len(text), slack, justified)


def test_line_gaps_narrow_autospace_alike_when_the_line_is_pushed_in():
    # あA and Aい: two quarter-em gaps (5 px) in a line with only 3 px of room.
    gaps = _gaps("あAい", slack=3.0)
    assert gaps[0] == pytest.approx(1.5) and gaps[1] == pytest.approx(1.5)


def test_line_gaps_narrow_autospace_no_further_than_an_eighth():
    gaps = _gaps("あAい", slack=0.0, justified=False)
    assert gaps[0] == pytest.approx(1.25) and gaps[1] == pytest.approx(1.25)


def test_line_gaps_leave_autospace_whole_when_there_is_room():
    # 8 px of room: the two quarter ems (5 px), then 1 px for each of the
    # three justification opportunities.
    gaps = _gaps("あAいう", slack=8.0)
    assert gaps == pytest.approx({0: 3.5, 1: 3.5, 2: 1.0})


@pytest.mark.parametrize("text, width, first_line", [
    ("あいうえ～かきく", 5, "あいう"),       # ～ would start line 2 in plain WeasyPrint
    ("あいうえ〜かきく", 5, "あいう"),
    ("あいうえーかきく", 5, "あいう"),
    ("あいう「えおかき", 5, "あいう"),       # 「 would end line 1
    ("あいう――かきく", 5, "あいう"),       # no break inside ――
    ("あいう１２３かき", 5, "あいう"),       # nor inside a number
])
def test_kinsoku_in_layout(text, width, first_line):
    lines = glyph_lines(paragraph_pdf(f"<p>{text}</p>", width_em=width))
    assert text_of(lines[0]) == first_line
    assert "".join(text_of(line) for line in lines) == text
    for line in lines[1:]:
        assert not jlreq.violates_line_start(line[0].char)
    for line in lines[:-1]:
        assert not jlreq.violates_line_end(line[-1].char)
        assert em(LEFT + em_to_pt(width) - line[-1].right) == pytest.approx(0, abs=0.005)


def test_kinsoku_fails_without_the_rules():
    """The ～ case really is a case: plain WeasyPrint starts a line with it."""
    lines = glyph_lines(paragraph_pdf("<p>あいうえ～かきく</p>", width_em=5, jlreq=False))
    assert text_of(lines[1]).startswith("～")


# ----------------------------------------------------------------- vol.19


@pytest.fixture(scope="module")
def vol19_report(vol19_pdf):
    from caipdf.structure.loader import load_issue
    from conftest import VOL19

    issue = load_issue(VOL19)
    return metrics.measure(vol19_pdf, {article.id: article.page for article in issue.articles})


def test_vol19_justified_lines_end_flush(vol19_report):
    report = vol19_report
    assert report.justified_lines > 250
    assert report.shortfall_median <= 0.02
    assert report.shortfall_p95 <= 0.1
    assert report.overflow_max <= 0.01  # pushed-in lines too: no line runs past its column


def test_the_metrics_see_a_line_run_past_its_column(tmp_path):
    """The overflow figure can fail: a line whose unbreakable text (here
    `white-space: nowrap`) is wider than its column runs past the edge."""
    from caipdf.render.pdf import render, write_pdf

    html = (f"<html lang=ja><link rel=stylesheet href='{(ROOT / 'layouts' / 'fonts.css').as_uri()}'>"
            "<style>@page { size: A4; margin: 15mm 16mm 20mm 16mm }"
            " body { margin: 0; font: 9pt/1.7 'CAI Latin Mincho', 'CAI Mincho' }"
            " div { columns: 2; column-gap: 6.55mm } p { text-align: justify; margin: 0 }</style>"
            "<div><p>" + "あいうえお" * 4 + "<span style='white-space: nowrap'>"
            + "かAきBくCけDこE" * 4 + "</span>" + "さしすせそ" * 60 + "</p></div></html>")
    path = tmp_path / "overflow.pdf"
    path.write_bytes(write_pdf(render(html, tmp_path)))
    assert metrics.measure(path).overflow_max > 0.5


def test_vol19_autospace(vol19_report):
    assert vol19_report.autospace_boundaries > 200
    assert vol19_report.autospace_share >= 0.9


def test_vol19_punctuation_compression(vol19_report):
    assert vol19_report.punctuation_pairs > 20
    assert vol19_report.punctuation_median <= 0.55


def test_vol19_kinsoku(vol19_report):
    assert vol19_report.kinsoku_violations == []


def test_vol19_page_plan(vol19_report):
    assert vol19_report.articles == 8
    assert vol19_report.page_plan_problems == []


def test_vol19_no_heading_at_the_foot_of_a_column(vol19_report):
    assert vol19_report.stranded_headings == []


def test_vol19_report_passes_and_reads(vol19_report):
    assert vol19_report.passed
    lines = vol19_report.lines()
    assert len(lines) >= 6 and not any(line.startswith("FAIL") for line in lines)


def test_the_metrics_fail_on_plain_weasyprint(tmp_path):
    """vol.19 with the rules switched off, measured the same way: the figures
    of issue 3's plain WeasyPrint output, failing."""
    from caipdf.render.html import render_html
    from caipdf.render.pdf import render, write_pdf
    from caipdf.structure.loader import load_issue
    from conftest import VOL19

    issue = load_issue(VOL19)
    html = render_html(issue).replace(
        "</head>", "<style>* { --caipdf-typesetting: none !important }</style></head>", 1)
    output = tmp_path / "plain.pdf"
    output.write_bytes(write_pdf(render(html, VOL19.parent)))
    report = metrics.measure(output)
    checks = dict(report.checks())
    assert not checks["justification"] and report.shortfall_p95 >= 0.5
    assert not checks["和欧間"] and report.autospace_share == 0
    assert not checks["punctuation"] and report.punctuation_median == pytest.approx(1.0, abs=0.01)
    assert checks["page plan"]


def test_the_metrics_geometry_is_the_stylesheets():
    """metrics.py finds body text by the grid of layouts/newsletter.css: a change
    there must be made here too, or `caipdf check` measures the wrong lines."""
    import re

    from caipdf.typesetting import metrics
    from conftest import ROOT

    css = (ROOT / "layouts" / "newsletter.css").read_text(encoding="utf-8")
    assert re.search(r"--body-size:\s*9pt;", css) and metrics.BODY_SIZE == 9.0
    assert re.search(r"--body-leading:\s*1\.7;", css) and metrics.PITCH == 9.0 * 1.7
    assert re.search(r"margin:\s*15mm 16mm 20mm 16mm;", css) and metrics.MARGIN == 16 * metrics.MM
    assert re.search(r"column-gap:\s*6\.55mm;", css) and metrics.GAP == 6.55 * metrics.MM
    assert re.search(r"\.h2 \{[^}]*font: 700 13pt", css) and re.search(r"\.h3 \{[^}]*font: 700 10\.5pt", css)
    assert re.search(r"\.contents__page \{[^}]*font: 700 20pt", css)
