"""Officers' photos on the kiosk's card: kept only when the bytes hash to the name, are a small
JPEG and are named by the stored roster; listed as missing in the status until the server sends
them; pruned when no roster names them; a schema-1 roster (no photos) still works."""

from __future__ import annotations

import copy
import hashlib

import pytest
import requests

from kiosk.api import ApiServer, create_api
from kiosk.photos import PhotoStore
from kiosk.shared.exc import PhotoRefused, ProtocolError
from kiosk.shared.protocol import MAX_PHOTO_BYTES, roster_photos, validate_roster

TOKEN = "t" * 24
JPEG = b"\xff\xd8\xff\xe0" + b"a photo of an officer" * 50
SHA = hashlib.sha256(JPEG).hexdigest()
OTHER = b"\xff\xd8\xff\xe0" + b"another officer" * 50
OTHER_SHA = hashlib.sha256(OTHER).hexdigest()


def photo(data: bytes | None) -> dict | None:
    return {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)} if data else None


def roster(version: int, photos: dict[str, bytes | None], schema: int | None = 2) -> dict:
    doc = {
        "version": version,
        "unit": {"name": "Trung tâm Phục vụ hành chính công xã Đại Lãnh"},
        "fields": [],
        "officers": [{"code": code, "name": code.upper(), "fields": [], "photo": photo(data)}
                     for code, data in photos.items()],
        "procedures": [],
        "questionnaire": {"id": "overall", "version": 1,
                          "questions": [{"code": "q1", "text": {"vi": "Ông/Bà hài lòng?"}}], "reasons": []},
        "kiosk": {"mode": "shared", "officers_on_duty": []},
    }
    if schema is not None:
        doc["schema"] = schema
    return doc


def test_a_photo_is_kept_only_when_it_is_what_its_name_says(tmp_path):
    photos = PhotoStore(tmp_path / "photos")
    with pytest.raises(PhotoRefused, match="do not hash"):
        photos.put(SHA, OTHER)
    with pytest.raises(PhotoRefused, match="must be a JPEG"):
        png = b"\x89PNG\r\n" + b"x" * 100
        photos.put(hashlib.sha256(png).hexdigest(), png)
    big = b"\xff\xd8\xff" + b"x" * MAX_PHOTO_BYTES
    with pytest.raises(PhotoRefused, match="at most"):
        photos.put(hashlib.sha256(big).hexdigest(), big)
    with pytest.raises(PhotoRefused, match="SHA-256"):
        photos.put("../../etc/passwd", JPEG)
    assert photos.held() == set()
    assert photos.put(SHA, JPEG) is True and photos.put(SHA, JPEG) is False  # once
    assert photos.path(SHA).read_bytes() == JPEG
    assert photos.missing([SHA, OTHER_SHA]) == [OTHER_SHA]


def test_prune_keeps_what_a_roster_names_and_drops_half_written_files(tmp_path):
    photos = PhotoStore(tmp_path / "photos")
    photos.put(SHA, JPEG)
    photos.put(OTHER_SHA, OTHER)
    (tmp_path / "photos" / f".{SHA}.123.tmp").write_bytes(JPEG[:10])  # a power cut mid-write
    assert photos.prune({SHA}) == 2
    assert photos.held() == {SHA}
    assert sorted(p.name for p in (tmp_path / "photos").iterdir()) == [f"{SHA}.jpg"]


def test_roster_schema_2_names_photos_by_hash_and_schema_1_still_validates():
    validate_roster(roster(1, {"nv-lan": JPEG, "nv-hung": None}))
    assert roster_photos(roster(1, {"nv-lan": JPEG, "nv-hung": None})) == {"nv-lan": SHA}
    old = roster(1, {"nv-lan": None}, schema=None)
    old["officers"][0]["photo"] = "nv-lan-3f2a.jpg"  # what servers before schema 2 sent
    validate_roster(old)
    assert roster_photos(old) == {}
    bad = roster(1, {"nv-lan": JPEG})
    bad["officers"][0]["photo"]["sha256"] = "nv-lan.jpg"
    with pytest.raises(ProtocolError, match=r"roster.officers\[0\].photo.sha256"):
        validate_roster(bad)
    bad = copy.deepcopy(roster(1, {"nv-lan": JPEG}))
    bad["officers"][0]["photo"]["bytes"] = MAX_PHOTO_BYTES + 1
    with pytest.raises(ProtocolError, match=r"roster.officers\[0\].photo.bytes"):
        validate_roster(bad)


@pytest.fixture
def api(store):
    server = ApiServer(create_api(store, kiosk_id="quay-1", token=TOKEN), "127.0.0.1", 0).start()
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    yield f"http://127.0.0.1:{server.port}/api/v1", session, store
    server.stop()


def test_the_api_lists_missing_photos_and_takes_only_those_of_the_stored_roster(api):
    base, http, store = api
    assert http.get(base + "/status").json()["photos_missing"] == []
    r = http.put(base + f"/photos/{SHA}", data=JPEG)
    assert r.status_code == 409 and "not named by the stored roster" in r.json()["error"]
    assert http.put(base + "/roster", json=roster(1, {"nv-lan": JPEG, "nv-mai": OTHER})).status_code == 200
    assert http.get(base + "/status").json()["photos_missing"] == sorted([SHA, OTHER_SHA])
    r = http.put(base + f"/photos/{SHA}", data=OTHER)
    assert r.status_code == 400 and "do not hash" in r.json()["error"]
    assert requests.put(base + f"/photos/{SHA}", data=JPEG).status_code == 401  # no token
    r = http.put(base + f"/photos/{SHA}", data=JPEG)
    assert r.status_code == 201 and r.json()["new"] is True
    assert http.put(base + f"/photos/{SHA}", data=JPEG).status_code == 200  # again: nothing new
    assert http.get(base + "/status").json()["photos_missing"] == [OTHER_SHA]
    assert http.get(base + "/photos").json() == {"photos": [SHA]}
    photo_dir = store.path.parent / "photos"
    assert (photo_dir / f"{SHA}.jpg").read_bytes() == JPEG
    # A roster that no longer names nv-lan's photo: kept while the old roster may be on screen,
    # dropped once neither names it.
    http.put(base + "/roster", json=roster(2, {"nv-lan": None, "nv-mai": OTHER}))
    assert (photo_dir / f"{SHA}.jpg").exists()
    http.put(base + "/roster", json=roster(3, {"nv-lan": None, "nv-mai": OTHER}))
    assert not (photo_dir / f"{SHA}.jpg").exists()
