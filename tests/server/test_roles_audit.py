"""Roles, CSRF and the audit log, checked over the whole URL map: a new page that forgets its
login, its role or its CSRF token fails here without anyone writing a test for it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from peewee import DatabaseError

from sync_server.collect.puller import pull_kiosk
from sync_server.db import database
from sync_server.db.models import (
    Alert,
    AuditLog,
    Officer,
    User,
)
from sync_server.web import redirects
from tests.support.chains import make_chain
from tests.support.fake_kiosk import FakeKiosk
from tests.support.server import TOKEN
from tests.support.sweep import routes, state
from tests.support.web import PASSWORD, client_as, csrf_token, page

REPO = Path(__file__).resolve().parents[2]
# The citizens' QR page needs no login; it checks its own CSRF token (tests/server/test_qr.py:
# a stale form is shown again, never refused). Officer photos and the results board are public.
QR_PUBLIC = {"qr.form", "qr.submit", "qr.add", "qr.thanks", "qr.face", "qr.photo"}
# Addresses that moved answer with a redirect to the new one, which checks the login itself.
MOVED = {f"moved_{i}" for i in range(len(redirects.MOVED))}
# The hub's machine API: a commune server's bearer token, no session (tests/server/test_hub_e2e.py).
MACHINE = {"upstream.batch", "upstream.status"}
PUBLIC = {"static", "auth.login", "auth.logout", "board.board"} | QR_PUBLIC | MOVED | MACHINE
RANK = {"viewer": 0, "staff": 1, "admin": 2}


def test_every_page_declares_a_role(full_site):
    app, _users, args = full_site
    crawled = routes(app, args)
    endpoints = {e for e, _m, _u in crawled}
    assert {"staff.dashboard", "monitor.kiosks", "monitor.minute", "admin.users", "admin.audit_log",
            "admin.set_role", "monitor.resolve_alert"} <= endpoints
    for endpoint in endpoints - PUBLIC:
        assert getattr(app.view_functions[endpoint], "required_role", None) in RANK, endpoint


def test_without_a_session_every_staff_url_redirects_to_login(full_site):
    app, _users, args = full_site
    client = app.test_client()
    token = csrf_token(client.get("/login").get_data(as_text=True))  # a valid token, no login
    before = state()
    checked = 0
    for endpoint, method, url in routes(app, args):
        if endpoint in PUBLIC:
            continue
        r = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
        assert r.status_code == 302, (method, url, r.status_code)
        assert r.headers["Location"].startswith("/login?next="), (method, url)
        checked += 1
    assert checked >= 12 and state() == before


@pytest.mark.parametrize("role", [None, "admin"])
def test_every_post_without_a_csrf_token_is_refused(full_site, role):
    app, _users, args = full_site
    client = client_as(app, role)
    before = state()
    # The QR page checks its own; the hub's machine API takes a bearer token instead (401 without).
    posts = [url for e, method, url in routes(app, args) if method == "POST" and e not in QR_PUBLIC | MACHINE]
    assert len(posts) >= 7
    for url in posts:
        r = client.post(url, data={"role": "admin", "password": "x" * 20, "username": "mallory",
                                   "active": "0"})
        assert r.status_code == 400, (url, r.status_code)
        assert "Biểu mẫu đã hết hạn" in r.get_data(as_text=True)
    assert state() == before


@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_a_role_reaches_its_pages_and_nothing_above(full_site, role):
    app, _users, args = full_site
    client = client_as(app, role)
    token = csrf_token(page(client, "/"))
    before = state()
    for endpoint, method, url in routes(app, args):
        if endpoint in PUBLIC:
            continue
        needed = app.view_functions[endpoint].required_role
        if method == "GET":
            r = client.get(url)
            assert r.status_code == (200 if RANK[role] >= RANK[needed] else 403), (role, url)
        elif RANK[role] < RANK[needed]:
            r = client.post(url, data={"csrf_token": token, "role": "admin", "active": "0",
                                       "password": "y" * 20, "username": "mallory"})
            assert r.status_code == 403, (role, url)
    assert state()[0] == before[0] and state()[3] == before[3] and state()[4] == before[4]
    html = page(client, "/")
    assert ("/admin/users" in html) is False and ("/admin/audit" in html) is (role == "staff")


def test_viewer_cannot_resolve_and_sees_no_button(full_site):
    app, _users, _args = full_site
    client = client_as(app, "viewer")
    html = page(client, "/alerts")
    assert "Đánh dấu đã xử lý" not in html
    alert = Alert.get()
    r = client.post(f"/alerts/{alert.id}/resolve", data={"csrf_token": csrf_token(html)})
    assert r.status_code == 403 and "không có quyền" in r.get_data(as_text=True)
    assert not Alert.get_by_id(alert.id).resolved


def actions() -> list[tuple[str, str, str]]:
    return [(a.actor, a.action, a.target) for a in AuditLog.select().order_by(AuditLog.id)
            if a.action != "login"]


def test_every_change_is_in_the_audit_log(full_site):
    app, users, _args = full_site
    admin = client_as(app, "admin")
    token = csrf_token(page(admin, "/admin/users"))
    assert admin.post("/admin/users", data={"csrf_token": token, "username": "lan", "role": "staff",
                                            "password": "mật khẩu mới 123"}).status_code == 302
    lan = User.get(User.username == "lan")
    admin.post(f"/admin/users/{lan.id}/role", data={"csrf_token": token, "role": "viewer"})
    admin.post(f"/admin/users/{lan.id}/password", data={"csrf_token": token, "password": "khác hẳn 4567"})
    admin.post(f"/admin/users/{lan.id}/active", data={"csrf_token": token, "active": "0"})
    staff = client_as(app, "staff")
    alert = Alert.get()
    staff.post(f"/alerts/{alert.id}/resolve", data={"csrf_token": csrf_token(page(staff, "/alerts"))})
    assert Alert.get_by_id(alert.id).resolved_by == "staff"

    assert actions() == [("admin", "user.create", "lan"), ("admin", "user.role", "lan"),
                         ("admin", "user.password", "lan"), ("admin", "user.deactivate", "lan"),
                         ("staff", "alert.resolve", f"quay-1#{alert.id}")]
    rows = {a.action: a for a in AuditLog.select()}
    assert json.loads(rows["user.role"].detail) == {"from": "staff", "to": "viewer"}
    assert "khác hẳn" not in rows["user.password"].detail  # never the password
    assert rows["user.create"].ip == "127.0.0.1" and rows["user.create"].role == "admin"
    assert {a.actor for a in AuditLog.select().where(AuditLog.action == "login")} == {"admin", "staff"}
    html = page(staff, "/admin/audit")  # staff reads it
    assert html.count('data-action="') == AuditLog.select().count()
    assert client_as(app, "viewer").get("/admin/audit").status_code == 403
    # A switched-off account cannot log in any more.
    anonymous = app.test_client()
    r = anonymous.post("/login", data={"username": "lan", "password": "khác hẳn 4567",
                                       "csrf_token": csrf_token(page(anonymous, "/login"))})
    assert r.status_code == 401


def test_a_switched_off_account_loses_its_open_session(full_site):
    app, users, _args = full_site
    viewer = client_as(app, "viewer")
    assert viewer.get("/").status_code == 200
    admin = client_as(app, "admin")
    token = csrf_token(page(admin, "/admin/users"))
    admin.post(f"/admin/users/{users['viewer'].id}/active", data={"csrf_token": token, "active": "0"})
    assert viewer.get("/").status_code == 302
    r = app.test_client()
    assert r.post("/login", data={"username": "viewer", "password": PASSWORD,
                                  "csrf_token": csrf_token(page(r, "/login"))}).status_code == 401


def test_bad_admin_input_is_named_and_changes_nothing(full_site):
    app, users, _args = full_site
    admin = client_as(app, "admin")
    token = csrf_token(page(admin, "/admin/users"))
    before = state()
    for data, message in [
        ({"username": "có dấu", "role": "staff", "password": "x" * 12}, "Tên đăng nhập chỉ gồm"),
        ({"username": "ok", "role": "root", "password": "x" * 12}, "Vai trò không hợp lệ"),
        ({"username": "ok", "role": "staff", "password": "short"}, "ít nhất 10 ký tự"),
        ({"username": "viewer", "role": "staff", "password": "x" * 12}, "đã có"),
    ]:
        r = admin.post("/admin/users", data={"csrf_token": token, **data}, follow_redirects=True)
        assert r.status_code == 200 and message in r.get_data(as_text=True), data
    me = users["admin"].id  # the only admin cannot demote or switch off itself
    r = admin.post(f"/admin/users/{me}/role", data={"csrf_token": token, "role": "viewer"},
                   follow_redirects=True)
    assert "Phải còn ít nhất một quản trị" in r.get_data(as_text=True)
    r = admin.post(f"/admin/users/{me}/active", data={"csrf_token": token, "active": "0"},
                   follow_redirects=True)
    assert "Phải còn ít nhất một quản trị" in r.get_data(as_text=True)
    r = admin.post("/admin/users/99999/role", data={"csrf_token": token, "role": "staff"})
    assert r.status_code == 404
    assert state() == before


def test_the_audit_log_cannot_be_edited(full_site):
    app, _users, _args = full_site
    client_as(app, "admin")
    entry = AuditLog.get()
    with pytest.raises(DatabaseError, match="append-only"):
        with database.atomic():
            AuditLog.update(actor="someone else").where(AuditLog.id == entry.id).execute()
    with pytest.raises(DatabaseError, match="append-only"):
        with database.atomic():
            AuditLog.delete().execute()
    assert AuditLog.get_by_id(entry.id).actor == entry.actor
    assert {m for r in app.url_map.iter_rules() if r.rule.startswith("/admin/audit")
            for m in r.methods} <= {"GET", "HEAD", "OPTIONS"}


def test_command_line_changes_are_audited(full_site, make_config):
    app, _users, _args = full_site
    cfg = app.extensions["hailong"]
    for args in (["create-admin", "--username", "chu-tich", "--password-stdin"], ["seed-demo"]):
        proc = subprocess.run([sys.executable, "-m", "sync_server", *args, "--config", str(cfg.path)],
                              input="một mật khẩu dài\n", capture_output=True, text=True, cwd=REPO,
                              timeout=60)
        assert proc.returncode == 0, proc.stderr
    database.close()
    assert actions()[-2:] == [("cli", "user.create", "chu-tich"),
                              ("cli", "roster.seed_demo", "Trung tâm Phục vụ hành chính công xã Đại Lãnh")]


def test_script_in_names_is_shown_escaped(full_site):
    app, _users, _args = full_site
    evil = "<script>alert('x')</script>"
    Officer.update(name=evil, title='"><img src=x onerror=alert(1)>').where(
        Officer.code == "nv-lan").execute()
    client = client_as(app, "admin")
    html = page(client, "/")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    # A kiosk sending such a code, and a username with an angle bracket in the audit log.
    fake = FakeKiosk("quay-9", "store-z", make_chain("store-z", 1, kiosk_id="quay-9",
                                                     each=lambda s: {"officer": evil}))
    try:
        cfg = app.extensions["hailong"]
        from sync_server.config import KioskEntry

        assert pull_kiosk(KioskEntry("quay-9", fake.url, TOKEN), cfg).received == 1
    finally:
        fake.stop()
    for url in ("/", "/kiosks", "/kiosks/quay-9", "/alerts", "/minutes", "/admin/audit", "/admin/users"):
        body = page(client, url)
        assert not re.search(r"<script|<img", body), url
