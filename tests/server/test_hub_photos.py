"""Officer photos at the province hub (issue 15): a photo an admin marked for public display
goes up with the roster snapshot of a real `push --once` to a real hub process; a photo not
marked public never leaves the commune; withdrawn, the hub's copy goes; a photo that does not
match its hash is refused with the field named."""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import date

import pytest
import requests
from PIL import Image

from sync_server import config as server_config
from sync_server.app import create_app
from sync_server.db import database
from sync_server.db.models import DownstreamRoster, Officer, User
from sync_server.roster import photos
from sync_server.upstream import photos_up, snapshot
from tests.support.browser import screenshot
from tests.support.chains import make_chain
from tests.support.fake_kiosk import FakeKiosk
from tests.support.hub import TOKENS, cli, commune_toml, open_db, raw_batch, running_hub
from tests.support.images import image, mark_photo_public, upload_photo
from tests.support.serving import browser_login
from tests.support.web import PASSWORD, add_user, client_as, csrf_token

pytestmark = pytest.mark.e2e


@pytest.fixture
def hub(tmp_path):
    yield from running_hub(tmp_path)


def push(path) -> None:
    done = cli("push", "--once", "--config", str(path))
    assert done.returncode == 0, done.stdout + done.stderr


def hub_officer(hub_cfg, code: str) -> dict:
    open_db(hub_cfg)
    return json.loads(DownstreamRoster.get((DownstreamRoster.server_id == "xa-a")
                                           & (DownstreamRoster.kind == "officer")
                                           & (DownstreamRoster.code == code)).data)


def hub_session(hub) -> requests.Session:
    """A staff member logged in to the real hub process through its login form."""
    open_db(hub.config)
    if not User.select().where(User.username == "staff").exists():
        add_user("staff", "staff")
    database.close()
    session = requests.Session()
    token = csrf_token(session.get(hub.base + "/login", timeout=30).text)
    r = session.post(hub.base + "/login", data={"username": "staff", "password": PASSWORD,
                                                "csrf_token": token}, allow_redirects=False, timeout=30)
    assert r.status_code == 302, r.text
    return session


def drill_photos(session: requests.Session, hub) -> dict[str, bytes]:
    """The photos the hub's drill-down into xa-a's officers shows: {officer: the image served}."""
    page = session.get(hub.base + "/reports", params={"by": "officer", "unit": "xa-a"}, timeout=30)
    assert page.status_code == 200
    shown = {}
    for src, code in re.findall(r'<img src="([^"]+)"[^>]*data-officer="([^"]+)"', page.text):
        got = session.get(hub.base + src.replace("&amp;", "&"), timeout=30)
        assert got.status_code == 200 and got.headers["Content-Type"] == "image/jpeg"
        assert "no-store" in got.headers["Cache-Control"]
        shown[code] = got.content
    return shown


def photo_url(hub, officer: str) -> str:
    return f"{hub.base}/province/xa-a/officers/{officer}/photo.jpg"


