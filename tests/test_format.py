"""The issue format's newer keys and forms, built into PDFs and read back.

Multi-line paragraphs, bylines, quote attributions, `lang: en`, symlinked
image folders and deeply nested YAML (issue 12).
"""

import textwrap
from pathlib import Path

import pytest

from caipdf.cli import main
from caipdf.commands.build import build
from pdfcheck import page_texts, squeeze
from small_issue import issue_head
from typesetting_pdf import glyph_lines, text_of

HEAD = issue_head(pages=3)
BACK = """\
  - id: back
    page: 3
    toc: 裏表紙
    title: 裏表紙
    blocks:
      - p: 終わり。
"""


def write_issue(folder: Path, article: str) -> Path:
    path = folder / "issue.yaml"
    path.write_text(HEAD + textwrap.indent(textwrap.dedent(article), "  ") + BACK, encoding="utf-8")
    return path


def built(folder, article: str):
    output = folder / "issue.pdf"
    build(write_issue(folder, article), output)
    return output


def page_glyph_text(pdf, page: int) -> str:
    """The page's text as drawn, glyph by glyph (no spaces the reader makes up)."""
    return "".join(text_of(line) for line in glyph_lines(pdf.read_bytes(), page))


def test_paragraph_over_several_lines_joins_japanese_without_a_space(tmp_path):
    pdf = built(tmp_path, """\
        - id: first
          page: 2
          toc: 最初の記事
          title: 最初の記事
          blocks:
            - p: 二国間協力を通じて、
                アジアの都市と連携します。
            - p: "The Clean Asia
                Initiative works with
                cities."
        """)
    drawn = page_glyph_text(pdf, 1)
    assert "通じて、アジア" in drawn
    assert "The Clean Asia Initiative works with cities." in drawn


def test_deeply_nested_yaml_is_a_located_error(tmp_path, capfd):
    path = tmp_path / "deep.yaml"
    path.write_text("series: " + "[" * 5000 + "\n", encoding="utf-8")
    assert main(["check", str(path)]) == 1
    err = capfd.readouterr().err
    assert "Traceback" not in err and "RecursionError" not in err
    assert f"{path}:1:" in err and "nested more than 20 levels" in err and "fix:" in err


def test_bylines_and_quote_attribution_are_printed(tmp_path):
    pdf = built(tmp_path, """\
        - id: first
          page: 2
          toc: 最初の記事
          title: 最初の記事
          author: 山田花子
          blocks:
            - h2: 物語の見出し
              author: 鈴木一郎
            - p: 都市間連携は職員の育成の機会となっています。
            - quote: 都市間連携は職員の育成の機会となっています
              attribution: 北九州市環境局
        """)
    text = squeeze(page_texts(pdf)[1])
    assert "最初の記事山田花子" in text
    assert "物語の見出し鈴木一郎" in text
    assert "育成の機会となっています—北九州市環境局" in text


def issue_with_linked_photo(issue_folder: Path, photos: Path) -> Path:
    """An issue in `issue_folder` whose figure images/a.jpg is in `photos`,
    reached through `images`, a symbolic link to that folder."""
    from PIL import Image

    photos.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (1200, 800), (40, 120, 200)).save(photos / "a.jpg")
    issue_folder.mkdir(exist_ok=True)
    (issue_folder / "images").symlink_to(photos, target_is_directory=True)
    return write_issue(issue_folder, """\
        - id: first
          page: 2
          toc: 最初の記事
          blocks:
            - figure: images/a.jpg
        """)


def test_symlinked_images_folder_inside_the_issue_folder_is_allowed(tmp_path, capfd):
    path = issue_with_linked_photo(tmp_path, tmp_path / "photos" / "2021")
    assert main(["build", str(path), "-o", str(tmp_path / "out.pdf")]) == 0
    err = capfd.readouterr().err
    assert "missing" not in err and "outside" not in err, err


def test_symlinked_images_folder_leading_outside_is_refused_naming_its_target(tmp_path, capfd):
    elsewhere = tmp_path / "elsewhere"
    path = issue_with_linked_photo(tmp_path / "issue", elsewhere)
    assert main(["check", str(path)]) == 1
    err = capfd.readouterr().err
    [line] = [number for number, text in enumerate(path.read_text().splitlines(), start=1)
              if "figure: images/a.jpg" in text]
    assert f"{path}:{line}:" in err
    assert str(elsewhere / "a.jpg") in err and "outside the issue's folder" in err and "fix:" in err
