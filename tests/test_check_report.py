"""`caipdf check`'s report (issue 12, item 10): true counts, "n/a" where
nothing was measured, list bullets not taken for kinsoku violations."""

from caipdf.cli import main
from test_layout_check import PARAGRAPH, SENTENCE, issue_text, write

ITEM = "箇条書きの項目は、行頭の記号のあとに字下げして折り返されます" * 3


def test_list_bullets_are_not_kinsoku_violations(tmp_path, capfd):
    items = "".join(f"    - {ITEM}{number}。\n" for number in range(8))
    blocks = f"- p: {PARAGRAPH}\n- list:\n{items}- p: {PARAGRAPH}\n" + f"- p: {PARAGRAPH}\n" * 6
    assert main(["check", str(write(tmp_path, issue_text(blocks)))]) == 0
    out = capfd.readouterr().out
    assert "ok   kinsoku: 0 violations" in out, out


def test_nothing_to_measure_is_n_a_not_nan(tmp_path, capfd):
    # Japanese only: no Latin letters or digits next to kana, no adjacent marks.
    text = "これは試験用の文章で段組の高さを満たすために繰り返されます。" * 6
    issue = issue_text(f"- p: {text}\n" * 8).replace(PARAGRAPH * 3, text)
    assert main(["check", str(write(tmp_path, issue))]) == 0
    out = capfd.readouterr().out
    assert "n/a  和欧間: no kana/kanji–Latin/digit boundaries to measure" in out, out
    assert "n/a  punctuation: no adjacent marks to measure" in out, out
    assert "nan" not in out


def test_page_plan_counts_the_articles_that_start_where_the_contents_say(tmp_path, capfd):
    # 'first' runs a page long: it still starts on page 2, 'second' does not start on page 3.
    issue = write(tmp_path, issue_text(f"- p: {SENTENCE * 6}\n" * 16))
    assert main(["check", str(issue)]) == 1
    out = capfd.readouterr().out
    assert "page plan: 1 of 2 articles start on the page the contents list names" in out, out


def test_check_reports_every_articles_last_page_per_column(tmp_path, capfd):
    import re

    from caipdf.commands.build import build
    from layout_pdf import PITCH, read_layout

    issue = write(tmp_path, issue_text(f"- p: {PARAGRAPH}\n" * 5))
    assert main(["check", str(issue)]) == 0
    out = capfd.readouterr().out
    found = re.search(r"  first +p\.2: (\d+) lines short \(left (\d+), right (\d+)\): "
                      r"add about ([\d,]+) characters", out)
    assert found, out
    assert re.search(r"  second +p\.3: \d+ lines short", out), out
    page = read_layout(build(issue, tmp_path / "out.pdf").output)[1]
    for column, lines in enumerate(map(int, found.groups()[1:3])):
        assert abs(page.shortfall(column) / PITCH - lines) < 1

    long = write(tmp_path, issue_text(f"- p: {PARAGRAPH}\n" * 14), "long.yaml")
    assert main(["check", str(long)]) == 1
    out = capfd.readouterr().out
    assert re.search(r"  first +p\.3: \d+ lines over its pages: cut about [\d,]+ characters", out), out
