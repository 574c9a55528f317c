"""Debian's headless Chromium, driven by Playwright: for the tests of caipdf
serve and the README's screenshot of the desk."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium waits on services this closed network lacks.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@contextlib.contextmanager
def chromium():
    """A launched Chromium (Playwright's Browser); Playwright must be installed."""
    from playwright.sync_api import sync_playwright

    # The system's fonts for the browser: caipdf points fontconfig at fonts/ only.
    env = {name: value for name, value in os.environ.items() if name != "FONTCONFIG_FILE"}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                             env=env)
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def chromium_or_skip():
    """chromium(), or the test skipped, saying why, where it cannot run."""
    if not CHROMIUM.exists():
        pytest.skip("no Chromium at /usr/bin/chromium: make test runs 'apt-get install "
                    "chromium', which failed or was not run")
    pytest.importorskip("playwright.sync_api",
                        reason="Playwright is not installed: pip install -e '.[test]'")
    with chromium() as launched:
        yield launched
