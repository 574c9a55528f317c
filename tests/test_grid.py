"""The line grid (caipdf.typesetting.grid), measured from the PDFs' glyph
positions (caipdf.typesetting.grid_metrics): every body line on the page's
grid, in vol.19 and the test volumes, with photos in their slots and
without, and in every layout copy-fitting tries."""

import math
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from caipdf.commands.build import build
from caipdf.typesetting import grid, grid_metrics, metrics
from conftest import ROOT, VOL19
from photos import camera_photo, fill_photo_slots, issue_with_figures, save_jpeg

VOLUMES = [VOL19, *sorted((ROOT / "tests" / "volumes").glob("*.yaml"))]
# The volume of long tables has page-wide tables inside articles, and no photos.
TABLES = ROOT / "tests" / "samples" / "tables.yaml"
BUILDS = [*((volume, photos) for volume in VOLUMES for photos in (False, True)), (TABLES, False)]


def test_the_hook_is_installed_on_the_weasyprint_it_was_written_for():
    import caipdf.render.pdf  # noqa: F401  (installs the hooks)
    from weasyprint.layout import block

    assert block.block_level_layout is grid._block_level_layout
    assert grid.changed_functions() == [], (
        "WeasyPrint changed functions the line grid relies on: read them again, "
        "port src/caipdf/typesetting/grid.py and update grid.FINGERPRINTS")


def test_a_changed_weasyprint_function_is_refused(monkeypatch):
    from caipdf.render.weasyprint_fixes import WeasyPrintMismatch

    import caipdf.render.pdf  # noqa: F401  (installs the hooks)

    monkeypatch.setitem(grid.FINGERPRINTS, "layout.block._in_flow_layout", "0" * 64)
    with pytest.raises(WeasyPrintMismatch, match="_in_flow_layout"):
        grid.check_weasyprint()


def test_the_grid_starts_where_the_first_line_of_a_page_is(vol19_pdf):
    """FIRST_BASELINE comes from the fonts; the top line of page 3 (body text
    from the text area's top) must sit on it."""
    page = pdfium.PdfDocument(vol19_pdf)[2]
    lines, _ = metrics._lines(3, metrics._glyphs(page), metrics._spanning_ranges(page))
    top = max(lines, key=lambda line: line.y)
    height = page.get_trimbox()[3] - page.get_trimbox()[1]
    assert abs(height - top.y - grid_metrics.TEXT_TOP - grid_metrics.FIRST_BASELINE) < 0.05


def _copy_with_photos(issue: Path, folder: Path) -> Path:
    copy = folder / issue.name
    shutil.copy(issue, copy)
    assert fill_photo_slots(copy, size=(1600, 1200))
    return copy


@pytest.fixture(scope="module", params=BUILDS,
                ids=[f"{volume.stem}-{'photos' if photos else 'placeholders'}"
                     for volume, photos in BUILDS])
def built(request, tmp_path_factory):
    volume, photos = request.param
    folder = tmp_path_factory.mktemp(volume.stem)
    source = _copy_with_photos(volume, folder) if photos else volume
    return build(source, folder / "out.pdf").output   # raises on a page plan or layout error


def test_body_lines_are_on_the_page_grid(built):
    report = grid_metrics.measure(built)
    assert report.body_lines > 40
    assert report.share >= grid_metrics.ON_GRID_SHARE_MIN, report.lines()
    assert report.feet_off_grid == [], report.feet_off_grid
    assert report.off_neighbour <= 0.02 * report.body_lines, report.lines()


FOOTNOTE_MARGIN = 9.0  # pt: @footnote's margin-top (12px) above its rule, newsletter.css


def footnote_rules(pdf: Path) -> list[float]:
    """Per page with footnotes, how far (pt) its footnote rule lies below
    the text area's top."""
    return list(footnote_pages(pdf).values())


def footnote_pages(pdf: Path) -> dict[int, float]:
    """Page number → how far (pt) its footnote rule lies below the text
    area's top: the top of the path framing the footnotes (7.5 pt Mincho)
    across the text width."""
    import pypdfium2.raw as raw

    found = {}
    document = pdfium.PdfDocument(pdf)
    for number, page in enumerate(document, start=1):
        left, bottom, right, top = page.get_trimbox()
        notes = [glyph.y for glyph in metrics._glyphs(page)
                 if glyph.mincho and abs(glyph.size - 7.5) < 0.05]
        if not notes:
            continue
        rules = [obj.get_bounds()[3] - bottom
                 for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=4)
                 if 400 < obj.get_bounds()[2] - obj.get_bounds()[0] < 520   # the text width
                 and obj.get_bounds()[1] - bottom < min(notes) < obj.get_bounds()[3] - bottom]
        found[number] = top - bottom - max(rules) - grid_metrics.TEXT_TOP
    document.close()
    return found


