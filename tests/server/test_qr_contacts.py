"""A citizen's name and phone on the QR page (issue 14; Law 91/2025, NĐ 356/2025): taken only with
an explicit consent box the page never ticks, its purpose and period stated; kept beside the sealed
response, never in it, so the retention purge and an erase on request leave the rating and the
hash chain as they were; every purge and erase in the audit log, without what was erased."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from kiosk.shared.configfile import ConfigError
from kiosk.shared.protocol import GENESIS_HASH, verify_chain
from sync_server import config as server_config
from sync_server.app import create_app
from sync_server.db import database, init_db
from sync_server.db.models import Answer, AuditLog, CitizenContact, Response, utcnow
from sync_server.ops.retention import RetentionLoop
from sync_server.qr import contacts
from tests.support.qr import seed_roster
from tests.support.server import TOKEN, hailong
from tests.support.web import add_user, client_as, csrf_token

EXTRA = '[qr]\nask_name = true\nask_phone = true\ncontact_days = 30\nper_device = 100\nper_ip = 100\n'


@pytest.fixture
def cfg(make_config):
    cfg = make_config([("quay-1", "http://127.0.0.1:9", TOKEN)], extra=EXTRA)
    seed_roster()
    return cfg


def send(client, **fields) -> tuple[int, str]:
    token = csrf_token(client.get("/r/nv-lan").get_data(as_text=True))
    r = client.post("/r/nv-lan", data={"csrf_token": token, "o": "nv-lan", "q_q1": "4", **fields})
    return r.status_code, r.get_data(as_text=True)


def sealed() -> list[dict]:
    rows = Response.select().where(Response.kiosk_id == "qr").order_by(Response.seq)
    return [json.loads(r.body) for r in rows]


def test_the_consent_box_is_never_ticked_and_names_purpose_and_period(client):
    html = client.get("/r/nv-lan").get_data(as_text=True)
    box = html.split('name="consent"')[1].split(">")[0]
    assert 'value="1"' in box and "checked" not in box
    assert ("Tôi đồng ý để đơn vị lưu họ tên, số điện thoại này để liên hệ lại khi cần làm rõ ý kiến "
            "của Ông/Bà, trong 30 ngày rồi xóa.") in html
    assert 'name="name"' in html and 'type="tel" name="phone"' in html
    en = client.get("/r/nv-lan?lang=en").get_data(as_text=True)
    assert "I agree that the centre keeps this name and phone number" in en


def test_a_name_without_consent_is_not_taken_and_the_page_says_why(client):
    status, html = send(client, name="Nguyễn Văn Dân", phone="0912 345 678")
    assert status == 400 and "xin đánh dấu ô đồng ý" in html
    assert 'value="Nguyễn Văn Dân"' in html  # the citizen's choices are kept, to tick and send
    assert Response.select().count() == 0 and CitizenContact.select().count() == 0
    status, html = send(client, phone="12ab", consent="1")
    assert status == 400 and "Số điện thoại chưa đúng" in html
    assert Response.select().count() == 0


def test_with_consent_the_contact_is_kept_beside_the_sealed_response(client):
    assert send(client, name="Nguyễn Văn Dân", phone="0912 345 678", consent="1")[0] == 303
    assert send(client, consent="1")[0] == 303  # consent with nothing to keep: nothing kept
    chain = sealed()
    assert verify_chain(chain, 0, GENESIS_HASH) == (2, chain[-1]["hash"])
    bodies = " ".join(r.body for r in Response.select())
    assert "Nguyễn Văn Dân" not in bodies and "0912" not in bodies  # never sealed
    (kept,) = CitizenContact.select()
    assert (kept.name, kept.phone, kept.response_uuid) == ("Nguyễn Văn Dân", "0912 345 678", chain[0]["uuid"])
    assert kept.purpose == "để liên hệ lại khi cần làm rõ ý kiến của Ông/Bà"


def test_the_retention_purge_keeps_the_rating_and_the_chain(client, cfg, tmp_path):
    for name in ("Trần Thị Bình", "Lê Văn Cường"):
        assert send(client, name=name, consent="1")[0] == 303
    old = CitizenContact.get(CitizenContact.name == "Trần Thị Bình")
    old.consented_at = utcnow() - timedelta(days=31)
    old.save()
    before = sealed()
    answers = Answer.select().count()
    database.close()
    out = hailong("purge-contacts", "--config", str(cfg.path))  # the command serve runs hourly
    assert out.returncode == 0 and out.stdout.strip() == "contacts: 1 purged (left more than 30 day(s) ago)"
    assert [c.name for c in CitizenContact.select()] == ["Lê Văn Cường"]
    assert sealed() == before and Answer.select().count() == answers == 2
    assert verify_chain(before, 0, GENESIS_HASH) == (2, before[-1]["hash"])
    entry = AuditLog.get(AuditLog.action == "contact.purge")
    assert entry.actor == "system" and json.loads(entry.detail) == {"count": 1, "days": 30}
    assert contacts.purge(utcnow(), 30) == 0  # nothing more: no audit row for nothing
    assert AuditLog.select().where(AuditLog.action == "contact.purge").count() == 1
    # serve's loop purges once at start, however soon it is stopped.
    CitizenContact.update(consented_at=utcnow() - timedelta(days=40)).execute()
    RetentionLoop([("contacts", lambda now: contacts.purge(now, 30))]).start().stop()
    assert CitizenContact.select().count() == 0 and len(sealed()) == 2


def test_an_erase_on_request_is_audited_admin_only_with_csrf(app, client):
    assert send(client, name="Phạm Thị Dung", phone="0987654321", consent="1")[0] == 303
    assert send(client, name="Hoàng Văn Em", consent="1")[0] == 303
    add_user("admin", "admin"), add_user("staff", "staff")
    staff, admin = client_as(app, "staff"), client_as(app, "admin")
    assert staff.get("/qr/contacts").status_code == 403
    assert client_as(app, None).get("/qr/contacts").status_code in (302, 401)
    page = admin.get("/qr/contacts?q=0987").get_data(as_text=True)
    assert "Phạm Thị Dung" in page and "Hoàng Văn Em" not in page  # the search
    dung = CitizenContact.get(CitizenContact.name == "Phạm Thị Dung")
    url = f"/qr/contacts/{dung.id}/erase"
    staff_token = csrf_token(staff.get("/qr").get_data(as_text=True))
    assert staff.post(url, data={"csrf_token": staff_token, "confirm": "1"}).status_code == 403
    assert admin.post(url, data={"confirm": "1"}).status_code == 400  # no CSRF token
    assert admin.post(url, data={"csrf_token": csrf_token(page)}).status_code == 400  # not confirmed
    assert CitizenContact.select().count() == 2
    r = admin.post(url, data={"csrf_token": csrf_token(page), "confirm": "1"}, follow_redirects=True)
    assert r.status_code == 200
    assert "Đã xóa họ tên và số điện thoại; đánh giá vẫn được giữ." in r.get_data(as_text=True)
    assert [c.name for c in CitizenContact.select()] == ["Hoàng Văn Em"]
    assert Response.select().count() == 2 and verify_chain(sealed(), 0, GENESIS_HASH)[0] == 2
    entry = AuditLog.get(AuditLog.action == "contact.erase")
    assert (entry.actor, entry.target) == ("admin", f"contact:{dung.id}")
    assert json.loads(entry.detail) == {"response": dung.response_uuid}
    assert "Dung" not in entry.detail and "0987" not in entry.detail
    again = admin.post(url, data={"csrf_token": csrf_token(page), "confirm": "1"}, follow_redirects=True)
    assert "có thể đã được xóa" in again.get_data(as_text=True)
    log = admin.get("/admin/audit").get_data(as_text=True)
    assert "Xóa thông tin liên hệ của người dân theo yêu cầu" in log


def test_a_phone_is_refused_where_the_page_does_not_ask_one(make_config):
    cfg = make_config([("quay-1", "http://127.0.0.1:9", TOKEN)], extra="[qr]\nask_name = true\n")
    seed_roster()
    client = create_app(cfg).test_client()
    html = client.get("/r/nv-lan").get_data(as_text=True)
    assert 'name="name"' in html and 'name="phone"' not in html and 'name="consent"' in html
    status, html = send(client, phone="0912345678", consent="1")
    assert status == 400 and "Trang này không nhận số điện thoại." in html
    assert Response.select().count() == 0


@pytest.mark.parametrize("value, problem", [("0", "contact_days"), ("'x'", "contact_days"),
                                            ('"' + "x" * 201 + '"', "contact_purpose")])
def test_a_bad_contact_setting_names_the_key(tmp_path, value, problem):
    path = tmp_path / "server.toml"
    path.write_text(f'[server]\ndata_dir = "{tmp_path}"\n[qr]\n{problem} = {value}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"qr\.{problem}"):
        server_config.load(path)


def test_on_a_phone_the_box_is_ticked_by_touching_its_words(tmp_path):
    """Chromium at 360 px without JavaScript (the whole form on one page), on SQLite only: the
    database plays no part in what is checked here."""
    from tests.support.browser import chromium, screenshot
    from tests.support.qr import serving_qr

    with serving_qr(tmp_path, "", EXTRA, seed_roster) as (base, path), chromium(javascript=False) as page:
        page.goto(base + "/r/nv-lan")
        page.check('#q-q1 input[value="4"]')
        page.fill('input[name="name"]', "Nguyễn Văn Dân")
        page.fill('input[name="phone"]', "0912 345 678")
        page.click("button.qr-send")
        assert page.locator("text=xin đánh dấu ô đồng ý").is_visible()
        assert not page.locator('input[name="consent"]').is_checked()
        page.click("text=Tôi đồng ý để đơn vị lưu họ tên")  # the words, not the 24 px box
        assert page.locator('input[name="consent"]').is_checked()
        page.locator("#qr-contact").scroll_into_view_if_needed()
        screenshot(page, "qr-contact-consent")
        page.click("button.qr-send")
        assert page.locator("text=đã được ghi nhận").is_visible()
        init_db(server_config.load(path), create=False)
        (kept,) = CitizenContact.select()
        assert (kept.name, kept.phone) == ("Nguyễn Văn Dân", "0912 345 678")
        database.close()
