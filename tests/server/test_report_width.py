"""The report tables fit the page at 1280 px in English as in Vietnamese (English header words are
longer: "Dissatisfied" against "hài lòng"), and on a 360 px phone the page keeps the screen's width
while a wide table scrolls in its own box. Headless Chromium against a real `hailong-server serve`
process (SQLite); screenshots in test-output/web/width-*.png for a person to look at."""

from __future__ import annotations

import pytest

from sync_server.db import database
from tests.support.browser import screenshot
from tests.support.server import free_port, server_toml
from tests.support.serving import browser_login, serving
from tests.support.web import PASSWORD, add_user

pytestmark = [pytest.mark.e2e, pytest.mark.parametrize("backend", ["sqlite"], indirect=True)]

PAGES = {"officer": "/reports?period=month&by=officer", "sheet": "/reports/officers?",
         "procedure": "/reports?period=month&by=procedure", "kiosk": "/reports?period=month&by=kiosk"}
# The table's scroll box (its `div.wide`; on a phone the table itself, style.css), the page, the
# screen: widths in CSS px.
MEASURE = """() => { const t = document.querySelector('#report-table');
  const box = window.innerWidth <= 600 ? t : t.parentElement;
  return {table: box.scrollWidth, box: box.clientWidth, page: document.documentElement.scrollWidth,
          screen: window.innerWidth}; }"""


@pytest.fixture
def served(month, tmp_path):
    _cfg, _today = month
    add_user("admin", "admin")
    database.close()
    port = free_port()
    path = tmp_path / "serve.toml"
    path.write_text(server_toml(tmp_path / "server-data", [], port=port), encoding="utf-8")
    with serving(path, port) as base:
        yield base


def test_report_tables_fit_1280_in_both_languages_and_scroll_in_their_box_at_360(served, browser_page):
    p = browser_page
    browser_login(p, served, "admin", PASSWORD)
    for lang in ("en", "vi"):
        p.set_viewport_size({"width": 1280, "height": 900})
        for name, url in PAGES.items():
            p.goto(f"{served}{url}&lang={lang}")
            seen = p.evaluate(MEASURE)
            assert seen["table"] <= seen["box"] and seen["page"] <= seen["screen"], (lang, name, seen)
            if name in ("officer", "sheet"):
                screenshot(p, f"width-{name}-{lang}-1280")
        p.set_viewport_size({"width": 360, "height": 640})
        for name in ("officer", "sheet"):
            p.goto(f"{served}{PAGES[name]}&lang={lang}")
            seen = p.evaluate(MEASURE)
            # The page keeps the phone's width; the table scrolls sideways inside its box.
            assert seen["page"] <= seen["screen"] and seen["box"] < seen["table"], (lang, name, seen)
            p.locator("#report-table").evaluate("t => t.scrollLeft = 10000")
            assert p.locator("#report-table").evaluate("t => t.scrollLeft") > 0
            screenshot(p, f"width-{name}-{lang}-360")