def off_pitch(length: float) -> float:
    return abs((length + metrics.PITCH / 2) % metrics.PITCH - metrics.PITCH / 2)


def test_the_footnote_rule_is_as_far_from_the_grid_on_every_page(built):
    rules = footnote_rules(built)
    assert rules   # every volume has footnotes
    assert all(off_pitch(rule - FOOTNOTE_MARGIN) < grid_metrics.TOLERANCE for rule in rules), rules


def test_the_body_figures_hold_on_the_grid(built):
    report = metrics.measure(built)
    assert report.kinsoku_violations == []
    assert report.shortfall_median <= metrics.SHORTFALL_MEDIAN_MAX
    if report.punctuation_pairs:
        assert report.punctuation_median <= metrics.PUNCTUATION_MEDIAN_MAX
    assert not report.page_plan_problems


def test_the_metric_fails_without_the_grid(tmp_path, monkeypatch):
    """With the hook taken out, vol.19 is as issue 13 found it: most body
    lines off the page grid."""
    from weasyprint.layout import block

    import caipdf.render.pdf  # noqa: F401
    from weasyprint.layout import page

    monkeypatch.setattr(block, "block_level_layout", grid._original["block_level_layout"])
    monkeypatch.setattr(page, "make_page", grid._original["make_page"])
    result = build(VOL19, tmp_path / "plain.pdf")
    report = grid_metrics.measure(result.output)
    assert report.share < 0.5, report.lines()
    rules = footnote_rules(result.output)
    assert rules and any(off_pitch(rule - FOOTNOTE_MARGIN) > 1 for rule in rules), rules
    assert report.off_neighbour > 0.2 * report.body_lines
    # The build's check, read from WeasyPrint's boxes, finds the same lines.
    warned = [warning for warning in result.warnings if "off the line grid" in warning]
    counted = sum(int(re.search(r"has (\d+) body lines?", warning)[1]) for warning in warned)
    assert counted == len(report.off_grid)


def test_caipdf_check_counts_the_lines_on_the_grid(capfd):
    from caipdf.cli import main

    assert main(["check", str(VOL19)]) == 0
    found = re.search(r"line grid: (\d+) of (\d+) body lines on the page grid", capfd.readouterr().out)
    assert found and found[1] == found[2] and int(found[2]) > 300


def test_every_size_copy_fitting_tries_is_on_the_grid(tmp_path, monkeypatch):
    from caipdf import copyfit
    from caipdf.render.pdf import write_pdf

    tried = []
    fit = copyfit.fit

    def recording_fit(issue, widths, attempt, rendering_of):
        def recorded(heights):
            laid = attempt(heights)
            tried.append((dict(heights), write_pdf(rendering_of(laid))))
            return laid
        return fit(issue, widths, recorded, rendering_of)

    monkeypatch.setattr(copyfit, "fit", recording_fit)
    save_jpeg(camera_photo(1600, 1200), tmp_path / "images" / "photo.jpg")
    sentence = "これは試験用の文章で、段組の高さを満たすために繰り返されます。"
    blocks = "".join(f"- p: {sentence * 5}\n" for _ in range(10))
    blocks += ('- figure: images/photo.jpg\n  aspect: "4:3"\n  alt: 写真\n'
               '  caption: 伸び縮みする図\n  size: "60%–200%"\n')
    blocks += "".join(f"- p: {sentence * 2}\n" for _ in range(2))
    build(issue_with_figures(tmp_path, blocks), tmp_path / "out.pdf")

    sizes = {round(height, 3) for heights, _ in tried for height in heights.values()}
    assert len(sizes) >= 2, tried   # the figure took more than one size
    for number, (heights, pdf) in enumerate(tried):
        path = tmp_path / f"try{number}.pdf"
        path.write_bytes(pdf)
        report = grid_metrics.measure(path)
        assert report.off_grid == [] and report.feet_off_grid == [], (heights, report.lines())


@dataclass
class Band:
    """One run of two columns on a page, read from the PDF: per column, the
    grid lines down to its foot (the bottom of the lowest thing drawn in
    it: a body line's box, a heading, a figure, a box), whether that is a
    body line, and what the column begins with."""
    page: int
    feet: list[int]
    ends_in_text: list[bool]
    begins_with_text: list[bool]   # a body line first, not a heading or figure
    begins_kept: list[bool]        # ... a paragraph's first line, or its last two:
                                   # lines that orphans or widows (2) keep with others
    last: bool                     # the page's last band with body text


