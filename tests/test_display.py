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
