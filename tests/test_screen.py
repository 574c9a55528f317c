"""The screen edition is accessible: PDF/UA-1 and WCAG 2.2 by veraPDF, and its
structure read back (reading order, links, figures, notes, lists, tables,
languages, artifacts). The archive edition stays PDF/A-3b, photos included.

veraPDF runs once per PDF and check for the whole session (it takes seconds).
"""

from __future__ import annotations

import json
import re
import shutil
from functools import cache
from pathlib import Path

import pypdf
import pytest
import yaml

from caipdf.commands.build import build
from caipdf.pdf import verapdf
from caipdf.profiles import PROFILES
from caipdf.render import colors
from conftest import ROOT, VOL19
from pdfcheck import squeeze
from tagged import marked_objects, marked_texts, structure_tree

VOL950 = ROOT / "tests" / "accessible" / "vol950.yaml"
VERAPDF = ROOT.parent / "shared" / "tools" / "verapdf" / "verapdf"
needs_verapdf = pytest.mark.skipif(
    not VERAPDF.is_file(),
    reason=f"veraPDF is not at {VERAPDF} (../shared is absent in a clone on its own; CI has it)")
URL = re.compile(r"^(https?:|mailto:)")
MARKUP = re.compile(r"\[\^[^\]]*\]|\[([^\]]*)\]\([^)]*\)|<([^>]*)>|\*\*|\^\{|\}|\{page:[^}]*\}")


# -- the PDFs, built once ---------------------------------------------------------

def _build(tmp_path_factory, issue: Path, profile: str) -> Path:
    output = tmp_path_factory.mktemp(f"{issue.stem}-{profile}") / f"{issue.stem}.pdf"
    build(issue, output, profile=PROFILES[profile])
    return output


def _with_photos(tmp_path_factory, issue: Path, size: tuple[int, int]) -> Path:
    """A copy of `issue` with a camera photo at every figure path it names."""
    from photos import fill_photo_slots

    copy = tmp_path_factory.mktemp(f"{issue.stem}-photos") / issue.name
    shutil.copy(issue, copy)
    fill_photo_slots(copy, size=size)
    return copy


@pytest.fixture(scope="session")
def vol19_archive_pdf(tmp_path_factory) -> Path:
    return _build(tmp_path_factory, VOL19, "archive")


@pytest.fixture(scope="session")
def vol19_photos_screen_pdf(tmp_path_factory) -> Path:
    """vol.19 with a camera photo in each of its 14 slots."""
    return _build(tmp_path_factory, _with_photos(tmp_path_factory, VOL19, (2400, 1800)), "screen")


@pytest.fixture(scope="session")
def vol950_screen_pdf(tmp_path_factory) -> Path:
    """The test volume as it is in the repository: its photos missing (placeholder frames)."""
    return _build(tmp_path_factory, VOL950, "screen")


@pytest.fixture(scope="session")
def tables_screen_pdf(tmp_path_factory) -> Path:
    """The volume of long tables: tables that run over columns and pages, their header repeated."""
    return _build(tmp_path_factory, ROOT / "tests" / "samples" / "tables.yaml", "screen")


@pytest.fixture(scope="session")
def vol950_with_photos(tmp_path_factory) -> Path:
    """The test volume with its two photos: one with alt text, one decorative."""
    return _with_photos(tmp_path_factory, VOL950, (1500, 1000))


@pytest.fixture(scope="session")
def vol950_photos_screen_pdf(vol950_with_photos, tmp_path_factory) -> Path:
    return _build(tmp_path_factory, vol950_with_photos, "screen")


@pytest.fixture(scope="session")
def vol950_photos_archive_pdf(vol950_with_photos, tmp_path_factory) -> Path:
    return _build(tmp_path_factory, vol950_with_photos, "archive")


@cache
def _verdict(pdf: Path, check: str) -> verapdf.Verdict:
    return verapdf.validate(pdf, check, VERAPDF)


# -- veraPDF ----------------------------------------------------------------------

SCREEN_PDFS = ["vol19_screen_pdf", "vol19_photos_screen_pdf", "vol950_screen_pdf",
               "vol950_photos_screen_pdf", "tables_screen_pdf"]


