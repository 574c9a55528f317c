"""Ruby (JLREQ 3.3), measured on the built PDFs of tests/accessible/vol950.yaml.

Its page 3 has a justified paragraph with mono ruby ({葛巻|くず|まき},
{葛|くず}{巻|まき}) and group ruby ({風力|ふうりょく}, {雫石|しずくいし}…), and
its page 2 an h2 with ruby. Glyphs are read back with pdfium from the print
edition (no ActualText there, so every glyph has its own place); the text
a reader copies is read from the screen edition.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from caipdf.cli import main
from caipdf.commands.build import build
from caipdf.profiles import PROFILES
from caipdf.typesetting import justify, ruby
from conftest import ROOT
from typesetting_pdf import Glyph, page_glyphs

VOL950 = ROOT / "tests" / "accessible" / "vol950.yaml"
BODY = 9.0  # pt, the body size: the advance of a kanji
LEADING = 1.7  # the body's line pitch, in ems
# The ruby paragraph's bases and readings, as the issue file writes them.
PARAGRAPH = ("岩手県の葛巻町は、風力と木質バイオマスで町の電気の多くをまかなう町です。"
             "雫石町や、京都の嵐山のように読みにくい地名にも、ルビを振ることができます。"
             "葛巻のように一字ずつ書いても、同じ組み方になります。")
PAIRS = [("葛", "くず"), ("巻", "まき"), ("風力", "ふうりょく"), ("木質", "もくしつ"),
         ("電気", "でんき"), ("雫石", "しずくいし"), ("嵐", "あらし"), ("葛", "くず"), ("巻", "まき")]
KANA = range(0x3041, 0x3100)


def _glyphs(pdf: Path, page: int) -> list[Glyph]:
    return [glyph for glyph in page_glyphs(pdf.read_bytes(), page) if not glyph.char.isspace()]


def _lines(glyphs: list[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped by baseline, top first, each line left to right."""
    baselines = sorted({round(glyph.y, 1) for glyph in glyphs}, reverse=True)
    return [sorted((g for g in glyphs if round(g.y, 1) == baseline), key=lambda g: g.x)
            for baseline in baselines]


def _copied_text(pdf: Path, page: int) -> str:
    """What a reader copies from the page: pdfium's text, less the spaces
    and line ends it makes up itself."""
    return "".join(glyph.char for glyph in page_glyphs(pdf.read_bytes(), page))


def _built(tmp_path_factory, profile: str) -> Path:
    output = tmp_path_factory.mktemp(f"ruby-{profile}") / "vol950.pdf"
    build(VOL950, output, profile=PROFILES[profile])
    return output


@pytest.fixture(scope="module")
def print_pdf(tmp_path_factory) -> Path:
    return _built(tmp_path_factory, "print")


@pytest.fixture(scope="module")
def screen_pdf(tmp_path_factory) -> Path:
    return _built(tmp_path_factory, "screen")


@pytest.fixture(scope="module")
def page3(print_pdf):
    """(base lines of the ruby paragraph, body lines of the left column and
    of the right column, ruby glyphs) of page 3."""
    glyphs = _glyphs(print_pdf, 2)
    first = next(g for g in glyphs if g.char == PARAGRAPH[0])  # the paragraph's, indented 1 em
    assert first.right - first.x == pytest.approx(BODY, abs=0.01)
    body = [g for g in glyphs if abs(g.size - first.size) < 0.01]
    readings = [g for g in glyphs if abs(g.size - first.size / 2) < 0.01]
    column_left = first.x - BODY
    right = _lines([g for g in body if g.x > column_left - 0.2 * BODY])
    left = _lines([g for g in body if g.x <= column_left - 0.2 * BODY])
    paragraph = [line for line in right if "".join(g.char for g in line) in PARAGRAPH]
    assert "".join(g.char for line in paragraph for g in line) == PARAGRAPH
    return paragraph, left, right, readings


