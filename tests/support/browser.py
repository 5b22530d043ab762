"""Headless Chromium for the web tests: Debian's /usr/bin/chromium driven by Playwright.

Playwright's own browser download is never used (the LAN and CI may have no internet): the
launch names Debian's binary. The flags keep Chromium off the network it cannot reach.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_HINT = "install Debian's chromium (apt-get install chromium) and `pip install -e .[dev]`"
LAUNCH_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "web"


def chromium_path() -> str | None:
    configured = os.environ.get("HAILONG_CHROMIUM")
    if configured:
        return configured
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def missing() -> str | None:
    """What is missing for browser tests, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright"
    if not chromium_path():
        return "Chromium"
    return None


@contextmanager
def chromium(javascript: bool = True, width: int = 360, height: int = 640,
             mobile: bool = True) -> Iterator[object]:
    """A Playwright page in a fresh headless Chromium context (new cookies each time)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), headless=True, args=LAUNCH_ARGS)
        try:
            context = browser.new_context(java_script_enabled=javascript, is_mobile=mobile,
                                          has_touch=mobile, locale="vi-VN",
                                          viewport={"width": width, "height": height})
            try:
                yield context.new_page()
            finally:
                context.close()
        finally:
            browser.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-output/web/ for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
