"""At a province hub, a commune's reports by reception point read that commune's points (its roster
snapshot), not the hub's own `reception_point` table: two communes with different points, both
holding a point coded "chinh", each one's filter, names, letterhead and table by point its own."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest

from sync_server.app import create_app
from sync_server.db import database
from sync_server.upstream import receive
from tests.support.browser import screenshot
from tests.support.chains import make_chain
from tests.support.hub import raw_batch
from tests.support.server import free_port, server_toml
from tests.support.serving import browser_login, serving
from tests.support.web import PASSWORD, add_user, client_as, page

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
COMMUNES = {"xa-a": "Xã A", "xa-b": "Phường B"}
DOWNSTREAM = "".join(f'[[downstream]]\nid = "{c}"\nname = "{n}"\ntoken = "token-{c}-0123456789abcdef"\n'
                     for c, n in COMMUNES.items())
# Each commune's points as its snapshot sends them; the hub's own has only "chinh" (Trụ sở chính).
POINTS = {
    "xa-a": [{"code": "chinh", "name": "Trụ sở xã A"},
             {"code": "van-tho", "name": "Điểm tiếp nhận Vạn Thọ", "former_name": "xã Vạn Thọ",
              "former_code": "22360", "merged_on": "2025-07-01"}],
    "xa-b": [{"code": "chinh", "name": "Trụ sở phường B", "sort": 0},
             {"code": "an-phu", "name": "Điểm tiếp nhận An Phú", "sort": 1}],  # listed as B orders them
}
AT = {"xa-a": ["chinh"] * 3 + ["van-tho"] * 2, "xa-b": ["chinh"] * 4 + ["an-phu"]}  # each response's point
YEAR = "period=year&date=2026-06-01"


@pytest.fixture
def hub(make_config):
    cfg = make_config(extra=DOWNSTREAM)
    for entry in cfg.downstream:
        batch = raw_batch(entry.id, make_chain(f"s-{entry.id}", len(AT[entry.id]), kiosk_id=f"{entry.id}-1"))
        batch["roster"] = {"unit": [{"code": "unit", "name": COMMUNES[entry.id]}],
                           "officer": [{"code": "nv-lan", "name": f"Lan ({entry.id})"}],
                           "point": POINTS[entry.id]}
        batch["stores"][0]["points"] = AT[entry.id]
        outcome = receive.receive(cfg, entry, batch, datetime(2026, 11, 23))
        assert outcome.stored == len(AT[entry.id]) and not outcome.refused
    add_user("staff", "staff")
    return client_as(create_app(cfg), "staff")


def table(client, url: str) -> list[list[str]]:
    r = client.get(url + "&fmt=csv")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    return list(csv.reader(io.StringIO(r.get_data().decode("utf-8-sig"))))


def row(rows: list[list[str]], first: str) -> list[str]:
    return next(r for r in rows if r and r[0] == first)


@SQLITE
def test_a_communes_point_filters_its_report_by_its_own_code_and_name(hub):
    url = f"/reports?by=officer&{YEAR}&unit=xa-a&point=van-tho"
    html = page(hub, url)
    assert 'id="page-point">Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ<' in html
    assert "Đơn vị: Xã A (xa-a). Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ (van-tho)." in html
    # The point filter offers the commune's points, not the hub's own "Trụ sở chính".
    assert '<option value="van-tho" selected>Điểm tiếp nhận Vạn Thọ</option>' in html
    assert "Trụ sở xã A" in html and "Trụ sở chính" not in html
    assert row(table(hub, url), "Tổng cộng")[2] == "2"  # the two at Vạn Thọ, not the five of xa-a
    assert row(table(hub, f"/reports?by=officer&{YEAR}&unit=xa-b&point=chinh"), "Tổng cộng")[2] == "4"
    printed = page(hub, url + "&fmt=print")
    assert 'id="print-point">Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ<' in printed
    # Another commune's point, or the hub's own, is not this commune's: refused naming the field.
    r = hub.get(f"/reports?by=officer&{YEAR}&unit=xa-b&point=van-tho")
    assert r.status_code == 400 and "van-tho" in r.get_data(as_text=True)
    sheet = page(hub, "/reports/officers?month=2026-11&unit=xa-b&point=an-phu")
    assert "Điểm tiếp nhận: Điểm tiếp nhận An Phú (an-phu)." in sheet
    assert hub.get("/reports/officers?month=2026-11&unit=xa-a&point=an-phu").status_code == 400
    yes_no = page(hub, f"/reports/yes-no?{YEAR}&unit=xa-b&point=an-phu")
    assert 'id="page-point">Điểm tiếp nhận: Điểm tiếp nhận An Phú (an-phu).<' in yes_no
    english = page(hub, url + "&lang=en")  # the reader's language stays for the session: last
    assert "Unit: Xã A (xa-a). Reception point: Điểm tiếp nhận Vạn Thọ (van-tho)." in english


@SQLITE
def test_a_communes_table_by_point_names_its_points_and_former_commune(hub):
    rows = table(hub, f"/reports?by=point&{YEAR}&unit=xa-a")
    assert row(rows, "Trụ sở xã A")[2] == "3" and row(rows, "Điểm tiếp nhận Vạn Thọ")[2] == "2"
    assert row(rows, "Điểm tiếp nhận Vạn Thọ")[1].startswith("xã Vạn Thọ (22360), sáp nhập từ 01/07/2025")
    rows = table(hub, f"/reports?by=point&{YEAR}&unit=xa-b")
    assert row(rows, "Trụ sở phường B")[1] == "4" and row(rows, "Điểm tiếp nhận An Phú")[1] == "1"
    # The counter table of one point names the point's former commune under it, from the snapshot.
    html = page(hub, f"/reports?by=kiosk&{YEAR}&unit=xa-a&point=van-tho")
    assert "Điểm tiếp nhận Vạn Thọ: trước đây là xã Vạn Thọ (22360)" in html


@pytest.mark.e2e
@SQLITE
def test_the_hubs_drill_down_by_point_in_chromium(hub, tmp_path, browser_page):
    """A real serve process on the hub's database: commune B's page offers B's points; choosing one
    reads it; changing the commune clears it (no 400). Screenshots hub-point-*.png (vi, en; 1280, 360)."""
    database.close()
    port = free_port()
    path = tmp_path / "serve.toml"
    path.write_text(server_toml(tmp_path / "server-data", [], port=port, extra=DOWNSTREAM), encoding="utf-8")
    with serving(path, port, "--no-pull") as base:
        p = browser_page
        browser_login(p, base, "staff", PASSWORD)
        p.goto(f"{base}/reports?by=officer&{YEAR}&unit=xa-b")
        options = p.locator('select[name="point"] option').all_inner_texts()
        assert options[1:] == ["Trụ sở phường B", "Điểm tiếp nhận An Phú"], options
        p.select_option('select[name="point"]', "an-phu")
        p.click("form.filters button[type=submit]")
        assert p.locator("#page-point").inner_text() == "Điểm tiếp nhận: Điểm tiếp nhận An Phú"
        assert p.locator("#report-table tfoot td").nth(2).inner_text() == "1"
        screenshot(p, "hub-point-vi-1280")
        p.select_option('select[name="unit"]', "xa-a")  # A has no "an-phu": the point is cleared
        p.click("form.filters button[type=submit]")
        assert "unit=xa-a" in p.url and p.locator("#page-point").count() == 0
        assert p.locator('select[name="point"]').input_value() == ""
        p.goto(f"{base}/reports?by=officer&{YEAR}&unit=xa-a&point=van-tho&lang=en")
        assert "Reception point: Điểm tiếp nhận Vạn Thọ (van-tho)" in p.content()
        screenshot(p, "hub-point-en-1280")
        p.set_viewport_size({"width": 360, "height": 640})
        for lang in ("en", "vi"):
            p.goto(f"{base}/reports?by=point&{YEAR}&unit=xa-a&lang={lang}")
            assert p.evaluate("document.documentElement.scrollWidth") <= 360
            screenshot(p, f"hub-point-by-point-{lang}-360")
