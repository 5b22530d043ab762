"""Shared fixtures: a temporary kiosk store and a fake clock."""

from __future__ import annotations

import pytest

from kiosk.store import Store
from tests.support.xvfb import MISSING_TOOLS_HINT, Xvfb, missing_tools


class FakeClock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path) -> Store:
    s = Store(tmp_path / "kiosk.db", "quay-1")
    yield s
    s.close()


def rating(score: int = 5, channel: str = "touch", **extra) -> dict:
    """Fields of one single-question response, as the controller hands them to the store."""
    return {"questionnaire": "overall", "questionnaire_version": 1, "answers": {"q1": score},
            "channel": channel, **extra}


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
