"""Tables that flow with the text, read back from the PDF of a test volume.

tests/samples/tables.yaml holds a 60-row table (with a caption, a header and
countries that continue over several rows) in the article on pages 2–3,
and a page-wide table on page 6. The expectations come from the issue
file's rows, never from the layout.
"""

import ctypes
import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
import yaml

from caipdf.cli import main
from caipdf.commands.build import build
from conftest import ROOT
from pdfcheck import A4, MM

SAMPLE = ROOT / "tests" / "samples" / "tables.yaml"
MIDDLE = A4[0] / 2  # the gutter between the two columns


def sample_tables() -> list[dict]:
    data = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    return [block["table"] for article in data["articles"] for block in article["blocks"]
            if "table" in block]


@dataclass(frozen=True)
class Glyph:
    char: str
    left: float
    right: float
    baseline: float
    font: str  # the font's PostScript name, subset tag removed


@dataclass(frozen=True)
class ColumnLine:
    page: int  # 1-based
    column: int  # 0 left, 1 right, -1 the page's whole width
    baseline: float
    glyphs: tuple

    @property
    def text(self) -> str:
        return "".join(glyph.char for glyph in self.glyphs)


def column_lines(pdf: Path, page_number: int) -> list[ColumnLine]:
    """The page's text as lines per column (0 left, 1 right), top to bottom,
    and each baseline's whole width as column -1."""
    document = pdfium.PdfDocument(str(pdf))
    textpage = document[page_number - 1].get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    box = raw.FS_RECTF()
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    glyphs = []
    for index in range(textpage.count_chars()):
        char = chr(raw.FPDFText_GetUnicode(textpage, index))
        if raw.FPDFText_IsGenerated(textpage, index) == 1 or char in "\r\n ":
            continue
        raw.FPDFText_GetCharOrigin(textpage, index, x, y)
        raw.FPDFText_GetLooseCharBox(textpage, index, box)
        raw.FPDFText_GetFontInfo(textpage, index, name, 256, ctypes.byref(flags))
        glyphs.append(Glyph(char, box.left, box.right, round(y.value, 1),
                            name.value.decode().split("+")[-1]))
    lines = []
    for baseline in sorted({glyph.baseline for glyph in glyphs}, reverse=True):
        row = tuple(sorted((g for g in glyphs if g.baseline == baseline), key=lambda g: g.left))
        lines.append(ColumnLine(page_number, -1, baseline, row))
        for column, part in ((0, [g for g in row if g.right <= MIDDLE]),
                             (1, [g for g in row if g.left >= MIDDLE])):
            if part:
                lines.append(ColumnLine(page_number, column, baseline, tuple(part)))
    return sorted(lines, key=lambda line: (line.column, -line.baseline))


