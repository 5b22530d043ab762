"""The fleet from the web: a pairing code fills the add form (without JavaScript), bad codes are
explained, tokens never shown back or logged; a kiosk added on the web is then pulled by
`hailong-server pull --once` and by the pull loop, a retired one no longer is."""

from __future__ import annotations

import re
import time

import pytest

from kiosk.shared.pairing import Pairing, encode
from sync_server.collect.loop import PullLoop
from sync_server.db.models import AuditLog, FleetKiosk, Response
from sync_server.roster import kiosks as fleet
from tests.support.server import TOKEN, hailong, rating
from tests.support.web import add_user, client_as, csrf_token, page


@pytest.fixture
def site(cfg, app, admin):
    add_user("viewer", "viewer")
    return cfg, app, admin


def form_values(html: str) -> dict[str, str]:
    form = html.split('id="add-kiosk"')[1].split("</form>")[0]
    values = dict(re.findall(r'<input id="(\w+)" name="\w+"[^>]*?value="([^"]*)"', form))
    values["pairing_code"] = re.search(r'name="pairing_code"[^>]*>([^<]*)</textarea>', form).group(1)
    return values


def test_pairing_code_fills_the_form_and_bad_codes_say_why(site):
    _cfg, _app, admin = site
    code = encode(Pairing("quay-7", "http://quay-7.local:8765", "s3cret-token-0123456789"))
    token = csrf_token(page(admin, "/fleet"))
    r = admin.post("/fleet", data={"csrf_token": token, "pairing_code": code, "action": "fill"})
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    values = form_values(html)
    assert (values["kiosk_id"], values["address"], values["port"]) == ("quay-7", "quay-7.local", "8765")
    assert "s3cret-token" not in html and not FleetKiosk.select().exists()  # filled, not saved
    for bad, reason in ((code[:-3], "Mã bị thiếu hoặc gõ sai"), ("xyz-123", "Mã ghép nối bắt đầu bằng"),
                        ("hl1-!!!!", "Không phải mã ghép nối")):
        r = admin.post("/fleet", data={"csrf_token": token, "pairing_code": bad, "action": "fill"})
        html = r.get_data(as_text=True)
        assert r.status_code == 400 and f'<p class="field-error" id="pairing-error">{reason}' in html, bad