def _bases(paragraph):
    """(base glyphs, reading) of each pair, in reading order."""
    found, pairs = [], iter(PAIRS)
    base, reading = next(pairs)
    for line in paragraph:
        text = "".join(g.char for g in line)
        start = 0
        while base is not None and (at := text.find(base, start)) >= 0:
            found.append((line[at:at + len(base)], reading))
            start = at + len(base)
            base, reading = next(pairs, (None, None))
    assert len(found) == len(PAIRS)
    return found


def _reading_over(base_glyphs, readings):
    """The ruby glyphs whose centres lie over `base_glyphs`, in the line's gap above."""
    left, right, baseline = base_glyphs[0].x, base_glyphs[-1].right, base_glyphs[0].y
    return sorted((g for g in readings if left <= (g.x + g.right) / 2 <= right
                   and 0 < g.y - baseline < BODY * LEADING), key=lambda g: g.x)


def test_each_reading_is_over_its_base_centred_at_half_size(page3):
    paragraph, _, _, readings = page3
    for base_glyphs, reading in _bases(paragraph):
        ruby_glyphs = _reading_over(base_glyphs, readings)
        assert "".join(g.char for g in ruby_glyphs) == reading
        assert {g.right - g.x for g in ruby_glyphs} == pytest.approx([BODY / 2], abs=0.01)
        assert ruby_glyphs[0].size == pytest.approx(base_glyphs[0].size / 2, abs=0.01)
        base_centre = (base_glyphs[0].x + base_glyphs[-1].right) / 2
        ruby_centre = (ruby_glyphs[0].x + ruby_glyphs[-1].right) / 2
        assert abs(ruby_centre - base_centre) < 0.3, (reading, ruby_centre, base_centre)
        # The reading's em box (880/120 in these fonts) stands on the base's.
        ruby_bottom = ruby_glyphs[0].y - 0.12 * BODY / 2
        base_top = base_glyphs[0].y + 0.88 * BODY
        assert abs(ruby_bottom - base_top) < 0.1


def test_mono_ruby_puts_each_reading_over_its_own_character(page3):
    paragraph, _, _, readings = page3
    for base_glyphs, reading in _bases(paragraph):
        if reading in ("くず", "まき"):
            [kanji] = base_glyphs
            ruby_glyphs = _reading_over(base_glyphs, readings)
            assert ruby_glyphs[0].x >= kanji.x - 0.05
            assert ruby_glyphs[-1].right <= kanji.right + 0.05


def test_a_reading_reaches_over_kana_by_one_ruby_character_at_most_and_never_over_kanji(page3):
    paragraph, _, _, readings = page3
    by_line = {round(line[0].y, 1): line for line in paragraph}
    for base_glyphs, reading in _bases(paragraph):
        ruby_glyphs = _reading_over(base_glyphs, readings)
        line = by_line[round(base_glyphs[0].y, 1)]
        for neighbour in line:
            if neighbour in base_glyphs:
                continue
            reach = min(ruby_glyphs[-1].right, neighbour.right) - max(ruby_glyphs[0].x, neighbour.x)
            if reach <= 0.05:
                continue
            assert ord(neighbour.char) in KANA or neighbour.char in "、。", (reading, neighbour)
            assert reach <= BODY / 2 + 0.05, (reading, neighbour, reach)


def test_the_readings_sit_between_the_lines_and_keep_the_pitch(page3):
    paragraph, left, _, readings = page3
    pitches = {round(upper[0].y - lower[0].y, 2) for upper, lower in zip(paragraph, paragraph[1:])}
    plain_pitch = round(left[0][0].y - left[1][0].y, 2)  # the left column's first lines
    assert pitches == {plain_pitch} == {round(BODY * LEADING, 2)}
    for reading in readings:
        above = [line for line in paragraph if line[0].y > reading.y]
        if above:  # the line above keeps clear: its em boxes' bottom over the reading's top
            assert reading.y + 0.88 * BODY / 2 <= above[-1][0].y - 0.12 * BODY + 0.05