@pytest.fixture(scope="module")
def sample_pdf(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("tables") / "tables.pdf"
    build(SAMPLE, output)  # no --draft: the page plan and the table checks must pass
    return output


def first_line(text: str, length: int = 3) -> str:
    return str(text)[:length]


def test_every_row_of_the_long_table_lies_within_one_column(sample_pdf):
    rows = sample_tables()[0]["rows"]
    assert len(rows) == 60
    lines = [line for page in (2, 3) for line in column_lines(sample_pdf, page) if line.column >= 0]
    places = set()
    for country, city, partner, year, field in rows:
        # A row's cells are top-aligned: their first lines share one baseline in one column.
        wanted = [first_line(cell) for cell in (country, city, partner, year, field) if cell]
        matches = [line for line in lines if _in_order(line.text, wanted)]
        assert len(matches) == 1, f"row {city}: {[(m.page, m.column, m.text) for m in matches]}"
        line = matches[0]
        places.add((line.page, line.column))
        # and every line of the row's tallest cell is in that column too
        below = [other for other in lines if (other.page, other.column) == (line.page, line.column)
                 and line.baseline - 3 * 8 < other.baseline < line.baseline]
        wrapped = "".join(o.text for o in below)
        for cell in (city, field):
            rest = str(cell)[len(first_line(cell)):]
            assert rest.replace("、", "") == "" or _row_holds(line.text + wrapped, str(cell)), cell
    assert len(places) >= 3 and (2, 0) in places, f"the table runs over columns {sorted(places)}"


def _in_order(text: str, parts: list[str]) -> bool:
    position = 0
    for part in parts:
        position = text.find(part, position)
        if position < 0:
            return False
        position += len(part)
    return True


def _row_holds(text: str, cell: str) -> bool:
    return all(character in text for character in cell)


def test_the_table_starts_where_the_flow_is_and_keeps_its_caption(sample_pdf):
    table = sample_tables()[0]
    lines = column_lines(sample_pdf, 2)
    left = [line for line in lines if line.column == 0]
    caption = next(i for i, line in enumerate(left) if line.text.startswith("表1"))
    assert caption > 3, "text of the article comes before the table in the same column"
    header = "".join(table["header"])
    assert left[caption + 1].text == header, "the header follows its caption"
    assert left[caption - 1].text.endswith("です。"), "the paragraph before ends right above"


def columns_with_rows(pdf: Path, table: dict) -> dict[tuple[int, int], list[ColumnLine]]:
    """(page, column) → its lines, for each column holding rows of `table`."""
    found = {}
    for page in (2, 3):
        for column in (0, 1):
            lines = [line for line in column_lines(pdf, page) if line.column == column]
            if any(_in_order(line.text, [first_line(row[1]), first_line(row[4])])
                   for line in lines for row in table["rows"]):
                found[(page, column)] = lines
    return found


def test_the_header_repeats_at_the_top_of_every_column_the_table_continues_in(sample_pdf):
    table = sample_tables()[0]
    header = "".join(table["header"])
    columns = columns_with_rows(sample_pdf, table)
    assert len(columns) >= 3
    for place, lines in columns.items():
        first_row = next(index for index, line in enumerate(lines)
                         if any(_in_order(line.text, [first_line(row[1]), first_line(row[4])])
                                for row in table["rows"]))
        assert lines[first_row - 1].text == header, place


def test_cells_take_their_own_columns_style(sample_pdf):
    """The first column is bold; a row that continues a country above has its
    city in its first cell, and that city is set like every other city."""
    rows = sample_tables()[0]["rows"]
    lines = [line for page in (2, 3) for line in column_lines(sample_pdf, page) if line.column >= 0]
    fonts = {}
    for country, city, *_ in rows:
        for line in lines:
            start = line.text.find(first_line(city))
            if start >= 0 and not (country and line.text.find(first_line(country)) > start):
                fonts.setdefault(city, line.glyphs[start].font)
                if country:
                    fonts.setdefault(country, line.glyphs[line.text.find(first_line(country))].font)
                break
    continuing = [city for country, city, *_ in rows if not country]
    starting = [country for country, *_ in rows if country]
    assert len(continuing) > 30
    assert {fonts[city] for city in continuing} == {"CAI-Gothic"}
    assert {fonts[country] for country in starting} == {"CAI-Gothic-Bold"}


def test_a_page_wide_table_spans_both_columns(sample_pdf):
    table = sample_tables()[1]
    assert table["span"] == "page"
    lines = column_lines(sample_pdf, 6)
    header = "".join(table["header"])
    [line] = [line for line in lines if line.text == header]
    assert line.column == -1 and line.glyphs[0].right < MIDDLE < line.glyphs[-1].left


def test_column_widths_are_the_given_shares(sample_pdf):
    """widths: [3, 2, 5, 4, 6]: each header starts where the shares before it end."""
    table = sample_tables()[1]
    [line] = [line for line in column_lines(sample_pdf, 6) if line.text == "".join(table["header"])]
    starts, position = [], 0
    for cell in table["header"]:
        starts.append(line.glyphs[position].left)
        position += len(cell)
    total = sum(table["widths"])
    measure = A4[0] - 32 * MM  # the page's text width
    expected = [sum(table["widths"][:i]) / total * measure for i in range(len(starts))]
    for start, share in zip(starts, expected):
        assert start - starts[0] == pytest.approx(share, abs=1.0)


def test_a_row_taller_than_a_column_is_an_error_naming_it(tmp_path, capfd):
    text = SAMPLE.read_text(encoding="utf-8")
    tall = "とても長いセルの文章です。" * 60
    text = text.replace('["", チョンブリ県, 横浜市, 2014年, 省エネ建築]',
                        f'["", チョンブリ県, 横浜市, 2014年, {tall}]')
    issue = tmp_path / "tall.yaml"
    issue.write_text(text, encoding="utf-8")
    assert main(["check", str(issue)]) == 1
    err = capfd.readouterr().err
    line = text.splitlines().index("    - table:", text.splitlines().index("  - id: partnerships")) + 1
    assert f"{issue}:{line}:" in err
    assert "row 2 of the table (「チョンブリ県」) is taller than a column" in err and "fix:" in err


def test_a_table_wider_than_its_column_is_an_error(tmp_path, capfd):
    text = SAMPLE.read_text(encoding="utf-8").replace("        widths: [3, 3.4, 2.8, 2.6, 3.4]\n", "")
    text = text.replace('["", チョンブリ県, 横浜市, 2014年, 省エネ建築]',
                        '["", チョンブリ県, 横浜市, 2014年, CAIPROJECTREFERENCE2013ABCDEFGHIJKLMNOPQRSTUVWXYZ]')
    issue = tmp_path / "wide.yaml"
    issue.write_text(text, encoding="utf-8")
    assert main(["check", str(issue)]) == 1
    err = capfd.readouterr().err
    assert "the table is" in err and "wider than the 86 mm its column has" in err and "span: page" in err


@pytest.mark.parametrize("sentences", [36, 40, 42, 46])
def test_the_caption_stays_with_the_table_wherever_the_column_breaks(tmp_path, sentences):
    """More text before the table moves it down to, and past, the column's foot
    (from about 42 added sentences on, the caption would be the column's last
    line): the caption is always directly above the header, in one column."""
    anchor = "以下の表は、2013年度から2020年度までに実施された事業を、国と都市ごとにまとめたものです。"
    text = SAMPLE.read_text(encoding="utf-8").replace(anchor, "本事業は各地で進んでいます。" * sentences + anchor)
    issue = tmp_path / "caption.yaml"
    issue.write_text(text, encoding="utf-8")
    pdf = tmp_path / "caption.pdf"
    build(issue, pdf, draft=True)  # the article grows: the page plan may not hold
    header = "".join(sample_tables()[0]["header"])
    captions = []
    for page in (2, 3):
        for column in (0, 1):
            lines = [line for line in column_lines(pdf, page) if line.column == column]
            captions += [(page, column, lines[index + 1].text if index + 1 < len(lines) else None)
                         for index, line in enumerate(lines) if line.text.startswith("表1")]
    [(_, _, below)] = captions
    assert below == header


def test_a_country_and_its_cities_stay_in_one_column(sample_pdf):
    """Rows that continue a country's cell ("" below it) keep to the country's
    column: each column the table continues in starts with a country."""
    table = sample_tables()[0]
    header = "".join(table["header"])
    countries = [first_line(country) for country, *_ in table["rows"] if country]
    for place, lines in columns_with_rows(sample_pdf, table).items():
        below_header = lines[[line.text for line in lines].index(header) + 1]
        assert any(below_header.text.startswith(country) for country in countries), (
            place, below_header.text)


def test_a_column_too_narrow_for_its_words_is_one_error_naming_it(tmp_path, capfd):
    """Every cell of 「開始」 (2013年 …, kept whole: a number stays with its counter)
    runs into the next column: one error for the column, at the table's line,
    not one per cell."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "widths: [3, 3.4, 2.8, 2.6, 3.4]", "widths: [3, 3.4, 2.8, 0.9, 3.4]")
    issue = tmp_path / "narrow.yaml"
    issue.write_text(text, encoding="utf-8")
    assert main(["check", str(issue)]) == 1
    err = capfd.readouterr().err
    table = sample_tables()[0]
    years = sum(1 for row in table["rows"] if len(row) > 3 and row[3])
    line = text.splitlines().index("    - table:") + 1
    errors = [message for message in err.splitlines() if ": error:" in message]
    assert len(errors) == 1, err
    assert re.fullmatch(rf"{re.escape(str(issue))}:{line}:7: error: column 4 of the table \(「開始」\) "
                        rf"is too narrow: {years} cells run past its edge, 「20[12]\d年」 by \d+\.\d pt",
                        errors[0]), errors[0]
    assert "table__column" not in err


SHORT_TABLES = {3: [["2026年10月", "水俣条約に関する研修", "水俣市"],
                    ["2026年11月", "第3回アジア都市環境会議", "北九州市"],
                    ["2027年1月", "日本・インドネシア環境政策対話", "ジャカルタ"]]}
SHORT_TABLES[5] = SHORT_TABLES[3] + [["2027年2月", "日タイ環境政策対話", "バンコク"],
                                     ["2027年3月", "アジア太平洋3R推進フォーラム", "ハノイ"]]


@pytest.mark.parametrize("rows", sorted(SHORT_TABLES))
def test_a_short_table_alone_in_its_article_stays_in_one_column(tmp_path, rows):
    """The trial's vol.32 p.8: the columns' balancing split a 3-row table 1 + 2,
    side by side, each piece with its header. A short table stays whole."""
    from small_issue import issue_head

    body = "\n".join(f"            - [{', '.join(row)}]" for row in SHORT_TABLES[rows])
    issue = tmp_path / "short.yaml"
    issue.write_text(issue_head(4) + f"""\
  - id: events
    page: 2
    toc: 今後の予定
    title: 今後の予定
    blocks:
      - table:
          header: [日程, 会合, 場所]
          rows:
{body}
""", encoding="utf-8")
    pdf = tmp_path / "short.pdf"
    build(issue, pdf, draft=True)
    lines = [line for line in column_lines(pdf, 2) if line.column >= 0]
    header = [line for line in lines if line.text == "日程会合場所"]
    dates = [line for line in lines for row in SHORT_TABLES[rows] if line.text.startswith(row[0])]
    assert len(header) == 1 and len(dates) == rows
    assert {line.column for line in header + dates} == {header[0].column}
    assert all(line.baseline < header[0].baseline for line in dates)
