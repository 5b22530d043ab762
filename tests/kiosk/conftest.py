"""Fixtures for the kiosk's GUI tests: a private Xvfb per test module."""

from __future__ import annotations

import pytest

from tests.support.xvfb import MISSING_TOOLS_HINT, Xvfb, missing_tools


@pytest.fixture(scope="module")
def xvfb():
    missing = missing_tools()
    if missing:
        pytest.fail(f"GUI tests need {', '.join(missing)}: {MISSING_TOOLS_HINT}")
    display = Xvfb(1280, 800).start()
    yield display
    display.stop()
