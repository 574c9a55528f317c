"""Reading issue files: what a mistake reports (file:line:col, what, how to fix)."""

import textwrap

import pytest

from caipdf.errors import CaipdfError
from caipdf.structure.loader import load_issue

VALID = """\
series:
  initiative: CLEAN ASIA INITIATIVE (CAI)
  title: CAI NEWSLETTER
  title_ja: クリーンアジア・イニシアティブ ニュースレター
volume: 1
issued: 2020-03
pages: 3
cover_line: 表紙の見出し
colophon:
  publisher: 発行者
  producer: 制作者
  contacts:
    - name: 連絡先
      address: 住所
articles:
  - id: first
    page: 2
    toc: 最初の記事
    blocks:
      - h2: 見出し
        id: first-story
      - p: 本文です。{page:second}ページを参照。
  - id: second
    page: 3
    toc: 次の記事
    footnotes:
      note: 注の本文
    blocks:
      - p: 本文[^note]です。
"""


def load(tmp_path, text):
    path = tmp_path / "issue.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_issue(path)


def errors(tmp_path, text) -> list[str]:
    with pytest.raises(CaipdfError) as caught:
        load(tmp_path, text)
    return [str(problem) for problem in caught.value.problems]


def test_valid_issue_loads(tmp_path):
    issue = load(tmp_path, VALID)
    assert [(a.id, a.page, a.last_page) for a in issue.articles] == [("first", 2, 2), ("second", 3, 3)]
    assert (issue.year, issue.month) == (2020, 3)
    footnote = issue.articles[1].blocks[0].content[1]
    assert footnote.number == 1 and footnote.children[0].text == "注の本文"


def test_unknown_key_says_where_and_suggests(tmp_path):
    [message] = errors(tmp_path, VALID.replace("    toc: 次の記事", "    tco: 次の記事"))
    assert "issue.yaml:25:5" in message and "unknown key 'tco'" in message
    assert "did you mean 'toc'" in message


def test_all_errors_at_once(tmp_path):
    text = VALID.replace("volume: 1", "volume: one").replace("      - p: 本文[^note]です。", "      - para: x")
    messages = errors(tmp_path, text)
    assert any("issue.yaml:5:9" in m and "volume must be a whole number" in m for m in messages)
    assert any("unknown block kind 'para'" in m and "did you mean 'p'" in m for m in messages)


def test_missing_field(tmp_path):
    [message] = errors(tmp_path, VALID.replace("cover_line: 表紙の見出し\n", ""))
    assert "the issue has no 'cover_line'" in message and "issue.yaml:1:1" in message


def test_pages_out_of_order(tmp_path):
    text = VALID.replace("pages: 3", "pages: 4").replace("    page: 2", "    page: 3", 1) \
        .replace("    page: 3\n    toc: 次", "    page: 2\n    toc: 次")
    messages = errors(tmp_path, text)
    assert any("article 'second' starts on page 2, before article 'first' (page 3)" in m
               for m in messages), messages


def test_articles_may_share_a_page_and_the_colophon_may_stand_alone(tmp_path):
    """'second' follows 'first' on page 2; page 3, the back page, is the colophon's."""
    path = tmp_path / "issue.yaml"
    path.write_text(VALID.replace("    page: 3", "    page: 2"), encoding="utf-8")
    first, second = load_issue(path).articles
    assert (first.page, first.last_page, first.follows) == (2, 2, False)
    assert (second.page, second.last_page, second.follows) == (2, 2, True)
    assert not second.on_back_page


def test_duplicate_article_id(tmp_path):
    messages = errors(tmp_path, VALID.replace("  - id: second", "  - id: first"))
    assert any("two articles have the id 'first'" in m for m in messages)


def test_unknown_page_reference(tmp_path):
    [message] = errors(tmp_path, VALID.replace("{page:second}", "{page:secnd}"))
    assert "{page:secnd}" in message and "did you mean 'second'" in message


def test_unused_and_undefined_footnotes(tmp_path):
    messages = errors(tmp_path, VALID.replace("本文[^note]です。", "本文[^nota]です。"))
    assert any("[^nota], which is not defined" in m for m in messages)
    assert any("footnote 'note' is never referred to" in m for m in messages)


def test_quote_must_be_the_articles_own_text(tmp_path):
    text = VALID.replace("      - p: 本文[^note]です。", "      - p: 本文[^note]です。\n      - quote: 書かれていない言葉")
    [message] = errors(tmp_path, text)
    assert "quote" in message and "not text the article contains" in message


def test_yaml_syntax_error_has_line(tmp_path):
    [message] = errors(tmp_path, VALID.replace("pages: 3", "pages: [3"))
    assert "YAML syntax" in message and "issue.yaml:" in message


def test_tab_indent(tmp_path):
    [message] = errors(tmp_path, VALID.replace("  initiative:", "\tinitiative:"))
    assert "issue.yaml:2:1" in message and "tab" in message


def test_alias_is_refused(tmp_path):
    text = VALID.replace("cover_line: 表紙の見出し", "cover_line: &a 表紙の見出し") \
                .replace("    toc: 最初の記事", "    toc: *a")
    [message] = errors(tmp_path, text)
    assert "issue.yaml:18:10" in message and "aliases" in message


def test_empty_file(tmp_path):
    [message] = errors(tmp_path, "\n")
    assert "the file is empty" in message


def test_image_outside_the_folder(tmp_path):
    text = VALID.replace("      - p: 本文[^note]です。", "      - p: 本文[^note]です。\n      - figure: ../secret.jpg")
    [message] = errors(tmp_path, text)
    assert "outside the issue's folder" in message