@needs_verapdf
@pytest.mark.parametrize("check", ["PDF/UA-1", "WCAG 2.2 (machine)"])
@pytest.mark.parametrize("pdf", SCREEN_PDFS)
def test_verapdf_passes_the_screen_edition(pdf, check, request):
    verdict = _verdict(request.getfixturevalue(pdf), check)
    assert verdict.compliant and not verdict.failed_rules, f"{pdf}: {verdict}"


@needs_verapdf
@pytest.mark.parametrize("pdf", ["vol19_archive_pdf", "vol950_photos_archive_pdf"])
def test_verapdf_passes_the_archive_edition_as_pdf_a_3b(pdf, request):
    verdict = _verdict(request.getfixturevalue(pdf), "PDF/A-3b")
    assert verdict.compliant and not verdict.failed_rules, f"{pdf}: {verdict}"


@needs_verapdf
def test_verapdf_names_the_rules_weasyprints_own_tags_break(tmp_path):
    """The check can fail: WeasyPrint's tags as they come, for a link holding a
    span, put an annotation under a Span, which PDF/UA-1 forbids (7.18.5)."""
    from caipdf.render import pdf as render_pdf

    font = (render_pdf.paths.FONTS / "CAILatinMincho-Regular.ttf").as_uri()
    html = (f'<html lang="ja"><head><title>t</title><style>@font-face {{ font-family: m; '
            f'src: url("{font}") }} body {{ font-family: m }}</style></head><body><p>'
            '<a href="https://www.example.org/"><span>example</span></a></p></body></html>')
    output = tmp_path / "plain.pdf"
    rendering = render_pdf.render(html, tmp_path)
    output.write_bytes(rendering.document.write_pdf(pdf_variant="pdf/ua-1"))
    verdict = verapdf.validate(output, "PDF/UA-1", VERAPDF)
    assert not verdict.compliant
    assert any(rule.startswith("7.18.5-1") for rule in verdict.failed_rules), str(verdict)


# -- the structure, read back --------------------------------------------------------

def _plain(text: str) -> str:
    """An issue text as printed: markup out, link labels and addresses kept."""
    return squeeze(MARKUP.sub(lambda match: match.group(1) or match.group(2) or "", text))


def test_reading_order_follows_each_article_across_its_columns_and_pages(vol19_screen_pdf):
    articles = yaml.safe_load(VOL19.read_text(encoding="utf-8"))["articles"]
    tree = structure_tree(vol19_screen_pdf)
    texts = marked_texts(vol19_screen_pdf)
    parts = [kid for kid in tree.kids if not isinstance(kid, tuple)]
    assert [part.tag for part in parts] == ["Sect"] + ["Art"] * len(articles)
    for article, part in zip(articles, parts[1:]):
        text = squeeze(part.text(texts))
        if "title" in article:
            assert text.startswith(_plain(article["title"].replace("\\n", ""))), article["id"]
        position = 0
        for block in article["blocks"]:
            if "p" not in block:
                continue
            opening = _plain(block["p"])[:15]
            found = text.find(opening, position)
            assert found >= position, f"{article['id']}: '{opening}' is not after what precedes it"
            position = found + len(opening)
        # … and no other article's paragraph is read in this one.
        for other in articles:
            if other is not article:
                for block in other["blocks"]:
                    if "p" in block:
                        assert _plain(block["p"])[:15] not in text


@pytest.mark.parametrize("pdf", ["vol19_screen_pdf", "vol950_photos_screen_pdf"])
def test_one_link_element_per_link_annotation(pdf, request):
    path = request.getfixturevalue(pdf)
    reader = pypdf.PdfReader(str(path))
    nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    parents = {int(nums[index]): nums[index + 1] for index in range(0, len(nums), 2)}
    annotations = [annotation.get_object() for page in reader.pages
                   for annotation in page.get("/Annots", [])]
    links = [annotation for annotation in annotations if annotation["/Subtype"] == "/Link"]
    assert links
    for annotation in links:
        parent = parents[int(annotation["/StructParent"])].get_object()
        assert parent["/S"] == "/Link"
        objrs = [kid.get_object() for kid in parent["/K"]
                 if isinstance(kid.get_object(), dict) and kid.get_object().get("/Type") == "/OBJR"]
        assert len(objrs) == 1 and objrs[0]["/Obj"].get_object() == annotation
    link_elements = [element for element in structure_tree(path).find("Link")]
    assert len(link_elements) == len(links)
    assert all(len(element.annotations()) == 1 for element in link_elements)


