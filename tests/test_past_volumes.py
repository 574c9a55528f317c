"""Past volumes in the archive (issue 16): vol.19 with a volume printed by
another tool (plain WeasyPrint) and a scanned one (a page image), converted
to PDF/A-3b, checked by veraPDF, their originals attached, in the manifest,
in the catalogue's search index (tried in headless Chromium), verified and
rebuilt; sharded archives merged."""

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pypdf
import pytest

from browser import chromium_or_skip
from caipdf.archive import build_archive
from caipdf.archive import past
from caipdf.cli import main
from caipdf.errors import CaipdfError
from caipdf.pdf import verapdf
from caipdf.structure.loader import load_volume
from conftest import ROOT, VOL19, verify_with_one_byte_flipped
from past_volumes import (
    PRINTED_PAGE_2, cmyk_pdf, declare, printed_pdf, scanned_pdf, with_tounicode_ranges,
)

VERAPDF = ROOT.parent / "shared" / "tools" / "verapdf" / "verapdf"
needs_verapdf = pytest.mark.skipif(
    not VERAPDF.is_file(),
    reason=f"veraPDF is not at {VERAPDF} (../shared is absent in a clone on its own; CI has it)")
needs_engine = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("gs", "ocrmypdf", "tesseract")),
    reason="the conversion engine is not installed: make test runs 'make archive-tools' "
           "(apt-get install ghostscript ocrmypdf tesseract-ocr-jpn), which failed or was not run")


def make_past_volumes(folder: Path) -> None:
    (folder / "printed").mkdir()
    printed_pdf(folder / "printed" / "vol918.pdf")
    declare(folder, "vol918", 918, "2019-09", "printed/vol918.pdf", 2,
            [(1, "第918号 湿地特集"), (2, "第二の記事")], extra="cover_line: 湿地の特集号\n")
    scanned_pdf(folder / "scan905.pdf")
    declare(folder, "vol905", 905, "2008-03", "scan905.pdf", 1, [(1, "水質調査と廃棄物管理")])


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    if needs_engine.args[0]:
        pytest.skip(needs_engine.kwargs["reason"])
    issues = tmp_path_factory.mktemp("issues")
    shutil.copy(VOL19, issues / VOL19.name)
    make_past_volumes(issues)
    folder = tmp_path_factory.mktemp("archive")
    status = main(["archive", str(issues), "-o", str(folder)])
    return issues, folder, status


def manifest_of(folder: Path) -> dict:
    return {entry["file"]: entry for entry in
            json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["volumes"]}


def search_index(folder: Path) -> dict:
    script = (folder / "search-index.js").read_text(encoding="utf-8")
    return json.loads(script[script.index("{"):script.rindex("}") + 1])


def test_vol19_and_two_past_volumes_archive_with_exit_0_into_the_manifest(archive):
    issues, folder, status = archive
    assert status == 0
    volumes = manifest_of(folder)
    assert sorted(volumes) == ["vol19.pdf", "vol905.pdf", "vol918.pdf"]
    printed, scanned = volumes["vol918.pdf"], volumes["vol905.pdf"]
    for entry, original in ((printed, issues / "printed" / "vol918.pdf"), (scanned, issues / "scan905.pdf")):
        pdf = folder / entry["file"]
        assert entry["kind"] == "past"
        assert entry["sha256"] == hashlib.sha256(pdf.read_bytes()).hexdigest()
        assert entry["bytes"] == pdf.stat().st_size
        assert entry["pages"] == len(pypdf.PdfReader(str(pdf)).pages)
        assert entry["original_sha256"] == hashlib.sha256(original.read_bytes()).hexdigest()
        assert entry["source_sha256"] == hashlib.sha256((issues / entry["source"]).read_bytes()).hexdigest()
        assert entry["tools"]["ghostscript"] and entry["tools"]["tesseract"]  # the engine's versions
        assert (folder / entry["thumbnail"]).is_file()
    assert printed["pages"] == 2 and printed["text_source"] == "printed" and printed["ocr_pages"] == []
    assert scanned["pages"] == 1 and scanned["text_source"] == "OCR" and scanned["ocr_pages"] == [1]
    assert [volume["volume"] for volume in json.loads(
        (folder / "manifest.json").read_text(encoding="utf-8"))["volumes"]] == [19, 918, 905]


