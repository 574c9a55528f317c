"""What a build may touch and what it leaves behind when it fails or is killed."""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caipdf import paths
from caipdf.cli import main
from caipdf.errors import CaipdfError
from caipdf.render.pdf import LocalFetcher
from conftest import ROOT, VOL19

SOURCE = VOL19.read_text(encoding="utf-8")


def test_fetcher_reads_only_inside_its_folders(tmp_path):
    issue_dir = tmp_path / "issue"
    issue_dir.mkdir()
    (issue_dir / "ok.txt").write_text("ok")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    (issue_dir / "link.txt").symlink_to(outside)
    fetcher = LocalFetcher([issue_dir])
    assert fetcher.fetch((issue_dir / "ok.txt").as_uri()).read() == b"ok"
    for url in [outside.as_uri(), (issue_dir / "link.txt").as_uri(),
                (issue_dir / ".." / "secret.txt").as_uri(),
                "http://example.com/a.jpg", "https://example.com/a.jpg", "ftp://example.com/a"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_missing_font_file_is_an_error_naming_it(tmp_path, monkeypatch, capfd):
    home = tmp_path / "home"
    shutil.copytree(ROOT / "layouts", home / "layouts")
    shutil.copytree(ROOT / "fonts", home / "fonts")
    (home / "fonts" / "BIZUDGothic-Bold.ttf").unlink()
    monkeypatch.setattr(paths, "LAYOUTS", home / "layouts")
    monkeypatch.setattr(paths, "FONTS", home / "fonts")
    assert main(["check", str(VOL19)]) == 1
    err = capfd.readouterr().err
    assert "BIZUDGothic-Bold.ttf" in err and "is missing" in err
    assert "fonts.css:" in err


def test_missing_image_is_reported_with_its_line(capfd):
    assert main(["check", str(VOL19)]) == 0
    err = capfd.readouterr().err
    line = next(number for number, text in enumerate(SOURCE.splitlines(), start=1)
                if "business-matching.jpg" in text)
    assert f"vol19.yaml:{line}:" in err and "business-matching.jpg' is missing" in err


def _start_build(output: Path, temporary: Path | None = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    if temporary:
        env["TMPDIR"] = str(temporary)
    return subprocess.Popen([sys.executable, "-m", "caipdf", "build", str(VOL19), "-o", str(output)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)


def _wait_for_fonts(temporary: Path) -> None:
    """Until WeasyPrint has copied the fonts into the build's temporary folder."""
    for _ in range(1500):
        if list(temporary.glob("*/weasyprint-*/*")):
            return
        time.sleep(0.01)
    raise AssertionError(f"no fonts were copied into {temporary}")


@pytest.mark.parametrize("ending", ["finished", "crashed", "stopped"])
def test_build_leaves_no_temporary_files(tmp_path, ending):
    """WeasyPrint copies every font (16 MB) into a temporary folder per build;
    a build that leaves it behind fills a print shop's disk in a day of edits."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    build = _start_build(tmp_path / "vol19.pdf", temporary)
    if ending != "finished":
        _wait_for_fonts(temporary)
        if ending == "crashed":  # as a broken font would crash Pango in the worker
            os.kill(_children(build.pid)[0], signal.SIGSEGV)
        else:
            os.kill(build.pid, signal.SIGTERM)
    _, err = build.communicate(timeout=120)
    expected = {"finished": 0, "crashed": 2, "stopped": 130}[ending]
    assert build.returncode == expected, err.decode()
    assert list(temporary.iterdir()) == []


@pytest.mark.parametrize("kill", [signal.SIGTERM, signal.SIGKILL])
def test_killed_build_leaves_previous_pdf_and_no_partial_file(tmp_path, kill):
    temporary = tmp_path / "tmp"  # a killed parent cannot remove its scratch folder: keep it here
    temporary.mkdir()
    output = tmp_path / "vol19.pdf"
    output.write_bytes(b"%PDF-1.7 previous build\n")
    before = output.read_bytes()
    for delay in (0.8, 1.6, 2.4):  # during import, layout and writing
        build = _start_build(output, temporary)
        time.sleep(delay)
        # SIGKILL hits the whole process group's worker: kill every caipdf process we started
        for pid in _children(build.pid) + [build.pid]:
            try:
                os.kill(pid, kill)
            except ProcessLookupError:
                pass
        build.wait(timeout=30)
        if output.read_bytes() != before:  # the build won the race and finished
            assert output.read_bytes().startswith(b"%PDF")
            output.write_bytes(before)
        assert sorted(path.name for path in tmp_path.iterdir()) == ["tmp", "vol19.pdf"]
    assert output.read_bytes() == before


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _mutations():
    """Random edits of vol19.yaml: delete, duplicate or swap lines, replace values, insert noise."""
    lines = SOURCE.splitlines(keepends=True)
    noise = st.sampled_from(["", " ", "\t", ":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!python/object ",
                             "<b>", "**", "^{", "[^x]", "{page:x}", "\x00", "😀", "-1", "99999", "null",
                             "yes", "~", "#", "'", '"', "%", "@", "|", ">"])
    edit = st.tuples(st.sampled_from(["delete", "duplicate", "swap", "insert", "replace_value"]),
                     st.integers(0, len(lines) - 1), st.integers(0, len(lines) - 1), noise)
    return st.lists(edit, min_size=1, max_size=4)


def _apply(edits) -> str:
    lines = SOURCE.splitlines(keepends=True)
    for kind, first, second, noise in edits:
        first %= len(lines)
        second %= len(lines)
        if kind == "delete":
            del lines[first]
        elif kind == "duplicate":
            lines.insert(first, lines[first])
        elif kind == "swap":
            lines[first], lines[second] = lines[second], lines[first]
        elif kind == "insert":
            position = len(lines[first]) // 2
            lines[first] = lines[first][:position] + noise + lines[first][position:]
        elif ":" in lines[first]:
            key = lines[first].split(":", 1)[0]
            lines[first] = f"{key}: {noise}\n"
    return "".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_mutations())
def test_random_mutations_end_in_caipdf_errors(tmp_path, capfd, edits):
    path = tmp_path / "vol19.yaml"
    path.write_text(_apply(edits), encoding="utf-8")
    status = main(["check", str(path)])
    err = capfd.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    assert status in (0, 1), err
    if status == 1:
        assert "error:" in err