def test_only_a_photo_marked_public_goes_up_and_goes_when_withdrawn(tmp_path, hub, browser_page):
    kiosk = FakeKiosk("quay-1", "store-a1", make_chain("store-a1", 3, kiosk_id="quay-1"))
    try:
        a = commune_toml(tmp_path / "xa-a.toml", "xa-a", hub.base, {"quay-1": kiosk.url})
        assert cli("seed-demo", "--config", str(a)).returncode == 0
        cfg = open_db(a)
        add_user("admin", "admin")
        admin = client_as(create_app(cfg), "admin")
        for code, size in (("nv-lan", (800, 600)), ("nv-hung", (640, 640))):
            assert upload_photo(admin, code, image("JPEG", size), f"{code}.jpg").status_code == 302
        assert mark_photo_public(admin, "nv-lan").status_code == 302  # nv-hung's stays private
        lan, hung = Officer.get_by_id("nv-lan"), Officer.get_by_id("nv-hung")
        hung_bytes = (cfg.data_dir / "photos" / hung.photo_file).read_bytes()
        # What the first batch carries: nv-lan's photo and hash; nothing of nv-hung's.
        sent, attached = photos_up.attach(snapshot.roster(cfg.unit_name), cfg.data_dir,
                                          date.today())
        entries = {e["code"]: e for e in sent["officer"]}
        assert attached == {"nv-lan": lan.photo_sha256}
        assert "photo_jpeg" in entries["nv-lan"] and entries["nv-lan"]["photo_sha256"] == lan.photo_sha256
        assert not {"photo_jpeg", "photo_sha256"} & set(entries["nv-hung"])
        assert base64.b64encode(hung_bytes).decode() not in json.dumps(sent)
        database.close()

        push(a)
        hub_cfg = server_config.load(hub.config)
        got = photos.hub_photo(hub_cfg.data_dir, "xa-a", "nv-lan")
        assert got is not None and Image.open(io.BytesIO(got)).size == (400, 300)
        assert photos.hub_photo(hub_cfg.data_dir, "xa-a", "nv-hung") is None
        assert hub_officer(hub.config, "nv-lan")["photo_sha256"] == lan.photo_sha256
        assert "photo_jpeg" not in hub_officer(hub.config, "nv-lan")  # kept apart, not in the roster row
        assert "photo_sha256" not in hub_officer(hub.config, "nv-hung")

        # The hub's drill-down into the commune's officers shows the public photo, served by the
        # hub (its own copy), to staff only; never the private one.
        staff = hub_session(hub)
        assert drill_photos(staff, hub) == {"nv-lan": got}
        assert staff.get(photo_url(hub, "nv-hung"), timeout=30).status_code == 404
        # A file in the hub's folder is not enough: the commune's snapshot must mark it public.
        stray = photos.hub_dir(hub_cfg.data_dir, "xa-a") / "nv-hung.jpg"
        stray.write_bytes(got)
        assert drill_photos(staff, hub) == {"nv-lan": got}
        assert staff.get(photo_url(hub, "nv-hung"), timeout=30).status_code == 404
        stray.unlink()
        # In Chromium: the photo drawn beside the officers' table (test-output/web/ to look at).
        browser_login(browser_page, hub.base, "staff", PASSWORD)
        browser_page.goto(hub.base + "/reports?by=officer&unit=xa-a")
        drawn = browser_page.locator("#officer-photos img[data-officer=nv-lan]")
        assert drawn.evaluate("img => img.complete && img.naturalWidth") == 400
        screenshot(browser_page, "issue15-hub-officer-photos")
        anonymous = requests.get(photo_url(hub, "nv-lan"), allow_redirects=False, timeout=30)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

        # Sent once a day: the next push carries the hash only.
        open_db(a)
        again, attached = photos_up.attach(snapshot.roster(cfg.unit_name), cfg.data_dir,
                                           date.today())
        assert attached == {} and "photo_jpeg" not in json.dumps(again)

        # Withdrawn at the commune: the hub's copy goes with the next push.
        admin = client_as(create_app(cfg), "admin")
        assert mark_photo_public(admin, "nv-lan", public=False).status_code == 302
        database.close()
        push(a)
        assert photos.hub_photo(hub_cfg.data_dir, "xa-a", "nv-lan") is None
        assert "photo_sha256" not in hub_officer(hub.config, "nv-lan")
        assert drill_photos(staff, hub) == {}  # gone from the hub's pages too
        browser_page.reload()
        assert browser_page.locator("#officer-photos").count() == 0
        assert staff.get(photo_url(hub, "nv-lan"), timeout=30).status_code == 404
        database.close()
    finally:
        kiosk.stop()


def test_by_hand_a_photo_that_does_not_match_its_hash_is_refused_and_one_no_longer_listed_goes(hub):
    hub_cfg = server_config.load(hub.config)
    data = image("JPEG", (100, 100))
    chain = make_chain("store-x", 2, kiosk_id="quay-1")

    def post(officers: list, responses: list):
        batch = raw_batch("xa-a", responses)
        batch["roster"] = {"officer": officers}
        return requests.post(hub.base + "/api/v1/upstream/batch", json=batch,
                             headers={"Authorization": f"Bearer {TOKENS['xa-a']}"}, timeout=30)

    lan = {"code": "nv-lan", "name": "Lan", "photo_sha256": photos.sha256(data),
           "photo_jpeg": base64.b64encode(data).decode()}
    assert post([lan], chain[:1]).status_code == 200
    assert photos.hub_photo(hub_cfg.data_dir, "xa-a", "nv-lan") is not None
    # nv-lan no longer in the commune's roster: the hub's copy goes.
    assert post([{"code": "nv-hung", "name": "Hùng"}], chain[1:]).status_code == 200
    assert photos.hub_photo(hub_cfg.data_dir, "xa-a", "nv-lan") is None

    r = post([{**lan, "photo_sha256": "0" * 64}], chain[1:])
    assert r.status_code == 400, r.text
    assert "roster.officer[0].photo_jpeg" in r.text
    assert photos.hub_photo(hub_cfg.data_dir, "xa-a", "nv-lan") is None