@needs_verapdf
@pytest.mark.parametrize("name", ["vol918.pdf", "vol905.pdf"])
def test_each_past_volume_is_pdf_a_3b_by_verapdf(archive, name):
    verdict = verapdf.validate(archive[1] / name, "PDF/A-3b", VERAPDF)
    assert verdict.compliant and not verdict.failed_rules, f"{name}: {verdict}"


@pytest.mark.parametrize("name, original", [("vol918.pdf", "printed/vol918.pdf"),
                                            ("vol905.pdf", "scan905.pdf")])
def test_the_original_is_attached_as_source_with_its_checksum(archive, name, original):
    issues, folder, _ = archive
    with pikepdf.open(folder / name) as pdf:
        relations = {str(spec.F): str(spec.AFRelationship) for spec in pdf.Root.AF}
        assert relations == {original: "/Source", f"{Path(name).stem}.yaml": "/Source",
                             "caipdf-build.json": "/Supplement"}
        stream = next(spec for spec in pdf.Root.AF if str(spec.F) == original).EF.F
        data = stream.read_bytes()
        assert data == (issues / original).read_bytes()
        assert bytes(stream.Params.CheckSum) == hashlib.md5(data).digest()
        assert str(stream.Subtype) == "/application/pdf"
    info = json.loads(pypdf.PdfReader(str(folder / name)).attachments["caipdf-build.json"][0])
    assert info["original_sha256"] == hashlib.sha256((issues / original).read_bytes()).hexdigest()


def test_the_xmp_carries_the_metadata_of_caipdfs_own_volumes(archive):
    folder = archive[1]
    xmp = pypdf.PdfReader(str(folder / "vol918.pdf")).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    own = pypdf.PdfReader(str(folder / "vol19.pdf")).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:part>3</pdfaid:part>" in xmp and "<pdfaid:conformance>B</pdfaid:conformance>" in xmp
    assert '<rdf:li xml:lang="ja">クリーンアジア・イニシアティブ ニュースレター vol.918</rdf:li>' in xmp
    assert '<rdf:li xml:lang="en">CAI NEWSLETTER vol.918</rdf:li>' in xmp
    assert "<rdf:li>試験用の発行者</rdf:li><rdf:li>試験用の制作者</rdf:li>" in xmp
    assert "<caipdf:volume>918</caipdf:volume>" in xmp and "<caipdf:issueDate>2019-09</caipdf:issueDate>" in xmp
    assert "<xmp:CreateDate>2019-08-31T15:00:00Z</xmp:CreateDate>" in xmp  # the issue's month, in Japan
    # the same fields, in the same words, as caipdf's own volume
    for field in ("dc:language", "dc:publisher", "dc:date", "dc:identifier", "xmp:CreatorTool",
                  "caipdf:volume", "caipdf:issueDate", "caipdf:sourceSHA256", "caipdf:caipdfVersion"):
        assert f"<{field}>" in xmp and f"<{field}>" in own, field
    assert "/Info" not in pypdf.PdfReader(str(folder / "vol918.pdf")).trailer


def test_every_font_of_the_archival_copies_is_embedded(archive):
    for name in ("vol918.pdf", "vol905.pdf"):
        reader = pypdf.PdfReader(str(archive[1] / name))
        fonts = 0
        for page in reader.pages:
            for font in page["/Resources"].get_object().get("/Font", {}).values():
                font = font.get_object()
                if font["/Subtype"] == "/Type0":
                    font = font["/DescendantFonts"][0].get_object()
                descriptor = font["/FontDescriptor"].get_object()
                assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor), (name, font["/BaseFont"])
                fonts += 1
        assert fonts, name