def _grid_lines(below_top: float) -> int:
    return math.ceil(below_top / metrics.PITCH - 0.02)


def column_bands(pdf: Path) -> list[Band]:
    document = pdfium.PdfDocument(pdf)
    bands = []
    for number, page in enumerate(document, start=1):
        height = page.get_trimbox()[3] - page.get_trimbox()[1]
        cuts = metrics._spanning_ranges(page)
        lines, _ = metrics._lines(number, metrics._glyphs(page), cuts)
        text_bottom = height - grid_metrics.TEXT_TOP - grid_metrics.TEXT_HEIGHT
        trim_x, trim_y = metrics._trim_origin(page)
        objects = []
        for obj in page.get_objects(max_depth=4):
            left, bottom, right, top = obj.get_bounds()
            left, right, bottom, top = left - trim_x, right - trim_x, bottom - trim_y, top - trim_y
            column = next((index for index, (low, high) in enumerate(metrics.COLUMNS)
                           if left >= low - 1 and right <= high + 1), None)
            within_a_cut = any(cut_bottom < top and bottom < cut_top for cut_bottom, cut_top in cuts)
            if column is not None and bottom > text_bottom and not within_a_cut:
                band = sum(1 for cut_bottom, _ in cuts if cut_bottom > top - 0.01)
                objects.append((band, column, height - top - grid_metrics.TEXT_TOP,
                                height - bottom - grid_metrics.TEXT_TOP))
        line_bands = sorted({line.band for line in lines})
        for band in line_bands:
            feet, in_text, begins, starts = [], [], [], []
            for column in (0, 1):
                own = sorted((line for line in lines if (line.band, line.column) == (band, column)),
                             key=lambda line: -line.y)
                drawn = [(top, bottom) for b, c, top, bottom in objects if (b, c) == (band, column)]
                line_feet = [round((height - line.y - grid_metrics.TEXT_TOP
                                    - grid_metrics.FIRST_BASELINE) / metrics.PITCH) + 1
                             for line in own]
                foot = max([*line_feet, *(_grid_lines(bottom) for _, bottom in drawn)], default=0)
                feet.append(foot)
                in_text.append(bool(line_feet) and max(line_feet) == foot)
                first_line_top = (line_feet[0] - 1) * metrics.PITCH if line_feet else math.inf
                begins.append(bool(own) and min(top for top, _ in drawn) > first_line_top - 1)
                starts.append(begins[-1] and (_starts_paragraph(own[0])
                                              or _paragraph_lines(own) <= 2))
            bands.append(Band(number, feet, in_text, begins, starts, band == line_bands[-1]))
    document.close()
    return bands


def _starts_paragraph(line) -> bool:
    return abs(line.indent - 1) < 0.3


def _paragraph_lines(column: list) -> int:
    """How many lines the paragraph at the top of a column has there."""
    count = 1
    for line, following in zip(column, column[1:]):
        if line.y - following.y > 1.5 * metrics.PITCH or _starts_paragraph(following):
            break
        count += 1
    return count


def _continuing_pages(issue: Path) -> set[int]:
    """The pages an article's text goes on from, as the issue file plans them."""
    from caipdf.structure.loader import load_issue

    return {page for article in load_issue(issue).articles
            for page in range(article.page, article.last_page)}


def test_balanced_columns_end_level_with_the_longer_on_the_left(built, request):
    """Where an article's columns are balanced (its last page, or above a
    page-wide block), the left column never ends above the right one,
    unless the right one begins with a heading or figure (kept with what
    follows it, the left column could not take it), or the left one ends
    in a figure whose spacing below it takes the last line."""
    volume = request.node.callspec.params["built"][0]
    continuing = _continuing_pages(volume)
    uneven = []
    for band in column_bands(built):
        if band.last and band.page in continuing:
            continue
        (left, right), (left_text, _), (_, right_begins_text) = \
            band.feet, band.ends_in_text, band.begins_with_text
        if right_begins_text and left < right - (0 if left_text else 1):
            uneven.append(f"p.{band.page}: left column {left} lines, right {right}")
    assert uneven == [], uneven


