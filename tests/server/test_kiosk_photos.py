"""Officers' photos reach the kiosks, and a counter's kiosk settings reach its kiosk: through the
roster pages, the roster and a real pull of a real kiosk API (store and waitress on 127.0.0.1).

A photo goes to the kiosks only once an admin marked it for public display (audited, with who
and when); it is sent once, by content hash; withdrawing it takes it off the kiosk's card."""

from __future__ import annotations

import hashlib

import pytest

from kiosk.shared.protocol import roster_photos
from sync_server.app import create_app
from sync_server.collect.puller import pull_kiosk
from sync_server.db.models import AuditLog, Officer
from sync_server.roster.build import build_roster, current_version
from tests.support.images import image, mark_photo_public, upload_photo
from tests.support.web import add_user, client_as, csrf_token, page


@pytest.fixture
def office(make_config, make_kiosk):
    kiosk = make_kiosk("quay-1")
    cfg = make_config([kiosk.entry()])
    app = create_app(cfg)
    add_user("admin", "admin")
    add_user("xem", "viewer")
    admin = client_as(app, "admin")
    for url, data in (("/roster/fields", {"code": "tu-phap", "name": "Tư pháp – Hộ tịch"}),
                      ("/roster/officers", {"code": "nv-lan", "name": "Nguyễn Thị Lan", "active": "1",
                                            "fields": ["tu-phap"]}),
                      ("/roster/officers", {"code": "nv-hung", "name": "Trần Văn Hùng", "active": "1"}),
                      ("/roster/counters", {"code": "quay-a", "name": "Quầy Một cửa số 1",
                                            "kiosk_id": "quay-1", "mode": "shared",
                                            "officers": ["nv-lan", "nv-hung"]})):
        r = admin.post(url, data={"csrf_token": csrf_token(page(admin, "/roster")), **data})
        assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return cfg, app, admin, kiosk


def kiosk_photos(kiosk) -> dict[str, bytes]:
    folder = kiosk.store.path.parent / "photos"
    return {p.stem: p.read_bytes() for p in folder.glob("*.jpg")} if folder.is_dir() else {}


def test_a_public_photo_is_sent_to_the_kiosk_once_and_withdrawn_with_its_permission(office):
    cfg, app, admin, kiosk = office
    assert upload_photo(admin, "nv-lan", image("JPEG", (800, 600)), "lan.jpg").status_code == 302
    officer = Officer.get_by_id("nv-lan")
    stored = (cfg.data_dir / "photos" / officer.photo_file).read_bytes()
    assert officer.photo_sha256 == hashlib.sha256(stored).hexdigest() and not officer.photo_public

    # Not public: the QR page draws initials, the roster names no photo, the kiosk gets none.
    phone = app.test_client()
    assert phone.get("/r/photo/nv-lan").mimetype == "image/svg+xml"
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert r.status == "ok", r.message
    assert roster_photos(kiosk.store.roster()) == {} and kiosk_photos(kiosk) == {}

    # A viewer may not allow it; an admin may, and the audit log and the page say who and when.
    viewer = client_as(app, "xem")
    assert mark_photo_public(viewer, "nv-lan").status_code == 403
    version = current_version()
    assert mark_photo_public(admin, "nv-lan").status_code == 302
    assert current_version() == version + 1
    entry = AuditLog.get(AuditLog.action == "officer.photo_public")
    assert (entry.actor, entry.target) == ("admin", "nv-lan")
    assert Officer.get_by_id("nv-lan").photo_public_by == "admin"
    assert "cho phép bởi admin lúc" in page(admin, "/roster/officers/nv-lan")

    assert phone.get("/r/photo/nv-lan").data == stored
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert r.status == "ok" and "1 officer photo(s) sent" in r.message, r.message
    sha = hashlib.sha256(stored).hexdigest()
    assert roster_photos(kiosk.store.roster()) == {"nv-lan": sha}
    assert kiosk_photos(kiosk) == {sha: stored}
    # Held: the next pull sends nothing again.
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert r.status == "ok" and "photo" not in r.message, r.message

    # A photo lost on the card (a re-imaged card keeps its store, not the photos): sent again.
    (kiosk.store.path.parent / "photos" / f"{sha}.jpg").unlink()
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert "1 officer photo(s) sent" in r.message and kiosk_photos(kiosk) == {sha: stored}

    # Withdrawn: the roster drops it and the kiosk's card lets it go.
    assert mark_photo_public(admin, "nv-lan", public=False).status_code == 302
    assert build_roster("quay-1", cfg)["officers"][0]["photo"] is None
    assert AuditLog.select().where(AuditLog.action == "officer.photo_private").count() == 1
    pull_kiosk(cfg.kiosks[0], cfg)
    assert roster_photos(kiosk.store.roster()) == {}
    kiosk.store.save_roster({**kiosk.store.roster(), "version": kiosk.store.roster()["version"] + 1})
    pull_kiosk(cfg.kiosks[0], cfg)  # the server's roster again: neither the old nor it names the photo
    assert kiosk_photos(kiosk) == {}


def test_a_counters_procedure_question_and_month_figures_reach_its_kiosk(office):
    cfg, _app, admin, kiosk = office
    pull_kiosk(cfg.kiosks[0], cfg)
    assert kiosk.store.roster()["kiosk"] == {"mode": "shared", "officers_on_duty": ["nv-lan", "nv-hung"],
                                             "ask_procedure": False, "show_stats": False}
    form = page(admin, "/roster?counter=quay-a")
    assert 'name="ask_procedure" value="1">' in form  # the edit form is filled, unticked
    assert 'value="nv-hung" checked' in form and 'value="shared" selected' in form
    r = admin.post("/roster/counters", data={
        "csrf_token": csrf_token(form), "code": "quay-a", "name": "Quầy Một cửa số 1", "kiosk_id": "quay-1",
        "mode": "shared", "officers": ["nv-lan", "nv-hung"], "ask_procedure": "1", "show_stats": "1"})
    assert r.status_code == 302
    assert 'name="ask_procedure" value="1" checked' in page(admin, "/roster?counter=quay-a")
    result = pull_kiosk(cfg.kiosks[0], cfg)
    assert result.roster_pushed == current_version()
    settings = kiosk.store.roster()["kiosk"]
    assert settings["ask_procedure"] is True and settings["show_stats"] is True