def test_every_figure_of_vol19_has_alt_text(vol19_screen_pdf):
    issue = yaml.safe_load(VOL19.read_text(encoding="utf-8"))
    frames = sum(1 for article in issue["articles"] for block in article["blocks"]
                 if "figure" in block) + ("cover_image" in issue)
    figures = structure_tree(vol19_screen_pdf).find("Figure")
    assert len(figures) == frames == 14
    for figure in figures:
        assert str(figure.entries["/Alt"]).strip()
        left, bottom, right, top = (float(value) for value in figure.entries["/A"]["/BBox"])
        assert 0 <= left < right <= 595.3 and 0 <= bottom < top <= 841.9


def test_a_photo_has_its_alt_and_a_decorative_one_is_an_artifact(vol950_photos_screen_pdf):
    tree = structure_tree(vol950_photos_screen_pdf)
    [figure] = tree.find("Figure")
    assert figure.entries["/Alt"] == "会議室で話し合う参加者たち"
    images = [obj for obj in marked_objects(vol950_photos_screen_pdf) if obj.kind == "image"]
    assert len(images) == 2
    tagged, decorative = sorted(images, key=lambda obj: obj.mcid, reverse=True)
    assert (tagged.page, tagged.mcid) in set(figure.content()) and "Figure" in tagged.marks
    assert decorative.mcid == -1 and decorative.marks == ["Artifact"]


@pytest.mark.parametrize("pdf", ["vol19_screen_pdf", "vol950_screen_pdf"])
def test_headings_never_skip_a_level(pdf, request):
    levels = [int(element.tag[1]) for element in structure_tree(request.getfixturevalue(pdf)).walk()
              if re.fullmatch(r"H[1-6]", element.tag)]
    assert levels
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, levels


def test_an_article_opening_with_sub_headings_makes_them_its_second_level(vol950_screen_pdf):
    tree = structure_tree(vol950_screen_pdf)
    texts = marked_texts(vol950_screen_pdf)
    second = [kid for kid in tree.kids if not isinstance(kid, tuple)][2]
    assert [(element.tag, squeeze(element.text(texts))) for element in second.walk()
            if element.tag.startswith("H")] == [("H1", "二つ目の試験記事"),
                                                ("H2", "1見出しのない記事の小見出し")]


def test_footnotes_are_notes_read_after_the_block_that_calls_them(vol950_screen_pdf):
    tree = structure_tree(vol950_screen_pdf)
    texts = marked_texts(vol950_screen_pdf)
    notes = tree.find("Note")
    assert [squeeze(note.text(texts)) for note in notes] == [
        "*1最初の注の本文です。", "*2二つ目の注です。詳しくはhttps://www.example.org/notes/を参照。"]
    assert len({str(note.entries["/ID"]) for note in notes}) == 2
    [paragraph_note, item_note] = notes
    [article] = [element for element in tree.walk() if paragraph_note in element.kids]
    calling = article.kids[article.kids.index(paragraph_note) - 1]
    assert calling.tag == "P" and [squeeze(r.text(texts)) for r in calling.find("Reference")] == ["*1"]
    [body] = [element for element in tree.walk() if item_note in element.kids]
    assert body.tag == "LBody" and squeeze(body.find("Reference")[0].text(texts)) == "*2"


def test_lists_tables_and_languages_are_tagged(vol950_screen_pdf):
    tree = structure_tree(vol950_screen_pdf)
    texts = marked_texts(vol950_screen_pdf)
    body_list = next(element for element in tree.find("L") if "一つ目の項目" in element.text(texts))
    assert [[kid.tag for kid in item.kids] for item in body_list.kids] == [["Lbl", "LBody"]] * 3
    assert [squeeze(item.kids[0].text(texts)) for item in body_list.kids] == ["・"] * 3
    [table] = tree.find("Table")
    headers = table.find("TH")
    assert [squeeze(th.text(texts)) for th in headers] == ["日付", "内容"]
    assert all(th.entries["/A"]["/Scope"] == "/Column" for th in headers)
    for cell in table.find("TD"):
        assert len(cell.entries["/A"]["/Headers"]) == 1
    english = [element for element in tree.walk() if element.entries.get("/Lang") == "en"]
    english_text = [squeeze(element.text(texts)) for element in english]
    assert "ThisparagraphiswritteninEnglish:thescreeneditionmusttellascreenreaderso." \
        in english_text
    assert "CAINEWSLETTER" in english_text
    assert not any("構造" in text for text in english_text)


