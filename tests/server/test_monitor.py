"""Kiosk health, alerts and minutes pages, fed by real pulls from fake kiosks over HTTP."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from sync_server.app import create_app
from sync_server.collect.puller import pull_kiosk
from sync_server.db.models import Alert, PullLog, Response, utcnow
from tests.support.chains import make_chain
from tests.support.fake_kiosk import FakeKiosk
from tests.support.server import TOKEN, free_port, know_officers
from tests.support.web import add_user, client_as, csrf_token, page

TEMPLATES = Path(__file__).resolve().parents[2] / "sync_server" / "templates"


@pytest.fixture
def fleet():
    made = []

    def make(*args):
        f = FakeKiosk(*args)
        made.append(f)
        return f

    yield make
    for f in made:
        f.stop()


@pytest.fixture
def scene(fleet, make_config):
    """quay-1 fine but its clock 10 minutes fast; quay-2 sent a gap; quay-3 never answered."""
    good = fleet("quay-1", "store-a", make_chain("store-a", 5))
    ten_min_fast = (datetime.now().astimezone() + timedelta(minutes=10)).isoformat(timespec="milliseconds")
    good.status_extra = {"wall_clock": ten_min_fast, "version": "0.3.1", "free_disk_bytes": 3 * 1024**3,
                         "roster_version": 4, "roster_stored_version": 4}
    chain = make_chain("store-b", 4, kiosk_id="quay-2")
    gap = fleet("quay-2", "store-b", chain[:1] + chain[2:])
    gap.status_extra = {"free_disk_bytes": 100 * 1024**2}
    dead = f"http://127.0.0.1:{free_port()}"
    cfg = make_config([("quay-1", good.url, TOKEN), ("quay-2", gap.url, TOKEN), ("quay-3", dead, TOKEN)])
    know_officers("nv-lan")
    for entry in cfg.kiosks:
        pull_kiosk(entry, cfg, page_limit=1 if entry.id == "quay-2" else 500)  # quay-2: seq 1 chains
    app = create_app(cfg)
    add_user()
    client = client_as(app, "admin")
    return cfg, client


def alert_items(html: str) -> set[tuple[str, str]]:
    return set(re.findall(r'data-kiosk="([^"]+)" data-kind="([^"]+)"', html))


def test_dashboard_shows_what_needs_attention(scene):
    _cfg, client = scene
    html = page(client, "/")
    assert alert_items(html) == {("quay-1", "clock"), ("quay-2", "gap"), ("quay-2", "disk"),
                                 ("quay-3", "silent")}
    assert "đồng hồ ki-ốt nhanh 10 phút" in html
    assert "chưa liên lạc được lần nào" in html and "thẻ nhớ ki-ốt sắp đầy (còn 100 MB)" in html


def test_health_page_per_kiosk(scene):
    _cfg, client = scene
    html = page(client, "/kiosks")

    def cell(kiosk: str, attr: str) -> str:
        row = re.search(rf'<tr id="health-{kiosk}">(.*?)</tr>', html, re.S).group(1)
        return re.search(rf'data-{attr}="([^"]*)"', row).group(1)

    assert cell("quay-1", "counts") == "5/5/5/0/0"  # kiosk reports / held / stored / aside / flagged
    assert 590 < float(cell("quay-1", "skew")) < 610
    assert cell("quay-1", "free-disk") == str(3 * 1024**3) and "3,0 GB" in html
    assert cell("quay-1", "roster") == "4/4/0"
    assert cell("quay-1", "chain") == "True"
    assert "0.3.1" in html
    assert cell("quay-2", "counts") == "4/1/1/0/0" and cell("quay-2", "chain") == "False"
    assert "3 chưa nhận" in html  # quay-2 reports 4, the server holds 1
    assert cell("quay-3", "counts") == "/0/0/0/0" and cell("quay-3", "chain") == "None"
    row3 = re.search(r'<tr id="health-quay-3">(.*?)</tr>', html, re.S).group(1)
    assert "ki-ốt từ chối kết nối" in row3 and "chưa có" in row3


def test_silent_for_longer_than_configured_is_an_alert(fleet, make_config):
    f = fleet("quay-1", "store-a", make_chain("store-a", 1))
    cfg = make_config([("quay-1", f.url, TOKEN)], extra="silent_alert_minutes = 30")
    know_officers("nv-lan")
    two_hours_ago = utcnow() - timedelta(hours=2)
    f.status_extra = {"wall_clock": (datetime.now().astimezone() - timedelta(hours=2)).isoformat()}
    pull_kiosk(cfg.kiosks[0], cfg, now=lambda: two_hours_ago)
    add_user()
    client = client_as(create_app(cfg), "admin")
    assert alert_items(page(client, "/")) == {("quay-1", "silent")}
    assert "không liên lạc được đã 2 giờ" in page(client, "/")
    f.status_extra = {}  # the kiosk answers again, now
    pull_kiosk(cfg.kiosks[0], cfg)
    assert alert_items(page(client, "/")) == set()
    assert "Không có cảnh báo nào." in page(client, "/")


def test_a_response_lost_from_the_database_shows_as_counts_disagreeing(scene):
    _cfg, client = scene
    Response.delete().where((Response.kiosk_id == "quay-1") & (Response.seq == 3)).execute()
    html = page(client, "/")
    assert ("quay-1", "count") in alert_items(html)
    assert "số phiếu không khớp: đã nhận đến số 5 nhưng lưu 4 và để riêng 0" in html


def test_minutes_list_and_printable_view(scene):
    _cfg, client = scene
    html = page(client, "/minutes")
    logs = {p.kiosk_id: p for p in PullLog.select()}
    for log in logs.values():
        assert f'id="minutes-{log.id}"' in html
    only = page(client, "/minutes?kiosk=quay-1")
    assert f'id="minutes-{logs["quay-1"].id}"' in only and f'id="minutes-{logs["quay-2"].id}"' not in only

    ok = logs["quay-1"]
    sheet = page(client, f"/minutes/{ok.id}")
    fields = dict(re.findall(r'data-field="([a-z]+)">([^<]*)<', sheet))
    assert fields["kiosk"] == "quay-1" and fields["received"] == "5" and fields["seqs"] == "1 – 5"
    assert fields["chain"] == "Có" and fields["status"] == "bình thường"
    assert fields["head"] == ok.head_hash and len(ok.head_hash) == 64
    assert "Lần lấy dữ liệu" in sheet and "Người chứng kiến" not in sheet  # a pull is not a biên bản
    assert "/minutes/day/quay-1/" in sheet  # its day's biên bản is
    other = page(client, f"/minutes/{logs['quay-2'].id}")
    refused = dict(re.findall(r'data-field="([a-z]+)">([^<]*)<', other))
    assert (refused["chain"], refused["received"], refused["seqs"]) == ("Không", "1", "1 – 1")
    assert client.get("/minutes/999999").status_code == 404


def test_minutes_are_paged(scene):
    cfg, client = scene
    for _ in range(55):
        pull_kiosk(cfg.kiosks[0], cfg)
    first = page(client, "/minutes")
    assert first.count('id="minutes-') == 50 and "Trang sau" in first
    second = page(client, "/minutes?page=2")
    assert second.count('id="minutes-') == 8 and "Trang trước" in second
    assert page(client, "/minutes?page=abc").count('id="minutes-') == 50


def test_alerts_page_and_resolving_needs_csrf(scene):
    _cfg, client = scene
    html = page(client, "/alerts")
    (gap,) = Alert.select().where(Alert.kind == "gap")
    assert f'id="alert-{gap.id}"' in html and "số thứ tự 2 được chờ tiếp theo, nhận được 3" in html
    assert client.post(f"/alerts/{gap.id}/resolve").status_code == 400
    assert not Alert.get_by_id(gap.id).resolved
    r = client.post(f"/alerts/{gap.id}/resolve", data={"csrf_token": csrf_token(html)})
    assert r.status_code == 302 and Alert.get_by_id(gap.id).resolved
    assert "Cảnh báo đã được đánh dấu là đã xử lý." in page(client, "/alerts")
    assert ("quay-2", "gap") not in alert_items(page(client, "/"))
    assert client.post("/alerts/999999/resolve", data={"csrf_token": csrf_token(html)}).status_code == 404


def test_english_on_request(scene):
    _cfg, client = scene
    html = page(client, "/kiosks?lang=en")
    assert 'lang="en"' in html and "Kiosk health" in html and "Tình trạng ki-ốt" not in html
    html = page(client, "/")  # the choice is kept in the session
    assert "Satisfaction per officer" in html and "kiosk clock 10 min ahead" in html
    assert "Pull log" in page(client, "/minutes")
    assert "Tổng quan" in page(client, "/?lang=vi")
