"""The kiosk's LAN API over real HTTP (waitress on 127.0.0.1)."""

from __future__ import annotations

import copy

import pytest
import requests

from kiosk.api import MAX_BODY_BYTES, ApiServer, create_api
from kiosk.shared.protocol import BUILTIN_QUESTIONNAIRE, verify_chain
from tests.support.kiosk_core import rating

TOKEN = "t" * 24
AUTH = {"Authorization": f"Bearer {TOKEN}"}

ROSTER = {
    "version": 3,
    "unit": {"name": "UBND xã Đại Lãnh"},
    "fields": [{"code": "tu-phap", "name": "Tư pháp – Hộ tịch"}],
    "officers": [{"code": "nv-lan", "name": "Nguyễn Thị Lan", "title": "Công chức",
                  "fields": ["tu-phap"], "photo": None}],
    "procedures": [{"code": "1.001193", "name": "Đăng ký khai sinh", "field": "tu-phap"}],
    "questionnaire": BUILTIN_QUESTIONNAIRE,
    "kiosk": {"mode": "counter", "officers_on_duty": ["nv-lan"], "cooldown_s": 0},
}


@pytest.fixture
def api(store):
    server = ApiServer(create_api(store, kiosk_id="quay-1", token=TOKEN), "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{server.port}/api/v1"
    server.stop()


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}])
@pytest.mark.parametrize("method,path", [("get", "/status"), ("get", "/responses"),
                                         ("put", "/roster"), ("post", "/ack")])
def test_401_without_the_right_token(api, headers, method, path):
    r = requests.request(method, api + path, headers=headers, json={}, timeout=5)
    assert r.status_code == 401
    assert "token" in r.json()["error"]


def test_status(api, store):
    store.append(rating())
    s = requests.get(api + "/status", headers=AUTH, timeout=5).json()
    assert s["kiosk_id"] == "quay-1" and s["store_id"] == store.store_id
    assert s["last_seq"] == 1 and s["head_hash"] == store.head()[1]
    for key in ("version", "wall_clock", "boot_id", "uptime_ms", "roster_version", "free_disk_bytes"):
        assert key in s


def test_paging_by_after_and_limit(api, store):
    for i in range(12):
        store.append(rating(i % 5 + 1))
    page = requests.get(api + "/responses", params={"after": 0, "limit": 5}, headers=AUTH,
                        timeout=5).json()
    assert page["store_id"] == store.store_id and page["last_seq"] == 12
    assert [r["seq"] for r in page["responses"]] == [1, 2, 3, 4, 5]
    page = requests.get(api + "/responses", params={"after": 10}, headers=AUTH, timeout=5).json()
    assert [r["seq"] for r in page["responses"]] == [11, 12]
    page = requests.get(api + "/responses", params={"after": 12}, headers=AUTH, timeout=5).json()
    assert page["responses"] == []


def test_a_page_holds_the_sealed_responses_exactly_and_they_chain(api, store):
    """The page is spliced from the stored bodies (not decoded and encoded again): it must still
    be one JSON document whose responses are the sealed ones, names and all, chaining from genesis."""
    for i in range(3):
        store.append({**rating(i + 1), "name": "Nguyễn Thị \"Lan\" \u2028 ✓"})
    r = requests.get(api + "/responses", params={"after": 0}, headers=AUTH, timeout=5)
    assert r.headers["Content-Type"].startswith("application/json")
    page = r.json()
    assert page == {"store_id": store.store_id, "last_seq": 3, "responses": store.responses_after(0, 10)}
    assert page["responses"][0]["name"] == "Nguyễn Thị \"Lan\" \u2028 ✓"
    assert verify_chain(page["responses"]) == store.head()


@pytest.mark.parametrize("params,needle", [
    ({"after": "abc"}, "'after' must be an integer"),
    ({"after": "-1"}, "'after' must be between"),
    ({"limit": "0"}, "'limit' must be between 1 and 5000"),
    ({"limit": "5001"}, "'limit' must be between 1 and 5000"),
    ({"limit": "1e3"}, "'limit' must be an integer"),
])
def test_bad_paging_parameters_are_400(api, params, needle):
    r = requests.get(api + "/responses", params=params, headers=AUTH, timeout=5)
    assert r.status_code == 400
    assert needle in r.json()["error"]


def test_roster_is_validated_and_stored(api, store):
    r = requests.put(api + "/roster", json=ROSTER, headers=AUTH, timeout=5)
    assert r.status_code == 200, r.text
    assert store.roster()["version"] == 3
    bad = copy.deepcopy(ROSTER)
    bad["kiosk"]["officers_on_duty"] = ["nv-khong-co"]
    r = requests.put(api + "/roster", json=bad, headers=AUTH, timeout=5)
    assert r.status_code == 400
    assert "roster.kiosk.officers_on_duty" in r.json()["error"]
    assert store.roster()["version"] == 3  # the bad one did not replace the good one


@pytest.mark.parametrize("body,needle", [
    (b"{not json", "valid JSON"),
    (b"[1, 2]", "JSON object"),
    (b"", "valid JSON"),
])
def test_bad_json_bodies_are_400(api, body, needle):
    for method, path in (("put", "/roster"), ("post", "/ack")):
        r = requests.request(method, api + path, data=body, headers=AUTH, timeout=5)
        assert r.status_code == 400
        assert needle in r.json()["error"]


def test_body_over_one_mib_is_413(api, store):
    big = b'{"x": "' + b"a" * MAX_BODY_BYTES + b'"}'
    r = requests.put(api + "/roster", data=big, headers=AUTH, timeout=10)
    assert r.status_code == 413
    assert "larger than" in r.json()["error"]
    assert store.roster() is None


def test_ack(api, store):
    for _ in range(3):
        store.append(rating())
    r = requests.post(api + "/ack", json={"store_id": store.store_id, "seq": 2}, headers=AUTH,
                      timeout=5)
    assert r.status_code == 200 and r.json()["acked_seq"] == 2
    r = requests.post(api + "/ack", json={"store_id": "other", "seq": 2}, headers=AUTH, timeout=5)
    assert r.status_code == 409 and "store_id" in r.json()["error"]
    r = requests.post(api + "/ack", json={"store_id": store.store_id, "seq": 9}, headers=AUTH,
                      timeout=5)
    assert r.status_code == 400 and "beyond the last stored seq 3" in r.json()["error"]
    r = requests.post(api + "/ack", json={"store_id": store.store_id, "seq": "2"}, headers=AUTH,
                      timeout=5)
    assert r.status_code == 400 and "'seq'" in r.json()["error"]
    assert store.acked_seq() == 2


def test_unknown_path_is_json_404(api):
    r = requests.get(api + "/nope", headers=AUTH, timeout=5)
    assert r.status_code == 404 and "error" in r.json()
