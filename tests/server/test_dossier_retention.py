"""Dossier codes as personal data (issue 14; Law 91/2025): a retention period ([dossier] days)
after which the server deletes a rating's dossier code while the rating stays and the chain keeps
verifying, and an audited erase of one dossier's links on request, found by the code, from an
admin's page with CSRF and a confirmation; the per-dossier CSV then no longer lists it. The audit
log never keeps the code. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from kiosk.shared.configfile import ConfigError
from kiosk.shared.protocol import GENESIS_HASH, verify_chain
from sync_server import config as server_config
from sync_server.app import create_app
from sync_server.db import database
from sync_server.db.models import Answer, AuditLog, DossierLink, Response, utcnow
from sync_server.ops.retention import RetentionLoop
from sync_server.reports import dossier_links
from tests.support.qr import seed_roster
from tests.support.server import TOKEN, hailong
from tests.support.web import add_user, client_as, csrf_token

A, B = "000.00.32.H56-251203-0001", "000.00.32.H56-251203-0002"
EXTRA = '[qr]\nask_dossier = true\nper_device = 100\nper_ip = 100\n[dossier]\ndays = 30\n'


@pytest.fixture
def cfg(make_config):
    """Three QR ratings: two linked to dossier A (the citizen rated twice), one to B."""
    cfg = make_config([("quay-1", "http://127.0.0.1:9", TOKEN)], extra=EXTRA)
    seed_roster()
    phone = create_app(cfg).test_client()
    for code, score in ((A, "2"), (B, "5"), (A.lower(), "4")):
        token = csrf_token(phone.get("/r/nv-lan").get_data(as_text=True))
        r = phone.post("/r/nv-lan", data={"csrf_token": token, "o": "nv-lan", "q_q1": score, "dossier": code})
        assert r.status_code == 303
    return cfg


def sealed() -> list[dict]:
    return [json.loads(r.body) for r in Response.select().order_by(Response.seq)]


def exported(client) -> list[str]:
    """The dossier codes the per-dossier CSV lists for today."""
    day = Response.get().local_date
    text = client.get(f"/reports/dossiers?start={day}&end={day}&fmt=csv").get_data().decode("utf-8-sig")
    return [row[0] for row in list(csv.reader(io.StringIO(text)))[1:]]


def test_the_retention_purge_keeps_the_rating_and_the_chain(cfg, app):
    assert cfg.dossier_days == 30
    b = DossierLink.get(DossierLink.code == B)
    DossierLink.update(linked_at=utcnow() - timedelta(days=31)).where(DossierLink.id == b.id).execute()
    before, answers = sealed(), Answer.select().count()
    database.close()
    out = hailong("purge-dossiers", "--config", str(cfg.path))  # what serve runs hourly
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "dossier codes: 1 purged (stored more than 30 day(s) ago)"
    assert sorted(d.code for d in DossierLink.select()) == [A, A]
    assert sealed() == before and Answer.select().count() == answers == 3
    assert verify_chain(before, 0, GENESIS_HASH) == (3, before[-1]["hash"])
    entry = AuditLog.get(AuditLog.action == "dossier.purge")
    assert entry.actor == "system" and json.loads(entry.detail) == {"count": 1, "days": 30}
    assert dossier_links.purge(utcnow(), 30) == 0  # nothing more: no audit row for nothing
    assert AuditLog.select().where(AuditLog.action == "dossier.purge").count() == 1
    add_user("staff", "staff")
    staff = client_as(app, "staff")
    assert exported(staff) == [A, A]
    # The export purges before it reads: a code past its period is never handed out.
    first = DossierLink.select().order_by(DossierLink.id).first()
    late = utcnow() - timedelta(days=30, minutes=1)
    DossierLink.update(linked_at=late).where(DossierLink.id == first.id).execute()
    assert exported(staff) == [A]
    # serve's loop purges once at start, however soon it is stopped.
    DossierLink.update(linked_at=utcnow() - timedelta(days=40)).execute()
    RetentionLoop([("dossier codes", lambda now: dossier_links.purge(now, 30))]).start().stop()
    assert DossierLink.select().count() == 0 and sealed() == before


def test_an_erase_on_request_is_found_by_the_code_audited_admin_only_with_csrf(cfg, app):
    add_user("admin", "admin"), add_user("staff", "staff")
    staff, admin = client_as(app, "staff"), client_as(app, "admin")
    url = "/reports/dossiers/erase"
    assert staff.get(url).status_code == 403
    assert client_as(app, None).get(url).status_code in (302, 401)
    form = admin.get(url).get_data(as_text=True)
    token = csrf_token(form)
    assert admin.post(url, data={"step": "find", "code": A}).status_code == 400  # no CSRF token
    r = admin.post(url, data={"csrf_token": token, "step": "find", "code": "  " + A.lower()})
    found = r.get_data(as_text=True)
    assert r.status_code == 200 and found.count("<tr><td>") == 2
    assert "Xác nhận xóa mã hồ sơ khỏi 2 lượt" in found
    staff_token = csrf_token(staff.get("/reports/dossiers").get_data(as_text=True))
    erase = {"csrf_token": token, "step": "erase", "code": A, "confirm": "1"}
    assert staff.post(url, data={**erase, "csrf_token": staff_token}).status_code == 403
    assert admin.post(url, data={**erase, "confirm": ""}).status_code == 400  # not confirmed
    assert DossierLink.select().count() == 3
    r = admin.post(url, data=erase, follow_redirects=True)
    assert "Đã xóa mã hồ sơ khỏi 2 lượt đánh giá; các đánh giá vẫn được giữ." in r.get_data(as_text=True)
    assert [d.code for d in DossierLink.select()] == [B]
    assert Response.select().count() == 3 and verify_chain(sealed(), 0, GENESIS_HASH)[0] == 3
    entry = AuditLog.get(AuditLog.action == "dossier.erase")
    detail = json.loads(entry.detail)
    assert (entry.actor, entry.target, detail["count"]) == ("admin", "dossier-links:2", 2)
    assert sorted(detail["responses"]) == sorted(s["uuid"] for s in sealed() if s["answers"]["q1"] != 5)
    assert "H56" not in entry.detail + entry.target  # the log never keeps the code it erased
    assert exported(admin) == [B]
    again = admin.post(url, data=erase)
    assert again.status_code == 400 and "có thể đã được xóa" in again.get_data(as_text=True)
    none = admin.post(url, data={"csrf_token": token, "step": "find", "code": A}).get_data(as_text=True)
    assert 'id="dossier-none"' in none
    empty = admin.post(url, data={"csrf_token": token, "step": "find", "code": " "})
    assert empty.status_code == 400 and "Xin nhập mã hồ sơ cần xóa." in empty.get_data(as_text=True)
    assert "Xóa mã hồ sơ gắn với đánh giá theo yêu cầu" in admin.get("/admin/audit").get_data(as_text=True)
    english = admin.post(url + "?lang=en", data={"csrf_token": token, "step": "find", "code": B})
    assert "Confirm erasing the dossier code from 1 rating" in english.get_data(as_text=True)


@pytest.mark.parametrize("value", ["0", "3651", "'x'"])
def test_a_bad_retention_setting_names_the_key(tmp_path, value):
    path = tmp_path / "server.toml"
    path.write_text(f'[server]\ndata_dir = "{tmp_path}"\n[dossier]\ndays = {value}\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"dossier\.days"):
        server_config.load(path)