def test_justified_lines_with_ruby_end_flush_with_the_column(page3):
    paragraph, left, _, _ = page3
    # The measure, from the left column's first paragraph (no ruby, justified).
    measure = left[0][-1].right - left[1][0].x
    edge = paragraph[1][0].x + measure
    for line in paragraph[:-1]:
        assert abs(line[-1].right - edge) < 0.3, "".join(g.char for g in line)


def test_ruby_in_a_heading_is_over_its_base(print_pdf):
    glyphs = _glyphs(print_pdf, 1)
    heading = next(line for line in _lines(glyphs) if "".join(g.char for g in line) == "表と箇条書き")
    size, em = heading[0].size, heading[0].right - heading[0].x
    readings = sorted((g for g in glyphs if abs(g.size - size / 2) < 0.01
                       and 0 < g.y - heading[0].y < em), key=lambda g: g.x)
    assert "".join(g.char for g in readings) == "ひょうかじょうが"
    for reading, base in ((readings[:3], heading[:1]), (readings[3:], heading[2:5])):
        reading_centre = (reading[0].x + reading[-1].right) / 2
        assert abs(reading_centre - (base[0].x + base[-1].right) / 2) < 0.3


def test_the_screen_edition_copies_the_base_text_once(screen_pdf):
    copied = _copied_text(screen_pdf, 2)
    assert copied.count(PARAGRAPH) == 1
    assert copied.count("葛巻") == 2
    for _, reading in PAIRS:
        assert reading not in copied
    assert "表と箇条書き" in _copied_text(screen_pdf, 1)
    assert "ひょう" not in _copied_text(screen_pdf, 1)


def test_bad_ruby_is_reported_all_at_once_and_located(tmp_path, capfd):
    issue = tmp_path / "vol950.yaml"
    text = VOL950.read_text(encoding="utf-8")
    text = text.replace("{風力|ふうりょく}", "{風力|}").replace("{雫石|しずくいし}", "{雫石|しず|く|いし}")
    text = text.replace('"{表|ひょう}と', '"{表|ひょうと')
    issue.write_text(text, encoding="utf-8")
    assert main(["check", str(issue)]) == 1
    err = capfd.readouterr().err
    assert "Traceback" not in err
    lines = text.split("\n")
    paragraph = next(n for n, line in enumerate(lines, 1) if "{風力|}" in line)
    heading = next(n for n, line in enumerate(lines, 1) if "{表|ひょうと" in line)
    assert f"{issue}:{paragraph}:" in err and "'{風力|}' has an empty reading" in err
    assert "'{雫石|しず|く|いし}' gives 3 readings for the 2 characters" in err
    assert f"{issue}:{heading}:" in err and "'{' is opened but never closed" in err
    assert err.count("fix: ") >= 3


def test_the_ruby_hooks_are_pinned_to_weasyprints_source(monkeypatch):
    assert all(justify.fingerprint(name) == digest for name, digest in ruby.FINGERPRINTS.items())
    monkeypatch.setattr(ruby, "_original_draw_text", None)
    monkeypatch.setitem(ruby.FINGERPRINTS, "stacking._dispatch", "0" * 64)
    with pytest.raises(justify.TypesettingError, match="stacking._dispatch"):
        ruby.install()


def _paragraph_with_ruby(source: str) -> bytes:
    """A 10 em justified JLREQ paragraph of `source` (issue markup), its ruby
    as layouts/inline.html writes it and layouts/newsletter.css sets it."""
    from caipdf import paths
    from caipdf.render.html import environment
    from caipdf.structure.inline import parse
    from typesetting_pdf import paragraph_pdf

    stylesheet = (paths.LAYOUTS / "newsletter.css").read_text(encoding="utf-8")
    rules = "".join(re.findall(r"^\.ruby(?:__reading)? \{.*?\}", stylesheet, re.M | re.S))
    html = environment().get_template("inline.html").module.render(parse(source))
    return paragraph_pdf(f"<p>{html}</p>", css=rules)


