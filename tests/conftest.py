"""Shared fixtures: a temporary kiosk store, a fake clock, Xvfb and a phone-sized browser page
(helpers that tests import live in tests/support/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.store import Store
from tests.support.groups import xdist_group
from tests.support.kiosk_core import FakeClock
from tests.support.xvfb import MISSING_TOOLS_HINT, Xvfb, missing_tools


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "kiosk.db", "quay-1")
    yield s
    s.close()


@pytest.fixture(scope="module")
def xvfb():
    """A private X server for the real Kivy app; the tools missing are named, not skipped."""
    missing = missing_tools()
    if missing:
        pytest.fail(f"GUI tests need {', '.join(missing)}: {MISSING_TOOLS_HINT}")
    display = Xvfb(1280, 800).start()
    yield display
    display.stop()


@pytest.fixture
def browser_page():
    """A 360×640 phone-sized page in headless Chromium (JavaScript on); see tests/support/browser."""
    from tests.support import browser

    problem = browser.missing()
    if problem:
        pytest.fail(f"browser tests need {problem}: {browser.CHROMIUM_HINT}")
    with browser.chromium() as page:
        yield page



@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    # Under pytest-xdist (`make test`: --dist loadgroup) the tests of a group run on one worker.
    root = Path(str(config.rootpath))
    for item in items:
        item.add_marker(pytest.mark.xdist_group(xdist_group(Path(str(item.path)), root)))
