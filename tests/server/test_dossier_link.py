"""The dossier link through the real protocol (issue 14): a kiosk store with a scanned dossier
code, served by the real kiosk API and pulled by the server; the code lands in dossier_link
beside the sealed response (the chain verifies, the body has no code), the kiosk forgets it
once acked; the per-dossier CSV needs a login, leaves excluded ratings out, names its columns
and is audited. SQLite and PostgreSQL; the page in Chromium in vi and en."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from kiosk.controller import KioskController
from kiosk.shared import dossier
from kiosk.shared.configfile import ConfigError
from kiosk.shared.protocol import GENESIS_HASH, verify_chain
from sync_server import config as server_config
from sync_server.app import create_app
from sync_server.collect.puller import pull_kiosk
from sync_server.db import database
from sync_server.db.models import AuditLog, DossierLink, Response
from sync_server.ops import demo_data
from sync_server.reports import dossiers, exclusion
from sync_server.roster import build as roster
from tests.support.browser import screenshot
from tests.support.kiosk_core import FakeClock
from tests.support.qr import seed_roster
from tests.support.server import TOKEN, free_port, server_toml
from tests.support.serving import browser_login, serving
from tests.support.web import PASSWORD, add_user, csrf_token, page, staff_client

CODES = ("000.00.32.H56-251203-0001", "000.00.32.H56-251203-0002")


@pytest.fixture
def pulled(make_kiosk, make_config):
    """A kiosk that stored three ratings, the first two linked to a dossier, pulled once."""
    k = make_kiosk("quay-1")
    cfg = make_config([k.entry()])
    demo_data.seed(cfg)
    roster.touch(cfg)
    assert pull_kiosk(cfg.kiosks[0], cfg).status == "ok"  # sends the roster
    clock = FakeClock()
    c = KioskController(k.store, cooldown_s=0, thanks_s=3, inactivity_s=60, clock=clock,
                        dossier_pattern=re.compile(dossier.DEFAULT_PATTERN))
    c.settings["ask_procedure"] = False
    for code, score in ((CODES[0], 2), (CODES[1], 5), (None, 4)):
        if code:
            assert c.attach_dossier(code)
        for _ in range(len(c.flow.questions)):
            c.press(score, "keypad")
        clock.advance(10)
        c.tick()
    assert len(k.store.dossiers_between(0, 10)) == 2
    result = pull_kiosk(cfg.kiosks[0], cfg)
    assert (result.status, result.received) == ("ok", 3), result.line()
    return cfg, k, c


def test_the_code_travels_beside_the_sealed_response_and_is_exported(pulled):
    cfg, k, c = pulled
    stored = list(Response.select().order_by(Response.seq))
    links = {d.response_uuid: d.code for d in DossierLink.select()}
    assert links == {stored[0].uuid: CODES[0], stored[1].uuid: CODES[1]}
    assert all(code not in r.body for r in stored for code in CODES)  # the sealed body has none
    assert k.store.dossiers_between(0, 10) == {}  # acked: the kiosk keeps no code
    assert pull_kiosk(cfg.kiosks[0], cfg).received == 0 and DossierLink.select().count() == 2

    app = create_app(cfg)
    day = stored[0].local_date
    url = f"/reports/dossiers?start={day}&end={day}"
    assert app.test_client().get(url + "&fmt=csv").status_code == 302  # a login first
    staff = staff_client(cfg)
    assert "2 lượt đánh giá có mã hồ sơ" in page(staff, url)
    exclusion.set_excluded(stored[1].id, True, "Bấm thử", "admin", role="admin")
    text = staff.get(url + "&fmt=csv").get_data().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == dossiers.HEADERS
    assert len(lines) == 2  # the excluded one is left out
    row = dict(zip(lines[0], lines[1], strict=True))
    n = len(c.flow.questions)
    assert (row["ma_ho_so"], row["kenh"], row["diem_thap_nhat"], row["ma_phieu"]) == (CODES[0], "keypad", "2",
                                                                                       stored[0].uuid)
    assert row["ma_can_bo"] == stored[0].officer and row["can_bo"] and row["diem"].count("=2") == n
    entry = AuditLog.get(AuditLog.action == "dossier.export")
    assert entry.actor == "staff" and json.loads(entry.detail)["rows"] == 1
    bad = staff.get("/reports/dossiers?start=2026-13-01")
    assert bad.status_code == 400 and "start" in bad.get_data(as_text=True)


@pytest.mark.e2e
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_dossier_page_in_chromium(pulled, tmp_path, browser_page):
    cfg, _k, _c = pulled
    day = Response.get().local_date
    add_user("admin", "admin")
    database.close()
    port = free_port()
    path = tmp_path / "serve.toml"
    path.write_text(server_toml(cfg.data_dir, [], port=port), encoding="utf-8")
    p = browser_page
    with serving(path, port, "--no-pull") as base:
        browser_login(p, base, "admin", PASSWORD)
        p.goto(f"{base}/reports/dossiers?start={day}&end={day}")
        assert p.locator("#dossier-count").inner_text().startswith("2 lượt")
        assert "không phải là kết nối với Cổng Dịch vụ công quốc gia" in p.locator("body").inner_text()
        screenshot(p, "issue14-dossiers-vi")
        p.goto(f"{base}/reports/dossiers?start={day}&end={day}&lang=en")
        assert p.locator("#dossier-count").inner_text().startswith("2 ratings")
        assert "not a connection to the National Public Service Portal" in p.locator("body").inner_text()
        screenshot(p, "issue14-dossiers-en")


QR_EXTRA = '[qr]\nask_dossier = true\nper_device = 100\nper_ip = 100\n'


def _send(client, **fields) -> tuple[int, str]:
    token = csrf_token(client.get("/r/nv-lan").get_data(as_text=True))
    r = client.post("/r/nv-lan", data={"csrf_token": token, "o": "nv-lan", "q_q1": "4", **fields})
    return r.status_code, r.get_data(as_text=True)


def test_the_qr_pages_optional_dossier_field(make_config):
    cfg = make_config([("quay-1", "http://127.0.0.1:9", TOKEN)], extra=QR_EXTRA)
    seed_roster()
    phone = create_app(cfg).test_client()
    html = phone.get("/r/nv-lan").get_data(as_text=True)
    assert 'name="dossier"' in html and "không còn ẩn danh" in html
    assert "Mã hồ sơ không bắt buộc" in html  # and the privacy notice says it
    status, html = _send(phone, dossier="HS 12")
    assert status == 400 and "Mã hồ sơ chưa đúng dạng" in html and 'value="HS 12"' in html
    assert Response.select().count() == 0
    assert _send(phone, dossier=" " + CODES[0].lower())[0] == 303
    assert _send(phone)[0] == 303  # left empty: a rating as ever
    chain = [json.loads(r.body) for r in Response.select().order_by(Response.seq)]
    assert verify_chain(chain, 0, GENESIS_HASH)[0] == 2 and CODES[0] not in json.dumps(chain)
    assert {d.response_uuid: d.code for d in DossierLink.select()} == {chain[0]["uuid"]: CODES[0]}

    off = make_config([("quay-1", "http://127.0.0.1:9", TOKEN)], extra="[qr]\nper_device = 100\n")
    phone = create_app(off).test_client()
    assert 'name="dossier"' not in phone.get("/r/nv-lan").get_data(as_text=True)
    status, html = _send(phone, dossier=CODES[1])
    assert status == 400 and "Trang này không nhận mã hồ sơ." in html


def test_a_bad_dossier_pattern_names_the_key(tmp_path):
    path = tmp_path / "server.toml"
    text = f'[server]\ndata_dir = "{tmp_path}"\n[qr]\ndossier_pattern = "HS-[0-9"\n'
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"qr\.dossier_pattern"):
        server_config.load(path)


@pytest.mark.e2e
def test_the_qr_dossier_field_on_a_phone_in_vi_and_en(tmp_path):
    """Chromium at 360 px (SQLite only: the database plays no part in what is looked at)."""
    from tests.support.browser import chromium
    from tests.support.qr import serving_qr

    with serving_qr(tmp_path, "", QR_EXTRA, seed_roster) as (base, _path), chromium(javascript=False) as p:
        p.goto(base + "/r/nv-lan")
        p.check('#q-q1 input[value="4"]')
        p.fill('input[name="dossier"]', "HS 12")
        p.click("button.qr-send")
        assert p.locator("text=Mã hồ sơ chưa đúng dạng").is_visible()
        p.locator('input[name="dossier"]').scroll_into_view_if_needed()
        screenshot(p, "issue14-qr-dossier-vi")
        p.goto(base + "/r/nv-lan?lang=en")
        p.locator('input[name="dossier"]').scroll_into_view_if_needed()
        assert "no longer anonymous" in p.locator(".qr-dossier + .qr-hint").inner_text()
        screenshot(p, "issue14-qr-dossier-en")
        p.fill('input[name="dossier"]', CODES[0])
        p.check('#q-q1 input[value="5"]')
        p.click("button.qr-send")
        assert p.locator("text=recorded").first.is_visible()
