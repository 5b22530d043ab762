"""Officer photos at the province hub (issue 15): a photo an admin marked for public display
goes up with the roster snapshot of a real `push --once` to a real hub process; a photo not
marked public never leaves the commune; withdrawn, the hub's copy goes; a photo that does not
match its hash is refused with the field named."""

from __future__ import annotations

import base64
import io
import json
from datetime import date

import pytest
import requests
from PIL import Image

from sync_server import config as server_config
from sync_server.app import create_app
from sync_server.db import database
from sync_server.db.models import DownstreamRoster, Officer
from sync_server.roster import photos
from sync_server.upstream import photos_up, snapshot
from tests.support.chains import make_chain
from tests.support.fake_kiosk import FakeKiosk
from tests.support.hub import TOKENS, cli, commune_toml, open_db, raw_batch, running_hub
from tests.support.images import image, mark_photo_public, upload_photo
from tests.support.web import add_user, client_as

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


def test_only_a_photo_marked_public_goes_up_and_goes_when_withdrawn(tmp_path, hub):
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
        got = photos_up.hub_photo(hub_cfg.data_dir, "xa-a", "nv-lan")
        assert got is not None and Image.open(io.BytesIO(got)).size == (400, 300)
        assert photos_up.hub_photo(hub_cfg.data_dir, "xa-a", "nv-hung") is None
        assert hub_officer(hub.config, "nv-lan")["photo_sha256"] == lan.photo_sha256
        assert "photo_jpeg" not in hub_officer(hub.config, "nv-lan")  # kept apart, not in the roster row
        assert "photo_sha256" not in hub_officer(hub.config, "nv-hung")

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
        assert photos_up.hub_photo(hub_cfg.data_dir, "xa-a", "nv-lan") is None
        assert "photo_sha256" not in hub_officer(hub.config, "nv-lan")
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
    assert photos_up.hub_photo(hub_cfg.data_dir, "xa-a", "nv-lan") is not None
    # nv-lan no longer in the commune's roster: the hub's copy goes.
    assert post([{"code": "nv-hung", "name": "Hùng"}], chain[1:]).status_code == 200
    assert photos_up.hub_photo(hub_cfg.data_dir, "xa-a", "nv-lan") is None

    r = post([{**lan, "photo_sha256": "0" * 64}], chain[1:])
    assert r.status_code == 400, r.text
    assert "roster.officer[0].photo_jpeg" in r.text
    assert photos_up.hub_photo(hub_cfg.data_dir, "xa-a", "nv-lan") is None
