"""`caipdf build` on small issues made for the test: page plan, placeholders, safety."""

import os
import re
import subprocess
import sys
import textwrap

import pytest

from caipdf.commands.build import build
from caipdf.errors import CaipdfError
from pdfcheck import page_texts, squeeze
from small_issue import issue_head

SENTENCE = "これは試験用の文章で、段組の高さを満たすために繰り返されます。"


def issue_text(first_paragraphs: int, figure: str = "", pages: int = 3) -> str:
    paragraphs = "\n".join(f"      - p: {SENTENCE * 6}" for _ in range(first_paragraphs))
    return issue_head(pages) + textwrap.dedent("""\
          - id: first
            page: 2
            toc: 最初の記事
            title: 最初の記事
            blocks:
        {paragraphs}
        {figure}
          - id: second
            page: 3
            toc: 次の記事
            title: 次の記事
            blocks:
              - p: {sentence}
        """).format(pages=pages, paragraphs=paragraphs, figure=figure, sentence=SENTENCE)


def write_issue(tmp_path, **kwargs):
    path = tmp_path / "issue.yaml"
    path.write_text(issue_text(**kwargs), encoding="utf-8")
    return path


def test_overlong_article_fails_naming_article_and_pages(tmp_path):
    issue = write_issue(tmp_path, first_paragraphs=40)
    with pytest.raises(CaipdfError) as caught:
        build(issue, tmp_path / "out.pdf")
    message = str(caught.value)
    assert "article 'second' should start on page 3 but starts on page" in message
    # the hint names the overlong article, its pages, the pages it fills and what to cut
    hint = re.search(r"article 'first' has page 2 but fills (\d+) pages: cut about ([\d,]+) "
                     r"of its ([\d,]+) characters", message)
    assert hint, message
    filled, cut, total = (int(group.replace(",", "")) for group in hint.groups())
    assert total == 40 * 6 * len(SENTENCE)
    # What really has to go: everything but the sentences that page 2 holds,
    # counted in the draft PDF. The estimate is rough, but within 15 %.
    draft = build(issue, tmp_path / "draft.pdf", draft=True).output
    pages = [squeeze(text) for text in page_texts(draft, body_only=True)]
    second_starts = next(number for number, text in enumerate(pages, 1) if number > 1 and "次の記事" in text)
    assert filled == second_starts - 2
    needed = total - pages[1].count(SENTENCE) * len(SENTENCE)
    assert abs(cut - needed) <= 0.15 * needed, (cut, needed)
    assert not (tmp_path / "out.pdf").exists()


def test_draft_is_written_and_marked(tmp_path):
    issue = write_issue(tmp_path, first_paragraphs=40)
    result = build(issue, tmp_path / "out.pdf", draft=True)
    texts = page_texts(result.output)
    assert len(texts) > 3
    assert all("DRAFT" in text for text in texts)
    assert any("should start on page 3" in warning for warning in result.warnings)


def test_missing_image_is_a_marked_placeholder_and_a_warning(tmp_path):
    figure = "      - figure: photos/missing.jpg\n        caption: 写真の説明文"
    issue = write_issue(tmp_path, first_paragraphs=2, figure=figure)
    result = build(issue, tmp_path / "out.pdf")
    page = squeeze(page_texts(result.output)[1])
    assert "画像未収録" in page and "photos/missing.jpg" in page and "写真の説明文" in page
    assert any("photos/missing.jpg" in warning and "issue.yaml:23:17" in warning
               for warning in result.warnings)


def test_failed_build_keeps_the_previous_pdf(tmp_path):
    good = write_issue(tmp_path, first_paragraphs=2)
    output = tmp_path / "out.pdf"
    build(good, output)
    before = output.read_bytes()
    write_issue(tmp_path, first_paragraphs=40)
    with pytest.raises(CaipdfError):
        build(good, output)
    assert output.read_bytes() == before
    assert [path.name for path in tmp_path.iterdir() if path.suffix == ".part"] == []


def test_cli_reports_errors_without_traceback(tmp_path):
    issue = write_issue(tmp_path, first_paragraphs=40)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    run = subprocess.run([sys.executable, "-m", "caipdf", "build", str(issue), "-o",
                          str(tmp_path / "out.pdf")], capture_output=True, text=True, env=env)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "issue.yaml:" in run.stderr and "should start on page 3" in run.stderr
