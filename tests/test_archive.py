"""The archive (issue 7): PDF/A-3b volumes with their sources, a manifest, a
catalogue, skipped rebuilds and verification. vol.19 plus the synthetic
volumes of tests/archive_volumes/ (never put invented content in issues/)."""

import json
import re
import shutil
import xml.etree.ElementTree as ET

import pypdf
import pytest

from caipdf.archive import build_archive, extract_sources, verify_archive
from caipdf.cli import main
from conftest import ROOT, VOL19, verify_with_one_byte_flipped

VOLUMES = sorted((ROOT / "tests" / "archive_volumes").glob("*.yaml"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    issues = tmp_path_factory.mktemp("issues")
    for path in [VOL19, *VOLUMES]:
        shutil.copy(path, issues / path.name)
    folder = tmp_path_factory.mktemp("archive")
    first = build_archive(issues, folder)
    return issues, folder, first


def test_every_volume_is_built_and_catalogued_newest_first(archive):
    issues, folder, first = archive
    assert sorted(first.built) == ["vol19.yaml", "vol901.yaml", "vol902.yaml", "vol903.yaml"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    volumes = manifest["volumes"]
    assert [entry["volume"] for entry in volumes] == [903, 902, 901, 19]
    vol19 = volumes[-1]
    assert vol19["pages"] == 12 and vol19["date"] == "2020-03"
    assert vol19["title"] == "クリーンアジア・イニシアティブ ニュースレター vol.19"
    assert [entry["page"] for entry in vol19["contents"]] == [2, 4, 5, 6, 7, 8, 10, 12]
    for entry in volumes:
        pdf = folder / entry["file"]
        assert pdf.stat().st_size == entry["bytes"]
        assert (folder / entry["thumbnail"]).is_file()
        assert entry["tools"]["weasyprint"] == "70.0"
    index = (folder / "index.html").read_text(encoding="utf-8")
    positions = [index.index(f"vol.{volume}") for volume in (903, 902, 901, 19)]
    assert positions == sorted(positions)
    assert 'src="thumbs/vol19.png"' in index and "気候変動枠組条約第25回締約国会議" in index


def test_second_run_rebuilds_nothing(archive):
    issues, folder, _ = archive
    before = {path.name: path.read_bytes() for path in folder.glob("*.pdf")}
    again = build_archive(issues, folder)
    assert again.built == [] and sorted(again.skipped) == sorted(name.replace(".pdf", ".yaml") for name in before)
    assert {path.name: path.read_bytes() for path in folder.glob("*.pdf")} == before


def test_an_edited_volume_is_rebuilt_alone(archive, tmp_path):
    issues, folder, _ = archive
    copy = tmp_path / "archive"
    shutil.copytree(folder, copy)
    edited = issues / "vol902.yaml"
    original = edited.read_text(encoding="utf-8")
    try:
        edited.write_text(original.replace("試験用の第902号", "試験用の第902号（改訂）"), encoding="utf-8")
        result = build_archive(issues, copy)
    finally:
        edited.write_text(original, encoding="utf-8")
    assert result.built == ["vol902.yaml"]


def test_verify_with_rebuild_passes(archive, capfd):
    _, folder, _ = archive
    assert main(["archive", "--verify", "--rebuild", str(folder)]) == 0
    assert "rebuilds identically" in capfd.readouterr().out


def test_one_flipped_byte_fails_verify_naming_the_file(archive, tmp_path, capfd):
    out = verify_with_one_byte_flipped(archive[1], "vol901.pdf", tmp_path, capfd)
    assert "MISMATCH vol901.pdf" in out
    assert "vol902.pdf" not in out and "vol19.pdf" not in out


def test_attached_yaml_is_the_issue_file_byte_for_byte(archive, tmp_path):
    _, folder, _ = archive
    extracted = extract_sources(folder / "vol19.pdf", tmp_path / "sources")
    assert extracted.read_bytes() == VOL19.read_bytes()


def test_pdfa3b_identification_xmp_and_associated_files(archive):
    _, folder, _ = archive
    reader = pypdf.PdfReader(str(folder / "vol19.pdf"))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    tree = ET.fromstring(xmp[xmp.index(b"<x:xmpmeta"):xmp.index(b"</x:xmpmeta>") + len(b"</x:xmpmeta>")])
    text = ET.tostring(tree, encoding="unicode")
    assert re.search(r'pdfaid:part="3"', xmp.decode()) and re.search(r'pdfaid:conformance="B"', xmp.decode())
    rdf = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
    titles = {li.get("{http://www.w3.org/XML/1998/namespace}lang"): li.text
              for li in tree.iter(f"{rdf}li") if li.get("{http://www.w3.org/XML/1998/namespace}lang")}
    assert titles["ja"] == "クリーンアジア・イニシアティブ ニュースレター vol.19"
    assert titles["en"] == "CAI NEWSLETTER vol.19"
    assert "<rdf:li>ja</rdf:li>" in xmp.decode()  # dc:language
    assert "環境省地球環境局国際連携課国際協力・環境インフラ戦略室" in text  # dc:publisher
    assert "<caipdf:volume>19</caipdf:volume>" in xmp.decode()
    assert "<caipdf:issueDate>2020-03</caipdf:issueDate>" in xmp.decode()
    assert "<caipdf:weasyprintVersion>70.0</caipdf:weasyprintVersion>" in xmp.decode()
    assert "caipdf " in xmp.decode() and "CreatorTool" in xmp.decode()
    # the issue file is an associated file, related as its source
    filespecs = [reference.get_object() for reference in root["/AF"]]
    assert len(filespecs) == len({id(spec) for spec in filespecs}) == 2
    relations = {str(spec["/F"]): str(spec["/AFRelationship"]) for spec in filespecs}
    assert relations == {"vol19.yaml": "/Source", "caipdf-build.json": "/Supplement"}
    build_info = json.loads(reader.attachments["caipdf-build.json"][0])
    assert set(build_info) == {"source", "source_sha256", "layouts_sha256", "tools"}
    assert [float(v) for v in reader.pages[0].mediabox] == pytest.approx([0, 0, 595.28, 841.89], abs=0.01)


def test_archiving_leaves_no_temporary_files(tmp_path, monkeypatch):
    """The pool's workers leave by os._exit, so WeasyPrint's 16 MB copy of the
    fonts each makes was never removed: it goes into a folder removed after the pool."""
    import tempfile

    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    monkeypatch.setenv("TMPDIR", str(temporary))
    issues = tmp_path / "issues"
    issues.mkdir()
    for path in VOLUMES[:2]:
        shutil.copy(path, issues / path.name)
    result = build_archive(issues, tmp_path / "archive", jobs=2)
    assert sorted(result.built) == sorted(path.name for path in VOLUMES[:2]) and not result.failed
    assert list(temporary.iterdir()) == []
