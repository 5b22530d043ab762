"""The puller's checks of one page (sync_server.collect.checks), pure: what a refusal says names
the place that failed, although the place is now put into words only for a response that fails;
and the stored body is exactly the canonical JSON the hash is taken over."""

from __future__ import annotations

import json

import pytest

from kiosk.shared.protocol import canonical_json, canonical_text, seal
from sync_server.collect.checks import check_page, verify_page
from sync_server.exc import Refused

STORE = "store-a"


def _page(n: int = 4, after: int = 10) -> dict:
    chain, prev = [], "a" * 64
    for seq in range(after + 1, after + n + 1):
        r = {"store_id": STORE, "seq": seq, "uuid": f"u-{seq}", "kiosk_id": "quay-1", "officer": "nv-lan",
             "procedure": None, "questionnaire": "overall", "questionnaire_version": 1,
             "answers": {"q1": 4}, "reasons": ["Đúng hẹn"], "channel": "button", "partial": False,
             "flags": [], "recorded_at": "2026-11-22T09:43:20.500+07:00", "boot_id": "b",
             "uptime_ms": seq * 1000}
        chain.append(seal(r, prev))
        prev = chain[-1]["hash"]
    return {"store_id": STORE, "responses": chain, "last_seq": after + n}


def _refusal(page: dict) -> Refused:
    with pytest.raises(Refused) as caught:
        check_page(page, STORE, 10)
    return caught.value


def test_a_good_page_gives_the_canonical_bodies():
    page = _page()
    responses, bodies, last_seq = check_page(json.loads(json.dumps(page)), STORE, 10)
    assert last_seq == 14 and [r["seq"] for r in responses] == [11, 12, 13, 14]
    assert bodies == [canonical_json(r).decode("utf-8") for r in page["responses"]]
    assert verify_page(responses, bodies, 10, "a" * 64) == (14, page["responses"][-1]["hash"])


def test_canonical_text_is_the_canonical_json():
    for value in ({"b": 1, "a": [1.5, None, True]}, {"tên": "Nguyễn Văn A", "x": {"z": 1, "y": "\"\\"}}, []):
        assert canonical_text(value).encode("utf-8") == canonical_json(value) == json.dumps(
            value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def test_an_item_that_is_not_a_response_is_named_by_its_place():
    page = _page()
    page["responses"][2] = ["not", "a", "response"]
    refused = _refusal(page)
    assert refused.reason == "garbage"
    assert str(refused) == "page after seq 10, item 2: must be a JSON object"


def test_a_missing_field_is_named_by_its_place():
    page = _page()
    del page["responses"][1]["uuid"]
    assert str(_refusal(page)) == "page after seq 10, item 1: missing field(s) uuid"


def test_a_bad_value_names_the_response_and_field():
    page = _page()
    page["responses"][3]["answers"]["q1"] = 9
    assert str(_refusal(page)) == "response seq 14.answers.q1: must be an integer 1-5"


@pytest.mark.parametrize("change,said", [
    (lambda r: r.update(officer="x" * 65), "response seq 12.officer: longer than 64 characters"),
    (lambda r: r["answers"].update({"q" * 65: 3}),
     "response seq 12.answers: question code must have 1-64 characters"),
    (lambda r: r.update(questionnaire_version=2**31),
     "response seq 12: seq or questionnaire_version out of range"),
    (lambda r: r.update(boot_id="b\x00"), "response seq 12: contains a NUL character"),
])
def test_what_the_database_cannot_hold_names_the_response(change, said):
    page = _page()
    change(page["responses"][1])
    refused = _refusal(page)
    assert (refused.reason, str(refused)) == ("garbage", said)
    assert refused.detail.startswith('{"answers":')  # the response's text, for the alert


def test_a_nul_is_found_in_a_reason_and_the_text_backslash_u0000_is_not_one():
    page = _page()
    page["responses"][1]["reasons"] = ["a\x00b"]
    assert str(_refusal(page)) == "response seq 12: contains a NUL character"
    page = _page()
    page["responses"][1]["reasons"] = ["a\\u0000b"]  # six characters, no NUL: taken
    assert check_page(page, STORE, 10)[2] == 14
