"""The README's picture of the desk: `caipdf serve` on vol.19, in the
headless Chromium the tests use, with a warning opened on its YAML lines.

    .venv/bin/python docs/desk_screenshot.py        (writes docs/img/desk.png)
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import chromium  # noqa: E402

TARGET = ROOT / "docs" / "img" / "desk.png"
VIEWPORT = {"width": 1600, "height": 1100}


def main() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="caipdf-desk-") as folder:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "caipdf"), "serve", "issues/vol19.yaml",
             "--draft", "-o", str(Path(folder) / "vol19.pdf"), "--port", str(port)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_idle(port)
            with chromium() as browser:
                page = browser.new_page(viewport=VIEWPORT)
                page.goto(f"http://127.0.0.1:{port}/")
                page.locator("img[data-page='12']").wait_for()
                page.wait_for_load_state("networkidle")
                page.locator("#problems li").first.click()
                page.screenshot(path=str(TARGET))
        finally:
            server.terminate()
            server.wait(timeout=60)
    print(TARGET)


def wait_until_idle(port: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/state") as response:
                state = json.load(response)
            if state["pages"] and state["working_on"] is None:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit("caipdf serve did not finish its first build")


if __name__ == "__main__":
    main()
