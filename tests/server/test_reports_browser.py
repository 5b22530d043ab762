"""What this issue changed on the report pages, in headless Chromium against a real
`hailong-server serve` process on SQLite and PostgreSQL: the field rule under the table by field,
the partial responses beside the visits, the hour map with every hour that has a rating, the
quota page, the yearly report, the public board, and the pages a NUL character gets.
Screenshots go to test-output/web/issue11-*.png for a person to look at."""

from __future__ import annotations

import pytest

from sync_server.db import database, write_transaction
from sync_server.db.models import Quota, Response
from tests.support.browser import screenshot
from tests.support.field_rule import RULE
from tests.support.server import free_port, server_toml
from tests.support.serving import browser_login, serving
from tests.support.web import PASSWORD, add_user

pytestmark = pytest.mark.e2e


@pytest.fixture
def served(month, tmp_path, backend):
    """The fixture's database behind a real serve process on a free port."""
    _cfg, today = month
    add_user("admin", "admin")
    with write_transaction():
        Quota.create(field_code="tu-phap", target=60, start=today.replace(day=1), end=today, label="Seed 002")
    hours = {r.local_hour for r in Response.select(Response.local_hour).where(~Response.excluded)}
    database.close()
    port = free_port()
    path = tmp_path / "serve.toml"
    path.write_text(server_toml(tmp_path / "server-data", [], port=port, database_url=backend),
                    encoding="utf-8")
    with serving(path, port) as base:
        yield base, today, hours, "pg" if backend else "sqlite"


def test_the_changed_report_pages_in_chromium(served, browser_page):
    base, today, hours, db = served
    p = browser_page
    browser_login(p, base, "admin", PASSWORD)

    p.goto(f"{base}/reports?period=month&date={today}&by=field")
    assert p.locator("#report-table thead th").nth(2).inner_text() == "Trong đó chưa trả lời hết"
    assert p.locator(f"text={RULE}").is_visible()
    shown = p.locator("#heatmap thead th").all_inner_texts()[1:]
    assert shown == [f"{h}h" for h in range(min([7, *hours]), max([17, *hours]) + 1)]
    cells = [int(t.split()[0]) for t in p.locator("#heatmap tbody td").all_inner_texts() if t.strip()]
    visits = int(p.locator("#report-table tfoot td").nth(1).inner_text())
    assert sum(cells) == visits
    screenshot(p, f"issue11-{db}-report-by-field")

    p.goto(f"{base}/reports/year?year={today.year}")
    assert "chưa trả lời hết" in p.locator("#row-7").inner_text()
    assert RULE in p.locator("#row-6").inner_text()
    screenshot(p, f"issue11-{db}-yearly")

    p.goto(f"{base}/reports/quotas")
    assert p.locator("#field-rule").inner_text() == RULE
    assert "chưa trả lời hết" in p.locator("#quotas tbody tr").first.inner_text()
    screenshot(p, f"issue11-{db}-quotas")

    board = p.context.browser.new_page(viewport={"width": 1280, "height": 720})
    board.goto(base + "/board")
    assert board.locator("#field-rule").inner_text() == RULE
    assert "chưa trả lời hết" in board.locator("#board-total").inner_text()
    screenshot(board, f"issue11-{db}-board")
    board.close()

    for url, status, name in (("/r/%00", 404, "nul-path"),
                              ("/reports/responses?kiosk=%00", 400, "nul-query")):
        r = p.goto(base + url)
        assert r.status == status
        assert "Traceback" not in p.content()
        screenshot(p, f"issue11-{db}-{name}")
    assert "ký tự NUL" in p.locator("p.error").inner_text()
