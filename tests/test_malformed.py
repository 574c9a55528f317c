"""A corpus of broken issue files, one mistake each (tests/malformed/).

Each file's first line says `# expect: <part of the message>`, and the line
holding the mistake ends in `# mistake`: `caipdf check` must fail with
exit status 1, that message, that line number, and a hint how to fix it.
"""

import re
from pathlib import Path

import pytest

from caipdf.cli import main

CORPUS = sorted((Path(__file__).parent / "malformed").glob("*.yaml"))


def expectation(path: Path) -> tuple[str, int]:
    lines = path.read_bytes().split(b"\n")
    expected = re.match(rb"# expect: (.*?)(  # mistake)?$", lines[0])[1].decode()
    [line] = [number for number, text in enumerate(lines, start=1) if b"# mistake" in text]
    return expected, line


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 40


@pytest.mark.parametrize("path", CORPUS, ids=[path.stem for path in CORPUS])
def test_check_reports_the_mistake_and_its_line(path, capfd):
    expected, line = expectation(path)
    status = main(["check", str(path)])
    out, err = capfd.readouterr()
    assert status == 1, err
    assert "Traceback" not in err
    assert expected in err
    assert "fix: " in err, "every error says how to fix it"
    located = [message for message in err.split("\n") if f"{path}:{line}:" in message]
    assert located, f"no error at line {line}:\n{err}"


def test_a_footnote_called_in_a_text_with_a_mistake_is_not_also_called_unreferenced(capfd):
    """68's paragraph calls [^note] but cannot be read (its ruby is unclosed):
    the one mistake is reported, not a second, false one about the footnote."""
    path = Path(__file__).parent / "malformed" / "68-ruby-unclosed.yaml"
    assert main(["check", str(path)]) == 1
    err = capfd.readouterr().err
    assert "'{' is opened but never closed" in err
    assert "never referred to" not in err, err


def test_a_misspelt_blocks_key_does_not_also_call_its_footnotes_unreferenced(capfd):
    """87's text is under 'block:', so its footnote calls are unread, not missing."""
    path = Path(__file__).parent / "malformed" / "87-misspelt-blocks-with-footnotes.yaml"
    assert main(["check", str(path)]) == 1
    err = capfd.readouterr().err
    assert "did you mean 'blocks'?" in err
    assert "never referred to" not in err, err