def test_the_search_index_holds_the_past_volumes_text(archive):
    pages = search_index(archive[1])["pages"]
    by_place = {(page["file"], page["page"]): page for page in pages}
    assert len(pages) == 12 + 2 + 1
    printed = by_place[("vol918.pdf", 2)]
    assert PRINTED_PAGE_2 in printed["text"].replace(" ", "") and printed["article"] == "第二の記事"
    assert "JCM" in by_place[("vol918.pdf", 1)]["text"]  # ＪＣＭ folded by NFKC
    scanned = by_place[("vol905.pdf", 1)]
    assert "廃棄物管理" in scanned["text"].replace(" ", ""), scanned["text"]  # read by OCR
    assert "気候変動枠組条約" in by_place[("vol19.pdf", 2)]["text"].replace(" ", "")


def test_the_scan_has_an_invisible_text_layer_over_its_image(archive):
    reader = pypdf.PdfReader(str(archive[1] / "vol905.pdf"))
    content = reader.pages[0].get_contents().get_data()
    assert b" Tr" in content and re.search(rb"\b3 Tr\b", content)  # text drawn invisibly (OCR)
    assert "廃棄物管理" in reader.pages[0].extract_text().replace(" ", "")


def test_a_second_run_keeps_the_past_volumes(archive):
    issues, folder, _ = archive
    before = {path.name: path.read_bytes() for path in folder.glob("*.pdf")}
    again = build_archive(issues, folder)
    assert again.built == [] and sorted(again.skipped) == ["vol19.yaml", "vol905.yaml", "vol918.yaml"]
    assert {path.name: path.read_bytes() for path in folder.glob("*.pdf")} == before


def test_verify_catches_a_flipped_byte_in_a_past_volume(archive, tmp_path, capfd):
    out = verify_with_one_byte_flipped(archive[1], "vol918.pdf", tmp_path, capfd)
    assert "MISMATCH vol918.pdf: sha256 differs" in out
    assert "vol905.pdf" not in out and "vol19.pdf" not in out


def test_verify_rebuild_converts_again_from_the_attached_original_byte_for_byte(archive, capfd):
    assert main(["archive", "--verify", "--rebuild", str(archive[1])]) == 0
    assert "rebuilds identically" in capfd.readouterr().out


def test_a_rebuild_that_differs_is_a_mismatch(archive, tmp_path, capfd):
    """The rebuild compares bytes: a copy whose pages were changed after the
    conversion (and whose manifest was updated to match) does not rebuild alike."""
    copy = tmp_path / "archive"
    shutil.copytree(archive[1], copy)
    with pikepdf.open(copy / "vol918.pdf", allow_overwriting_input=True) as pdf:
        pdf.pages[0].Rotate = 90
        pdf.save(copy / "vol918.pdf", deterministic_id=True)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["volumes"]:
        if entry["file"] == "vol918.pdf":
            entry["sha256"] = hashlib.sha256((copy / "vol918.pdf").read_bytes()).hexdigest()
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert main(["archive", "--verify", "--rebuild", str(copy)]) == 1
    out = capfd.readouterr().out
    assert "MISMATCH vol918.pdf: a rebuild from its attached sources differs" in out
    assert "vol905.pdf" not in out


# -- what the conversion changed, and what it cannot do -------------------------

@needs_engine
def test_a_cmyk_page_is_converted_to_srgb_and_the_archive_says_so_for_that_page(tmp_path, capfd):
    issues = tmp_path / "issues"
    issues.mkdir()
    cmyk_pdf(issues / "cmyk.pdf", unembedded_text=True)
    declare(issues, "vol931", 931, "2015-06", "cmyk.pdf", 1, [(1, "色の試験")])
    assert main(["archive", str(issues), "-o", str(tmp_path / "archive")]) == 0
    err = capfd.readouterr().err
    assert re.search(r"vol931\.pdf page 1: the conversion changed its look: .*colour converted "
                     r"from DeviceCMYK", err), err
    assert "font Helvetica was not embedded: a substitute is drawn" in err
    with pikepdf.open(tmp_path / "archive" / "vol931.pdf") as pdf:
        operators = {str(operator) for _, operator in pikepdf.parse_content_stream(pdf.pages[0])}
        assert not operators & {"k", "K"}, "no DeviceCMYK left under the sRGB output intent"
        assert str(pdf.Root.OutputIntents[0].OutputConditionIdentifier) == "sRGB IEC61966-2.1"
    entry = manifest_of(tmp_path / "archive")["vol931.pdf"]
    assert entry["changes"][0]["page"] == 1