def test_add_edit_retire_never_show_or_log_the_token(site):
    _cfg, _app, admin = site
    code = encode(Pairing("quay-7", "http://192.168.1.27:8765", "s3cret-token-0123456789"))
    token = csrf_token(page(admin, "/fleet"))
    bad = admin.post("/fleet", data={"csrf_token": token, "kiosk_id": "quay 7", "address": "a b",
                                     "port": "99999", "token": "short", "action": "save"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "mã ki-ốt &#39;quay 7&#39;" in html
    assert "Địa chỉ phải là tên máy" in html and "Khóa truy cập phải dài 16–300 ký tự" in html
    # Saved from the pairing code alone (the token comes out of it on the server).
    r = admin.post("/fleet", data={"csrf_token": token, "pairing_code": code, "kiosk_id": "quay-7",
                                   "name": "Quầy 7", "address": "192.168.1.27", "port": "8765",
                                   "action": "save"})
    assert r.status_code == 302
    row = FleetKiosk.get_by_id("quay-7")
    assert (row.url, row.token, row.retired) == ("http://192.168.1.27:8765", "s3cret-token-0123456789", False)
    again = admin.post("/fleet", data={"csrf_token": token, "pairing_code": code, "kiosk_id": "quay-7",
                                       "address": "x.local", "port": "8765", "action": "save"})
    assert again.status_code == 400 and "Mã ki-ốt &#39;quay-7&#39; đã có." in again.get_data(as_text=True)
    listing = page(admin, "/fleet") + page(admin, "/fleet/quay-7")
    assert "s3cret-token" not in listing and "••••••••6789" in listing
    # Edit: an empty token keeps the old one; a new token is stored, and only "changed" is logged.
    admin.post("/fleet/quay-7", data={"csrf_token": token, "name": "Quầy 7", "address": "quay-7.local",
                                      "port": "8765", "token": ""})
    assert FleetKiosk.get_by_id("quay-7").token == "s3cret-token-0123456789"
    admin.post("/fleet/quay-7", data={"csrf_token": token, "name": "Quầy 7", "address": "quay-7.local",
                                      "port": "9000", "token": "another-secret-token-xyz"})
    row = FleetKiosk.get_by_id("quay-7")
    assert (row.url, row.token) == ("http://quay-7.local:9000", "another-secret-token-xyz")
    assert admin.post("/fleet/quay-7/retire", data={"csrf_token": token}).status_code == 302
    assert FleetKiosk.get_by_id("quay-7").retired
    log = [(a.action, a.target, a.detail) for a in AuditLog.select().order_by(AuditLog.id)
           if a.action != "login"]
    assert [a[:2] for a in log] == [("kiosk.add", "quay-7"), ("kiosk.edit", "quay-7"),
                                    ("kiosk.edit", "quay-7"), ("kiosk.retire", "quay-7")]
    assert '"token_changed": true' in log[2][2] and '"token_changed": false' in log[1][2]
    assert not any("secret" in d for _a, _t, d in log)


def test_viewer_sees_the_fleet_but_cannot_change_it(site):
    _cfg, app, admin = site
    viewer = client_as(app, "viewer")
    html = page(viewer, "/fleet")
    assert 'id="add-kiosk"' not in html
    r = viewer.post("/fleet", data={"csrf_token": csrf_token(html), "kiosk_id": "quay-9",
                                    "address": "x.local", "port": "8765", "token": "t" * 20,
                                    "action": "save"})
    assert r.status_code == 403 and not FleetKiosk.select().exists()


def test_a_kiosk_added_on_the_web_is_pulled_and_a_retired_one_is_not(site, make_kiosk):
    cfg, _app, admin = site
    kiosk = make_kiosk("quay-7")
    for score in (5, 4):
        kiosk.store.append(rating(score))
    token = csrf_token(page(admin, "/fleet"))
    code = encode(Pairing("quay-7", kiosk.url, TOKEN))
    filled = form_values(admin.post("/fleet", data={"csrf_token": token, "pairing_code": code,
                                                    "action": "fill"}).get_data(as_text=True))
    r = admin.post("/fleet", data={"csrf_token": token, **filled, "action": "save"})
    assert r.status_code == 302
    assert [k.id for k in fleet.active_entries(cfg)] == ["quay-7"]

    pulled = hailong("pull", "--once", "--config", str(cfg.path))
    assert pulled.returncode == 0, pulled.stderr
    assert pulled.stdout.startswith("quay-7: ok, 2 new"), pulled.stdout
    assert kiosk.store.acked_seq() == 2 and Response.select().count() == 2
    assert "quay-7" in page(admin, "/kiosks")  # on the health page too

    admin.post("/fleet/quay-7/retire", data={"csrf_token": token})
    kiosk.store.append(rating(3))
    pulled = hailong("pull", "--once", "--config", str(cfg.path))
    assert pulled.returncode == 0 and "quay-7" not in pulled.stdout
    assert kiosk.store.acked_seq() == 2 and Response.select().count() == 2  # kept, not pulled


def test_the_pull_loop_picks_up_a_kiosk_added_while_it_runs(site, make_kiosk, monkeypatch):
    cfg, _app, _admin = site
    monkeypatch.setattr("sync_server.collect.loop.REFRESH_S", 0.1)
    kiosk = make_kiosk("quay-8")
    kiosk.store.append(rating(5))
    loop = PullLoop(cfg, kiosks=lambda: fleet.current(cfg)).start()
    try:
        time.sleep(0.5)
        assert loop.pulls == {}  # nothing to pull yet
        FleetKiosk.create(id="quay-8", name="Quầy 8", url=kiosk.url, token=TOKEN)
        deadline = time.monotonic() + 20
        while kiosk.store.acked_seq() < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert kiosk.store.acked_seq() == 1
    finally:
        loop.stop()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_kiosks_pairing_hint_names_the_pages_the_server_has(site, language):
    """K13 of the field test: the kiosk sent the technician to a page "Thêm máy đánh giá" that the
    server does not have. Every quoted name in the hint is a link or heading of the server's
    pages, in the same language, and the path starts at the menu."""
    from kiosk.ui.strings import text

    _cfg, _app, admin = site
    hint = text("admin_pairing_hint", language)
    names = re.findall(r"“([^”]+)”", hint)
    assert len(names) == 3, hint  # menu → list → the add form
    menu, fleet_page = page(admin, f"/?lang={language}"), page(admin, "/fleet")
    assert f">{names[0]}</a>" in menu, names[0]
    assert f">{names[1]}</a>" in fleet_page and f"<h2>{names[2]}</h2>" in fleet_page, names
