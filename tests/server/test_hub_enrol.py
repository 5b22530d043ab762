"""Enrolling a commune server on the hub's page (docs/hub.md): the token is shown once, only its
SHA-256 is kept, it lets that commune push, a revoked one is refused; admins only; audited."""

from __future__ import annotations

import hashlib
import re

from kiosk.shared import pairing
from sync_server.app import create_app
from sync_server.db.models import AuditLog, Downstream
from tests.support.web import add_user, csrf_token, login, page

CONFIGURED = '[[downstream]]\nid = "xa-a"\nname = "Xã A"\ntoken = "token-of-xa-a-0123456789"\n'


def status(app, token: str) -> int:
    return app.test_client().get("/api/v1/upstream/status",
                                 headers={"Authorization": f"Bearer {token}"}).status_code


def test_an_admin_enrols_a_commune_its_token_is_shown_once_and_works_until_revoked(make_config):
    cfg = make_config(extra=CONFIGURED)
    app = create_app(cfg)
    add_user()
    add_user("staff", role="staff")
    client = app.test_client()
    login(client)
    form = {"csrf_token": csrf_token(page(client, "/province")), "server_id": "phuong-moi",
            "name": "Trung tâm Phục vụ hành chính công phường Mới"}
    r = client.post("/province/enrol", data=form)
    assert r.status_code == 200
    html = r.get_data(as_text=True)
    token = re.search(r'token = "([^"]+)"', html).group(1)
    assert len(token) >= 32 and 'server_id = "phuong-moi"' in html
    # The same three things as one pairing code (kiosk.shared.pairing's format).
    code = re.search(r"<pre data-pairing>(hl1-[a-z2-7]+)</pre>", html).group(1)
    assert pairing.decode(code) == pairing.Pairing("phuong-moi", "http://localhost", token)

    assert status(app, token) == 200
    assert status(app, token[:-1] + ("x" if token[-1] != "x" else "y")) == 401
    row = Downstream.get_by_id("phuong-moi")
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest() and row.enrolled_by == "admin"
    stored = [str(v) for v in row.__data__.values()] + [a.detail for a in AuditLog.select()]
    assert not any(token in v for v in stored)  # never in clear: not in the row, not in the audit
    assert token not in page(client, "/province")  # shown once
    assert 'id="unit-phuong-moi"' in page(client, "/province")

    for server_id, problem in (("phuong-moi", "đã được ghi danh"), ("xa-a", "server.toml"),
                               ("xã mới", "chữ không dấu")):
        r = client.post("/province/enrol", data={**form, "server_id": server_id})
        assert r.status_code == 400 and problem in r.get_data(as_text=True), server_id
    assert Downstream.get_by_id("phuong-moi").token_sha256 == row.token_sha256  # unchanged

    staff = app.test_client()
    login(staff, "staff")
    staff_form = {**form, "server_id": "xa-khac", "csrf_token": csrf_token(page(staff, "/province"))}
    assert staff.post("/province/enrol", data=staff_form).status_code == 403
    assert Downstream.get_or_none(Downstream.id == "xa-khac") is None

    r = client.post("/province/phuong-moi/revoke", data={"csrf_token": form["csrf_token"]})
    assert r.status_code == 302 and status(app, token) == 401
    assert status(app, "token-of-xa-a-0123456789") == 200  # the configured one is untouched
    actions = [(a.action, a.target) for a in AuditLog.select().order_by(AuditLog.id)
               if a.action.startswith("downstream.")]
    assert actions == [("downstream.enrol", "phuong-moi"), ("downstream.revoke", "phuong-moi")]