@needs_engine
@needs_verapdf
def test_a_print_shops_pdf_x_in_cmyk_becomes_pdf_a_3b_in_srgb(vol19_pdf, tmp_path, capfd):
    """A real printed file: vol.19's print edition (PDF/X-4, CMYK, registration
    colour in the marks, transparency flattened onto the paper) as a past volume."""
    issues = tmp_path / "issues"
    (issues / "printed").mkdir(parents=True)
    shutil.copy(vol19_pdf, issues / "printed" / "vol917.pdf")
    declare(issues, "vol917", 917, "2019-03", "printed/vol917.pdf", 12,
            [(2, "気候変動枠組条約第25回締約国会議"), (4, "JCMパートナー会合の開催")])
    assert main(["archive", str(issues), "-o", str(tmp_path / "archive")]) == 0
    copy = tmp_path / "archive" / "vol917.pdf"
    verdict = verapdf.validate(copy, "PDF/A-3b", VERAPDF)
    assert verdict.compliant and not verdict.failed_rules, str(verdict)
    changes = manifest_of(tmp_path / "archive")["vol917.pdf"]["changes"]
    assert [change["page"] for change in changes] == list(range(1, 13))
    assert all(any(what.startswith("colour converted from DeviceCMYK") for what in change["changes"])
               for change in changes)
    assert not any("pixels look different" in what for change in changes for what in change["changes"])
    assert "気候変動枠組条約" in search_index(tmp_path / "archive")["pages"][1]["text"]
    said = [line for line in capfd.readouterr().err.splitlines() if "changed its look" in line]
    assert said and all(re.match(r"  vol917\.pdf pages? [0-9–, ]+: the conversion changed its look: "
                                 r"colour converted from DeviceCMYK", line) for line in said), said
    assert len(said) < 12, "pages with the same change share a line"


def test_a_font_the_archival_copy_does_not_embed_is_an_error_naming_it(tmp_path):
    issues = tmp_path / "issues"
    issues.mkdir()
    cmyk_pdf(issues / "cmyk.pdf", unembedded_text=True)
    volume = load_volume(declare(issues, "vol931", 931, "2015-06", "cmyk.pdf", 1, [(1, "色")]))
    with pytest.raises(CaipdfError) as raised:
        past._check_fonts_embedded(volume, (issues / "cmyk.pdf").read_bytes())
    assert "the font Helvetica of 'cmyk.pdf' is not embedded" in str(raised.value)
    assert "fix: " in str(raised.value)