def test_a_reading_stays_centred_on_a_loose_justified_line(tmp_path):
    # 「で、」 cannot fit the first line: its 8 characters spread over 9 ems.
    pdf = tmp_path / "loose.pdf"
    pdf.write_bytes(_paragraph_with_ruby("これは{葛|くず}{巻|まき}町の話で、漢字にルビを振ります。"))
    glyphs = _glyphs(pdf, 0)
    first_line = _lines([g for g in glyphs if g.right - g.x > BODY * 0.9])[0]
    assert "".join(g.char for g in first_line) == "これは葛巻町の話"
    gaps = [after.x - before.right for before, after in zip(first_line, first_line[1:])]
    assert min(gaps) > 0.1 * BODY  # loose indeed
    readings = [g for g in glyphs if g.right - g.x < BODY * 0.6 and g.y > first_line[0].y]
    for kanji in first_line[3:5]:
        over = [g for g in readings if kanji.x - 1 <= g.x and g.right <= kanji.right + 1]
        assert len(over) == 2
        assert abs((over[0].x + over[-1].right) / 2 - (kanji.x + kanji.right) / 2) < 0.3


def test_readings_of_small_text_are_never_under_4_5_pt(print_pdf):
    # The table cell 「開会式」 (8 pt) and the caption 「会議の様子」 (7.5 pt):
    # half of them would be under the 4.5 pt WCAG 2.2 (veraPDF 1.4.4) wants.
    glyphs = _glyphs(print_pdf, 1)
    lines = _lines(glyphs)
    for text, base, reading in (("開会式", "開会式", "かいかいしき"), ("会議の様子", "会議", "かいぎ"),
                                ("会議の様子", "様子", "ようす")):
        line = next(line for line in lines if text in "".join(g.char for g in line))
        at = "".join(g.char for g in line).index(base)
        base_glyphs = line[at:at + len(base)]
        em = base_glyphs[0].right - base_glyphs[0].x
        assert em < BODY
        over = sorted((g for g in glyphs if 0 < g.y - line[0].y < em * 1.5
                       and base_glyphs[0].x - em <= g.x and g.right <= base_glyphs[-1].right + em
                       and g.right - g.x < em * 0.7), key=lambda g: g.x)
        assert "".join(g.char for g in over) == reading
        assert {round(g.right - g.x, 2) for g in over} == {4.5}
        centre = (base_glyphs[0].x + base_glyphs[-1].right) / 2
        assert abs((over[0].x + over[-1].right) / 2 - centre) < 0.3
        # The wider reading is made room for: it reaches no kanji beside its base.
        for neighbour in line:
            if neighbour not in base_glyphs and ord(neighbour.char) not in KANA:
                assert min(over[-1].right, neighbour.right) - max(over[0].x, neighbour.x) <= 0.05


def test_a_reading_at_a_line_start_stays_inside_the_column(tmp_path):
    # 「け」 ends the first line (1 em indent + 9 kana): 嵐 starts the second,
    # its reading, 1.5 em over 1 em, may overhang け but not on the line below.
    pdf = tmp_path / "line-start.pdf"
    pdf.write_bytes(_paragraph_with_ruby("あいうえおかきくけ{嵐|あらし}の山を見ました。"))
    glyphs = _glyphs(pdf, 0)
    lines = _lines([g for g in glyphs if g.right - g.x > BODY * 0.9])
    assert "".join(g.char for g in lines[1]).startswith("嵐")
    column_left = lines[1][0].x
    readings = sorted((g for g in glyphs if g.right - g.x < BODY * 0.6), key=lambda g: g.x)
    assert "".join(g.char for g in readings) == "あらし"
    assert readings[0].x >= column_left - 0.05