def test_a_table_over_several_pages_has_one_header_and_its_repeats_are_artifacts(tables_screen_pdf):
    tables = structure_tree(tables_screen_pdf).find("Table")
    assert len(tables) >= 2
    for table in tables:
        assert [kid.tag for kid in table.kids].count("THead") == 1
    # the long table's header is read once, though every page repeats it
    long_table = max(tables, key=lambda table: len(table.find("TR")))
    assert len(long_table.find("TR")) > 40
    [head] = [kid for kid in long_table.kids if kid.tag == "THead"]
    assert len(head.find("TR")) == 1


def test_link_contents_say_where_the_link_goes(vol950_photos_screen_pdf):
    reader = pypdf.PdfReader(str(vol950_photos_screen_pdf))
    contents = [str(annotation.get_object()["/Contents"]) for page in reader.pages
                for annotation in page.get("/Annots", [])]
    assert not [text for text in contents if URL.match(text)]
    for expected in ("報告書の要約",  # the link's own words
                     "構造の試験記事",  # an address in a footnote: the article's title
                     "二つ目の試験記事",  # an address in a paragraph
                     "試験用の情報サイト",  # the infobox's address: its title
                     "試験用の連絡先"):  # the colophon's address: the contact
        assert expected in contents


def test_page_furniture_is_artifact_and_all_else_is_in_the_tree(vol19_screen_pdf):
    tree = structure_tree(vol19_screen_pdf)
    in_tree = set(tree.content())
    objects = marked_objects(vol19_screen_pdf)
    texts = [obj for obj in objects if obj.kind == "text" and obj.text.strip()]
    for obj in texts:
        assert obj.mcid == -1 and "Artifact" in obj.marks or (obj.page, obj.mcid) in in_tree, obj
    footers = [obj for obj in texts if obj.page > 0 and obj.text.strip() in ("CAI NEWSLETTER", "vol.19")]
    assert {obj.page for obj in footers} == set(range(1, 11))  # the cover and the colophon's page have none
    assert all(obj.marks == ["Artifact"] for obj in footers)
    # The colophon is read: the contacts' address on the last page is content.
    assert any("葉山町" in obj.text and obj.mcid >= 0 for obj in texts if obj.page == 11)


def test_the_screen_pdf_has_a_trailer_id(vol19_screen_pdf):
    reader = pypdf.PdfReader(str(vol19_screen_pdf))
    first, second = reader.trailer["/ID"]
    assert len(first) == len(second) == 32


# -- the screen palette ---------------------------------------------------------