@needs_engine
def test_one_failing_past_volume_never_stops_the_others(tmp_path):
    issues = tmp_path / "issues"
    issues.mkdir()
    scanned_pdf(issues / "scan.pdf", dpi=100)
    declare(issues, "vol905", 905, "2008-03", "scan.pdf", 1, [(1, "森林")])
    (issues / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    declare(issues, "vol906", 906, "2008-06", "broken.pdf", 1, [(1, "壊れた号")])
    result = build_archive(issues, tmp_path / "archive")
    assert result.built == ["vol905.yaml"] and list(result.failed) == ["vol906.yaml"]
    assert "vol906.yaml" in result.failed["vol906.yaml"] and "fix:" in result.failed["vol906.yaml"]
    assert sorted(manifest_of(tmp_path / "archive")) == ["vol905.pdf"]


def test_a_past_volume_whose_pdf_has_other_pages_is_a_located_error(tmp_path, capfd):
    scanned_pdf(tmp_path / "scan.pdf", dpi=60)
    issue = declare(tmp_path, "vol905", 905, "2008-03", "scan.pdf", 3, [(1, "森林"), (2, "草原")])
    assert main(["check", str(issue)]) == 1
    err = capfd.readouterr().err
    line = next(number for number, text in enumerate(issue.read_text().splitlines(), start=1)
                if text.startswith("pages:"))
    assert f"{issue}:{line}:8: error: pages is 3, but 'scan.pdf' has 1 pages" in err
    assert "fix: write pages: 1" in err and "Traceback" not in err


def test_check_accepts_a_valid_past_volume_and_build_refuses_it(tmp_path, capfd):
    scanned_pdf(tmp_path / "scan.pdf", dpi=60)
    issue = declare(tmp_path, "vol905", 905, "2008-03", "scan.pdf", 1, [(1, "森林")])
    assert main(["check", str(issue)]) == 0
    assert "valid past volume, kept as printed (scan.pdf, 1 pages, 1 contents entries)" in capfd.readouterr().out
    assert main(["build", str(issue), "-o", str(tmp_path / "out.pdf")]) == 1
    err = capfd.readouterr().err
    assert f"{issue}:1:1: error: vol905.yaml declares a past volume kept as printed" in err
    assert "caipdf archive" in err and not (tmp_path / "out.pdf").exists()


def test_a_past_volume_satisfies_the_schema(tmp_path):
    import jsonschema
    import yaml

    scanned_pdf(tmp_path / "scan.pdf", dpi=60)
    issue = declare(tmp_path, "vol905", 905, "2008-03", "scan.pdf", 1, [(1, "森林")])
    schema = json.loads((ROOT / "docs" / "issue.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(yaml.safe_load(issue.read_text(encoding="utf-8")), schema)
    broken = yaml.safe_load(issue.read_text(encoding="utf-8")) | {"contents": [{"page": 1}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


# -- shards ---------------------------------------------------------------------

@needs_engine
def test_shards_built_apart_merge_into_one_archive(tmp_path, capfd):
    shards = []
    for number, (stem, dpi) in enumerate((("vol905", 100), ("vol906", 100)), start=1):
        issues = tmp_path / f"issues-{number}"
        issues.mkdir()
        scanned_pdf(issues / "scan.pdf", dpi=dpi)
        declare(issues, stem, int(stem[3:]), f"2008-0{number}", "scan.pdf", 1, [(1, "森林")])
        assert main(["archive", str(issues), "-o", str(tmp_path / f"shard-{number}")]) == 0
        shards.append(tmp_path / f"shard-{number}")
    merged = tmp_path / "archive"
    assert main(["archive", "--merge", *map(str, shards), "-o", str(merged)]) == 0
    assert sorted(manifest_of(merged)) == ["vol905.pdf", "vol906.pdf"]
    assert {page["file"] for page in search_index(merged)["pages"]} == {"vol905.pdf", "vol906.pdf"}
    assert main(["archive", "--verify", str(merged)]) == 0
    # the same volume in two shards is refused, naming both
    capfd.readouterr()
    shutil.copytree(shards[0], tmp_path / "shard-3")
    assert main(["archive", "--merge", str(shards[0]), str(tmp_path / "shard-3"), "-o",
                 str(tmp_path / "other")]) == 1
    assert "vol905.yaml is in two shards" in capfd.readouterr().err


# -- the catalogue's search, in a browser ------------------------------------------

@pytest.fixture(scope="module")
def catalogue(archive):
    with chromium_or_skip() as browser:
        page = browser.new_page()
        page.goto((archive[1] / "index.html").as_uri())
        yield page


def search(page, query: str) -> list[dict]:
    page.fill("#search", query)
    page.wait_for_function("q => document.getElementById('search-summary').textContent.includes(q)",
                           arg=f"「{query.strip()}」")
    return page.eval_on_selector_all(".hit", """hits => hits.map(hit => ({
        link: hit.querySelector('a').getAttribute('href'), label: hit.querySelector('a').textContent,
        article: hit.querySelector('.article').textContent,
        snippet: hit.querySelector('.snippet').textContent,
        mark: hit.querySelector('mark').textContent}))""")


def test_typing_a_word_only_the_past_volume_holds_finds_its_page(catalogue):
    hits = search(catalogue, "マングローブ植林")
    assert [(hit["link"], hit["label"], hit["article"]) for hit in hits] == [
        ("vol918.pdf#page=2", "vol.918 p.2", "第二の記事")]
    assert "マングローブ" in hits[0]["snippet"] and "干潟" in hits[0]["snippet"]
    assert catalogue.is_visible(".hit a")


def test_the_word_an_ocr_scan_holds_is_found_on_the_scan(catalogue):
    hits = search(catalogue, "廃棄物管理")  # vol.19 has it too, on its pages 8 and 9
    scan = [hit for hit in hits if hit["link"].startswith("vol905.pdf")]
    assert [(hit["link"], hit["label"], hit["article"]) for hit in scan] == [
        ("vol905.pdf#page=1", "vol.905 p.1", "水質調査と廃棄物管理")]


def test_full_width_letters_find_half_width_and_back(catalogue):
    """ＪＣＭ (full width) and JCM are one word after NFKC; vol.19 has JCM on pages 1, 4, 12 at least."""
    wide, narrow = search(catalogue, "ＪＣＭ"), search(catalogue, "jcm")
    assert [hit["link"] for hit in wide] == [hit["link"] for hit in narrow]
    links = [hit["link"] for hit in wide]
    assert "vol918.pdf#page=1" in links and "vol19.pdf#page=4" in links


def test_a_phrase_is_found_exactly_and_separate_words_on_one_page(catalogue):
    """「湿地保全」 is not 「湿地の保全」; 「湿地 保全」 (two words) finds the page holding both."""
    exact = search(catalogue, "湿地保全")
    assert exact == [] and "0 pages" in catalogue.text_content("#search-summary")
    both = search(catalogue, "湿地 保全")
    assert [hit["link"] for hit in both] == ["vol918.pdf#page=1"]
    assert both[0]["mark"] == "湿地"


def test_the_catalogue_loads_nothing_from_the_network(archive):
    html = (archive[1] / "index.html").read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=\"(https?:)?//", html)
    assert '<script src="search-index.js"></script>' in html


@needs_engine
def test_the_engine_output_is_byte_stable_run_to_run(tmp_path):
    """Converting the same printed PDF twice gives the same bytes: Ghostscript's
    dates and random /ID are replaced by the issue's month and the sources' digest."""
    printed_pdf(tmp_path / "vol918.pdf")
    volume = load_volume(declare(tmp_path, "vol918", 918, "2019-09", "vol918.pdf", 2,
                                 [(1, "一"), (2, "二")]))
    first, _ = past.convert(volume)
    second, _ = past.convert(volume)
    assert first == second
    engine = subprocess.run(["gs", "--version"], capture_output=True, text=True).stdout.strip()
    assert f"Ghostscript {engine}" in past.engine_name()


@needs_engine
@pytest.mark.parametrize("mended", [True, False])
def test_text_written_with_tounicode_ranges_copies_as_printed(tmp_path, capfd, monkeypatch, mended):
    """Ghostscript 10.00 rewrites ToUnicode ranges wrong (て で と came out as v w x
    from a Chromium PDF): the copy takes the printed PDF's maps back, and a page
    whose text would still copy differently is reported."""
    from caipdf.archive import tounicode
    from caipdf.archive.search import fold, page_texts

    if not mended:
        monkeypatch.setattr(tounicode, "restore", lambda copy, printed, fonts: [])
    issues = tmp_path / "issues"
    (issues / "printed").mkdir(parents=True)
    original = with_tounicode_ranges(printed_pdf(issues / "printed" / "vol918.pdf"))
    declare(issues, "vol918", 918, "2019-09", "printed/vol918.pdf", 2,
            [(1, "第918号 湿地特集"), (2, "第二の記事")])
    assert main(["archive", str(issues), "-o", str(tmp_path / "archive"), "--jobs", "1"]) == 0
    printed = [fold(text) for text in page_texts(original)]
    archived = [fold(text) for text in page_texts(tmp_path / "archive" / "vol918.pdf")]
    err = capfd.readouterr().err
    if mended:
        assert archived == printed
        assert "copies differently" not in err
    else:  # the engine's bug is real, and the archive says where it shows
        assert archived != printed
        assert re.search(r"vol918\.pdf page \d: .*its text copies differently: 「", err), err