def test_columns_a_page_goes_on_from_end_at_its_foot(built, request):
    """On a page an article goes on from, each column ends on the last grid
    line the page holds (less its footnotes), unless what comes next cannot
    be split there: a heading or figure, or a paragraph's first or last
    two lines (orphans, widows: a line short)."""
    volume = request.node.callspec.params["built"][0]
    continuing = _continuing_pages(volume)
    bands = column_bands(built)
    rules = dict(footnote_pages(built))
    short = []
    for position, band in enumerate(bands):
        if not (band.last and band.page in continuing):
            continue
        room = (rules.get(band.page, grid_metrics.TEXT_HEIGHT + FOOTNOTE_MARGIN) - FOOTNOTE_MARGIN)
        holds = math.floor(room / metrics.PITCH + 1e-3)
        following = bands[position + 1] if position + 1 < len(bands) else None
        for column, foot in enumerate(band.feet):
            if column == 0:
                text_next, kept = band.begins_with_text[1], band.begins_kept[1]
            elif following is not None:
                text_next, kept = following.begins_with_text[0], following.begins_kept[0]
            else:
                continue
            if foot < holds and text_next and not (kept and foot >= holds - 1):
                short.append(f"p.{band.page} column {column + 1}: ends {holds - foot} lines short")
    assert short == [], short


def _paragraph_runs(lines: list) -> list[int]:
    """The lines of each paragraph, in reading order, of lines read down the
    left column, then the right (a paragraph split between them counts once)."""
    runs = []
    for line in lines:
        if not runs or _starts_paragraph(line):
            runs.append(0)
        runs[-1] += 1
    return runs


def _shortest_left_column_not_shorter(runs: list[int], widows_orphans: int = 2) -> int:
    """The fewest lines the left column can hold, breaking only where
    orphans and widows allow it, without ending above the right column."""
    total, start, allowed = sum(runs), 0, {0}
    for lines in runs:
        allowed |= {start + kept for kept in range(widows_orphans, lines - widows_orphans + 1)}
        start += lines
        allowed.add(start)
    return min(lines for lines in allowed if lines >= total - lines)


@pytest.mark.parametrize("sentences", [(5, 5, 5, 5, 3), (4, 6, 2, 5, 5, 4), (3, 3, 7, 2, 6), (8, 4, 4, 6)])
def test_an_article_of_text_ends_its_columns_as_level_as_widows_and_orphans_allow(tmp_path, sentences):
    """A page of paragraphs alone: the left column holds the fewest lines
    that leave it no shorter than the right, breaking only where orphans
    and widows (2) allow; so one line apart, or level, where they allow it."""
    sentence = "これは試験用の文章で、段組の高さを満たすために繰り返されます。"
    blocks = "".join(f"- p: {sentence * count}\n" for count in sentences)
    result = build(issue_with_figures(tmp_path, blocks), tmp_path / "out.pdf")
    page = pdfium.PdfDocument(result.output)[1]
    lines, _ = metrics._lines(2, metrics._glyphs(page), metrics._spanning_ranges(page))
    columns = [sorted((line for line in lines if line.column == column), key=lambda line: -line.y)
               for column in (0, 1)]
    runs = _paragraph_runs(columns[0] + columns[1])
    assert sum(runs) > 20 and len(runs) == len(sentences) + 1   # all on page 2
    expected = _shortest_left_column_not_shorter(runs)
    assert (len(columns[0]), len(columns[1])) == (expected, sum(runs) - expected), runs
    for column in columns:   # neither column has a gap
        assert all(abs(upper.y - lower.y - metrics.PITCH) < 0.1 for upper, lower in zip(column, column[1:]))


def test_balanced_columns_leave_room_for_their_footnotes(tmp_path):
    """tests/samples/cliff.yaml (the trial's a4): an article and its six footnotes
    fit page 2. Balancing tried column heights one pitch taller than the first
    that fits, and a trial's columns may reach into the footnote area: the height
    it settled on did not leave the notes room, and the whole body moved to
    page 3, its title left alone on page 2."""
    from layout_pdf import read_layout
    from pdfcheck import page_texts, squeeze

    issue = tmp_path / "cliff.yaml"
    shutil.copy(ROOT / "tests" / "samples" / "cliff.yaml", issue)
    pdf = build(issue, tmp_path / "cliff.pdf", draft=True).output
    texts = [squeeze(text) for text in page_texts(pdf)]
    assert len(texts) == 4
    assert "2026年4月、東南アジアと南アジアの12都市" in texts[1]  # the lead
    assert "いつでも事務局に申し込めます。" in texts[1]  # the article's last words
    assert all(f"*{number}" in texts[1] for number in range(1, 7))
    assert "いつでも事務局に申し込めます。" not in texts[2]
    page = read_layout(pdf)[1]
    assert page.overlaps() == [] and page.body_in_footnotes() == []