def _relative_luminance(rgb) -> float:
    def linear(value):
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = map(linear, rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _contrast(first, second) -> float:
    light, dark = sorted(map(_relative_luminance, (first, second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _screen_palette_in_colors_css() -> dict[str, tuple[int, ...]]:
    text = (ROOT / "layouts" / "colors.css").read_text(encoding="utf-8")
    return {f"--{name}": tuple(map(int, rgb))
            for name, *rgb in re.findall(r"--screen-([\w-]+):\s*rgb\((\d+) (\d+) (\d+)\)", text)}


def test_colors_css_holds_the_screen_palette_its_rule_gives():
    written = _screen_palette_in_colors_css()
    print_colours = re.findall(r"(--[\w-]+)\s*:\s*device-cmyk",
                               (ROOT / "layouts" / "colors.css").read_text(encoding="utf-8"))
    assert list(written) == print_colours  # every print colour, once, in the same order
    assert written == colors.screen_palette()


def test_screen_text_colours_have_4_5_to_1_against_every_ground():
    palette = _screen_palette_in_colors_css()
    converted = colors.print_palette_rgb()
    for ground in colors.GROUNDS:
        assert palette[ground] == converted[ground]  # grounds are the print ones
        for text in colors.TEXT_COLOURS:
            assert _contrast(palette[text], palette[ground]) >= 4.5, (text, ground)
    # The accent green of the print palette, as converted, would not do.
    assert _contrast(converted["--accent"], converted["--paper"]) < 3


def test_the_structure_hook_is_pinned_to_weasyprints_source():
    from weasyprint.pdf import tags as weasyprint_tags

    from caipdf.render import pdf as render_pdf  # noqa: F401  (importing it installs the hook)
    from caipdf.render import tag_sources

    for name, expected in tag_sources.FINGERPRINTS.items():
        assert tag_sources.fingerprint(name) == expected
    assert weasyprint_tags._build_box_tree is not tag_sources._original
    assert weasyprint_tags._build_box_tree.__wrapped__ is tag_sources._original


# -- caipdf preflight on a screen PDF ----------------------------------------------

@needs_verapdf
def test_preflight_reports_tags_alt_text_contrast_and_verapdf(vol19_screen_pdf, capsys):
    from caipdf.cli import main

    assert main(["preflight", str(vol19_screen_pdf), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    summary = report["accessibility"]
    assert summary["structure"]["Art"] == 8
    assert "NonStruct" not in summary["structure"] and "Div" not in summary["structure"]
    assert summary["figures"] == summary["figures_with_alt"] == 14
    assert summary["links"] == summary["links_described"] > 0
    assert summary["text_under_contrast"] == 0 and summary["lowest_contrast"] >= 4.5
    assert summary["verapdf"] == {"PDF/UA-1": "PDF/UA-1: PASS",
                                  "WCAG 2.2 (machine)": "WCAG 2.2 (machine): PASS"}


def test_preflight_finds_low_contrast_and_bare_links(tmp_path, monkeypatch, capsys):
    """Grey text (#999 on white, 2.85:1 by WCAG's formula) and a link that says only its address."""
    from caipdf.cli import main
    from caipdf.render import pdf as render_pdf

    monkeypatch.setenv("CAIPDF_VERAPDF", "")  # no veraPDF: preflight says so and goes on
    font = (render_pdf.paths.FONTS / "CAILatinMincho-Regular.ttf").as_uri()
    html = (f'<html lang="ja"><head><title>t</title><style>@font-face {{ font-family: m; '
            f'src: url("{font}") }} body {{ font: 10pt m }} .grey {{ color: #999 }}</style></head>'
            '<body><p class="grey">Grey text</p><p>Black text, and '
            '<a href="https://www.example.org/">https://www.example.org/</a></p></body></html>')
    output = tmp_path / "grey.pdf"
    output.write_bytes(render_pdf.render(html, tmp_path).document.write_pdf(pdf_variant="pdf/ua-1"))
    assert main(["preflight", str(output), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["accessibility"]["text_under_contrast"] == 1
    assert report["accessibility"]["lowest_contrast"] == pytest.approx(_contrast((153,) * 3, (255,) * 3),
                                                                       abs=0.05)
    assert report["accessibility"]["links"] == 1 and report["accessibility"]["links_described"] == 0
    assert report["accessibility"]["verapdf"] == "not found"
    messages = [finding["message"] for finding in report["findings"] if finding["level"] == "error"]
    assert any("'Grey text' at 2.85:1, 4.5:1 needed" in message for message in messages), messages


def test_a_photo_without_alt_is_read_as_its_caption(vol19_photos_screen_pdf):
    """vol.19 has no alt texts; two of its photos have captions. The others
    say nothing a reader could hear: artifacts (and warnings at build time)."""
    issue = yaml.safe_load(VOL19.read_text(encoding="utf-8"))
    captions = sorted(_plain(block["caption"]) for article in issue["articles"]
                      for block in article["blocks"] if "figure" in block and "caption" in block)
    figures = structure_tree(vol19_photos_screen_pdf).find("Figure")
    assert sorted(squeeze(str(figure.entries["/Alt"])) for figure in figures) == captions
    images = [obj for obj in marked_objects(vol19_photos_screen_pdf) if obj.kind == "image"]
    assert len(images) == 14
    assert sum(obj.marks == ["Artifact"] for obj in images) == 14 - len(captions)


@pytest.mark.parametrize("pdf", ["vol19_screen_pdf", "vol950_photos_screen_pdf"])
def test_no_link_inside_a_link(pdf, request):
    """A page reference's number is its link's ::before, which WeasyPrint
    tags as a Link of its own, with an annotation of its own."""
    for link in structure_tree(request.getfixturevalue(pdf)).find("Link"):
        assert link.find("Link") == [link]
