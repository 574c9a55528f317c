from pathlib import Path

import pytest

from caipdf.commands.build import build

ROOT = Path(__file__).resolve().parents[1]
VOL19 = ROOT / "issues" / "vol19.yaml"


@pytest.fixture(scope="session")
def vol19_pdf(tmp_path_factory) -> Path:
    """vol.19 built once for the whole test session."""
    output = tmp_path_factory.mktemp("vol19") / "vol19.pdf"
    build(VOL19, output)
    return output


@pytest.fixture(scope="session")
def vol19_screen_pdf(tmp_path_factory) -> Path:
    """vol.19 built for the screen profile, once for the session."""
    from caipdf.profiles import PROFILES

    output = tmp_path_factory.mktemp("vol19-screen") / "vol19.pdf"
    build(VOL19, output, profile=PROFILES["screen"])
    return output


def edit_paragraph(issue: Path, article: str, addition: str) -> None:
    """Add `addition` before the first full stop of the first paragraph of `article`."""
    text = issue.read_text(encoding="utf-8")
    start = text.index("- p: ", text.index(f"- id: {article}\n"))
    stop = text.index("。", start)
    issue.write_text(text[:stop] + addition + text[stop:], encoding="utf-8")


def flip_one_byte(path: Path) -> None:
    """Flip the lowest bit of the byte in the middle of a file: the smallest damage."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def verify_with_one_byte_flipped(archive_dir: Path, name: str, scratch: Path, capfd) -> str:
    """`caipdf archive --verify` on a copy of an archive with one byte of `name`
    flipped: it must fail; what it printed."""
    import shutil

    from caipdf.cli import main

    copy = scratch / "archive"
    shutil.copytree(archive_dir, copy)
    flip_one_byte(copy / name)
    assert main(["archive", "--verify", str(copy)]) == 1
    return capfd.readouterr().out
