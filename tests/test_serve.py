"""caipdf serve, the editor's desk: a real server on a free port of
127.0.0.1, read over HTTP and in Debian's headless Chromium (driven by
Playwright, without its own browser download)."""

from __future__ import annotations

import http.client
import io
import json
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from browser import chromium_or_skip
from conftest import ROOT, VOL19, edit_paragraph
from pdfcheck import page_texts, squeeze

CAIPDF = Path(sys.executable).parent / "caipdf"
FIRST_BUILD = 180  # seconds: generous, the machine is shared
ARTICLE_PAGE = {"jcm": 4}  # a one-page article and its page


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RunningDesk:
    """`caipdf serve` in its own process, on a port picked free."""

    def __init__(self, issue: Path, output: Path, *options: str):
        self.port = free_port()
        self.issue = issue
        self.process = subprocess.Popen(
            [str(CAIPDF), "serve", str(issue), "-o", str(output), "--port", str(self.port),
             *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        self.url = f"http://127.0.0.1:{self.port}"
        self.wait(lambda state: state["working_on"] is None and state["pages"], FIRST_BUILD)

    def get(self, path: str, method: str = "GET", headers: dict | None = None):
        """(status, headers, body) for `path` sent exactly as written."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.putrequest(method, path, skip_host=bool(headers and "Host" in headers),
                                  skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def state(self) -> dict | None:
        try:
            status, _, body = self.get("/state")
        except OSError:
            return None
        return json.loads(body) if status == 200 else None

    def wait(self, condition, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"caipdf serve ended: {self.process.stderr.read()}")
            state = self.state()
            if state and condition(state):
                return state
            time.sleep(0.1)
        pytest.fail(f"the desk did not get there in {timeout} s: {self.state()}")

    def stop(self) -> str:
        self.process.terminate()
        _, err = self.process.communicate(timeout=60)
        return err


@pytest.fixture
def issue(tmp_path) -> Path:
    copy = tmp_path / "issue" / "vol19.yaml"
    copy.parent.mkdir()
    shutil.copy(VOL19, copy)
    return copy


@pytest.fixture
def desk(issue, tmp_path):
    running = RunningDesk(issue, tmp_path / "out" / "vol19.pdf")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def shared_desk(tmp_path_factory):
    """One desk on vol.19 for the tests that only read."""
    folder = tmp_path_factory.mktemp("desk")
    shutil.copy(VOL19, folder / "vol19.yaml")
    running = RunningDesk(folder / "vol19.yaml", folder / "out" / "vol19.pdf")
    yield running
    running.stop()


# ------------------------------------------------------------- what it serves


def test_the_desk_serves_the_state_page_images_and_every_edition(shared_desk):
    state = shared_desk.state()
    assert state["status"] == "built" and len(state["pages"]) == 12
    assert state["spreads"] == [[1], [2, 3], [4, 5], [6, 7], [8, 9], [10, 11], [12]]
    status, headers, png = shared_desk.get(state["pages"][3]["url"])
    assert status == 200 and headers["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(png))
    assert image.size == (794, 1123) or image.size == (794, 1122)  # A4 at 96 dpi, cut to the trim
    assert {edition["name"] for edition in state["editions"]} == {"print", "screen", "archive"}
    standards = {}
    for edition in state["editions"]:
        status, headers, pdf = shared_desk.get(edition["url"])
        assert status == 200 and pdf.startswith(b"%PDF-")
        assert "attachment" in headers["Content-Disposition"]
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        assert len(reader.pages) == 12
        standards[edition["name"]] = reader.pdf_header
    # vol.19 comes without its photos: the preflight fails on their placeholder frames, only.
    assert state["preflight"]["status"] == "done" and not state["preflight"]["passes"]
    errors = [finding["message"] for finding in state["preflight"]["findings"]
              if finding["level"] == "error"]
    assert len(errors) == 9 and all("placeholder frame" in error for error in errors), errors
    assert [article["id"] for article in state["articles"]] == [
        "cop25", "jcm", "osaka-blue-ocean", "net-zero", "regional-circular",
        "policy-dialogues", "regional-forums", "city-to-city"]
    assert all(article["on_plan"] and article["over"] == 0 for article in state["articles"])
    jcm = next(article for article in state["articles"] if article["id"] == "jcm")
    assert len(jcm["empty"]) == 2 and jcm["characters"] > 0  # page 4 ends short: room to add


SECRET_FILES = [ROOT / "pyproject.toml", ROOT / "issues" / "vol19.yaml", Path("/etc/passwd")]
TRAVERSALS = [
    "/../pyproject.toml", "/../../../../etc/passwd", "/pages/../../pyproject.toml",
    "/pdf/../../issues/vol19.yaml", "/desk.js/../vol19.yaml", "/./pyproject.toml",
    "/%2e%2e/pyproject.toml", "/%2e%2e%2fpyproject.toml", "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
    "/pages/%2e%2e%2f%2e%2e%2fissues%2fvol19.yaml", "/pdf/..%2f..%2fpyproject.toml",
    "/%252e%252e/pyproject.toml", "/%252e%252e%252fpyproject.toml",
    "/pages/%252e%252e%252f%252e%252e%252fpyproject.toml", "/..%5c..%5cpyproject.toml",
    "/..%c0%af..%c0%afetc/passwd", "//etc/passwd", "/etc/passwd", "/vol19.yaml",
    "/issues/vol19.yaml", "/layouts/desk/desk.js", "/build/vol19.pdf", "/pyproject.toml",
    "/pages/page-01.png", "/state/../pyproject.toml", "/?../../pyproject.toml",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_url_reaches_a_file_outside_the_desk(shared_desk, path):
    status, _, body = shared_desk.get(path)
    if path.startswith("/?"):
        assert status == 200 and body.startswith(b"<!DOCTYPE html>")  # the desk's own page
    else:
        assert status == 404
    for secret in SECRET_FILES:
        assert secret.read_bytes()[:200] not in body


def test_the_desk_is_read_only_and_answers_only_to_its_own_name(shared_desk):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        status, _, _ = shared_desk.get("/state", method=method)
        assert status >= 400
    status, _, body = shared_desk.get("/state", headers={"Host": "attacker.example"})
    assert status == 421 and b"version" not in body
    assert shared_desk.get("/state", headers={"Host": f"localhost:{shared_desk.port}"})[0] == 200


def test_it_binds_to_the_loopback_and_warns_when_told_another_host(issue, tmp_path):
    port = free_port()
    process = subprocess.Popen([str(CAIPDF), "serve", str(issue), "-o", str(tmp_path / "x.pdf"),
                                "--port", str(port), "--host", "0.0.0.0"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               cwd=ROOT)
    try:
        lines = [process.stderr.readline(), process.stderr.readline()]
    finally:
        process.terminate()
        process.communicate(timeout=60)
    assert f"http://0.0.0.0:{port}/" in lines[0]
    assert "warning: serving on 0.0.0.0, the desk is exposed" in lines[1]


def test_by_default_it_listens_on_127_0_0_1_only(shared_desk):
    output = subprocess.run(["ss", "-Htln", f"sport = :{shared_desk.port}"],
                            capture_output=True, text=True)
    if output.returncode != 0:
        pytest.skip("ss is not installed")
    assert output.stdout.split()[3] == f"127.0.0.1:{shared_desk.port}"


# ------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def browser():
    with chromium_or_skip() as launched:
        yield launched


def open_desk(browser, desk):
    # The desk's Content-Security-Policy forbids eval(), which Playwright's
    # checks of the page's state use: the tests' own scripts may bypass it.
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
    page.goto(desk.url + "/")
    page.wait_for_function(
        "[...document.querySelectorAll('img[data-page]')].filter(i => i.complete && i.naturalWidth).length === 12",
        timeout=30_000)
    return page


def page_sources(page) -> dict[int, str]:
    return page.evaluate(
        "Object.fromEntries([...document.querySelectorAll('img[data-page]')].map("
        "i => [i.dataset.page, i.getAttribute('src')]))")


def test_the_browser_shows_the_12_pages_in_spreads_zoomable_to_100_percent(browser, shared_desk):
    # As an editor opens it: the desk's own Content-Security-Policy in force.
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    complaints = []
    page.on("console", lambda message: complaints.append(message.text)
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: complaints.append(str(error)))
    page.goto(shared_desk.url + "/")
    page.locator("img[data-page='12'][src]").wait_for(timeout=30_000)
    page.wait_for_load_state("networkidle")
    assert page.locator("img[data-page][src]").count() == 12
    assert all(page.locator(f"img[data-page='{n}']").evaluate("i => i.complete && i.naturalWidth")
               for n in range(1, 13))
    assert complaints == []
    assert page.locator(".spread__label").all_inner_texts() == [
        "1", "2–3", "4–5", "6–7", "8–9", "10–11", "12"]
    # As printed: odd pages on the right of their spread, even pages on the left.
    boxes = {n: page.locator(f"img[data-page='{n}']").bounding_box() for n in (2, 3, 4)}
    assert boxes[2]["x"] < boxes[3]["x"] and boxes[2]["y"] == boxes[3]["y"]
    assert page.locator("#articles tbody tr").count() == 8
    assert page.locator("#preflight").inner_text() == "preflight: fails"  # no photos (see above)
    assert page.locator("#editions a").count() == 3
    page.locator("img[data-page='5']").click()
    zoomed = page.locator("#zoom-image")
    zoomed.wait_for()
    page.wait_for_load_state("networkidle")
    shown = zoomed.bounding_box()
    natural = zoomed.evaluate("image => [image.naturalWidth, image.naturalHeight]")
    assert (round(shown["width"]), round(shown["height"])) == tuple(natural)
    page.close()


def test_an_edit_updates_its_page_in_place_within_2_seconds(browser, desk):
    page = open_desk(browser, desk)
    other = open_desk(browser, desk)  # a second editor's browser
    before = page_sources(page)
    page.evaluate("window.notReloaded = true")
    edit_paragraph(desk.issue, "jcm", "、改めて")
    page.wait_for_function(
        f"document.querySelector(\"img[data-page='{ARTICLE_PAGE['jcm']}']\").getAttribute('src')"
        f" !== {json.dumps(before[str(ARTICLE_PAGE['jcm'])])}"
        f" && document.querySelector(\"img[data-page='{ARTICLE_PAGE['jcm']}']\").complete",
        timeout=2_000)
    after = page_sources(page)
    assert page.evaluate("window.notReloaded") is True
    changed = {number for number in before if before[number] != after[number]}
    assert changed == {str(ARTICLE_PAGE["jcm"])}  # only the edited page was drawn again
    # Its image is the new PDF's page: it shows the added words.
    desk.wait(lambda state: state["working_on"] is None, FIRST_BUILD)
    other.wait_for_function(f"document.body.dataset.version >= {desk.state()['version']}")
    assert page_sources(other) == after
    page.reload()
    page.wait_for_function("document.querySelectorAll('img[data-page][src]').length === 12")
    assert page_sources(page) == after
    output = desk.issue.parent.parent / "out" / "vol19.pdf"
    assert "改めて" in squeeze(page_texts(output)[ARTICLE_PAGE["jcm"] - 1])


def test_an_invalid_edit_shows_its_error_and_line_and_keeps_the_pages(browser, desk):
    page = open_desk(browser, desk)
    before = page_sources(page)
    lines = desk.issue.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(n for n, line in enumerate(lines, 1) if line.strip() == "- id: jcm") + 1
    assert lines[number - 1].lstrip().startswith("page:")
    lines[number - 1] = lines[number - 1].replace("page:", "pgae:")
    desk.issue.write_text("".join(lines), encoding="utf-8")
    error = page.locator("#problems li[data-level='error']").first
    error.wait_for(timeout=30_000)
    where = error.locator(".where").inner_text()
    assert f"vol19.yaml:{number}:" in where
    assert "unknown key 'pgae'" in error.inner_text() and "did you mean 'page'" in error.inner_text()
    assert page.locator("#status").get_attribute("data-status") == "failed"
    assert page_sources(page) == before  # the last good pages stay
    assert page.locator("img[data-page]").count() == 12
    error.click()  # shows the issue file's lines around it, the line itself marked
    assert error.locator("pre span.here").inner_text() == lines[number - 1].rstrip("\n")
    assert error.locator("pre span").count() >= 5
    # A reload gets the same state.
    page.reload()
    page.locator("#problems li[data-level='error']").first.wait_for()
    assert f"vol19.yaml:{number}:" in page.locator("#problems li[data-level='error'] .where").first.inner_text()
    assert page_sources(page) == before


# ------------------------------------------------------- one build at a time


def test_saves_in_a_row_coalesce_and_builds_never_overlap(issue, tmp_path, monkeypatch):
    from caipdf.desk.desk import Desk
    from caipdf.session import Session

    running, most, builds = 0, 0, []
    lock = threading.Lock()
    build = Session.build

    def counted(session):
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        try:
            return build(session)
        finally:
            with lock:
                running -= 1
                builds.append(session.profile.name)

    monkeypatch.setattr(Session, "build", counted)
    output = tmp_path / "out" / "vol19.pdf"
    desk = Desk(issue, output, "print")
    stop = threading.Event()
    thread = threading.Thread(target=desk.run, args=(stop,))
    thread.start()
    try:
        def wait_idle(condition=lambda: True):
            deadline = time.monotonic() + FIRST_BUILD
            while not (desk.state.working_on is None and desk.state.pages and condition()):
                assert time.monotonic() < deadline, desk.state.message
                time.sleep(0.05)

        wait_idle()
        assert builds == ["print", "screen", "archive"]
        saves = 10
        for number in range(saves):
            edit_paragraph(issue, "jcm", f"、{number}回目")
            time.sleep(0.02)
        # pypdf, not PDFium: PDFium is not thread-safe, and the desk's thread
        # may be drawing pages with it while this one reads the PDF.
        wait_idle(lambda: "9回目" in squeeze(pypdf.PdfReader(output).pages[3].extract_text()))
    finally:
        stop.set()
        thread.join(timeout=120)
    after = builds[3:]
    assert most == 1  # never two builds at once, editions included
    assert 1 <= after.count("print") <= 3, after  # ten saves in 0.2 s: one or two builds
    assert desk.state.status == "built"


def test_a_port_in_use_is_a_clear_error(issue, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([str(CAIPDF), "serve", str(issue), "-o", str(tmp_path / "x.pdf"),
                                 "--port", str(port)], capture_output=True, text=True,
                                cwd=ROOT, timeout=120)
    assert result.returncode == 1
    assert f"error: cannot serve on 127.0.0.1:{port}: Address already in use" in result.stderr
    assert "fix: give another port with --port N" in result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_stops_the_desk_with_a_browser_connected(issue, tmp_path):
    running = RunningDesk(issue, tmp_path / "out" / "vol19.pdf")
    events = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
    try:
        events.request("GET", "/events")
        response = events.getresponse()
        assert response.getheader("Content-Type").startswith("text/event-stream")
        assert response.readline() == b"event: state\n"
        running.process.send_signal(signal.SIGINT)
        assert running.process.wait(timeout=60) == 0
    finally:
        running.process.kill()
        events.close()
    assert "stopped serving" in running.process.stderr.read()
