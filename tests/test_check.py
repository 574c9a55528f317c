"""`caipdf check`: validates, lays out and reports, and writes nothing."""

from caipdf.cli import main
from conftest import VOL19


def test_check_reports_page_plan_and_typesetting_and_writes_nothing(capfd):
    before = sorted(VOL19.parent.iterdir())
    assert main(["check", str(VOL19)]) == 0
    out = capfd.readouterr().out
    assert "pages: 12 (as declared)" in out
    assert "   10–11  regional-forums      ok" in out
    for figure in ("justification", "和欧間", "punctuation", "kinsoku", "page plan"):
        assert any(line.strip().startswith("ok") and figure in line for line in out.splitlines()), figure
    assert sorted(VOL19.parent.iterdir()) == before
