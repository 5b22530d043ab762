"""Every rule of kiosk.shared.protocol.validate_response refuses, naming the field (the
server's pull relies on it for every response it stores; issue 16 made its messages lazy)."""

from __future__ import annotations

import pytest

from kiosk.shared.exc import ProtocolError
from kiosk.shared.protocol import GENESIS_HASH, RESPONSE_KEYS, seal, validate_response


def good() -> dict:
    return seal({"store_id": "s-1", "seq": 5, "uuid": "u-1", "kiosk_id": "quay-1", "officer": "nv-lan",
                 "procedure": None, "questionnaire": "overall", "questionnaire_version": 1,
                 "answers": {"q1": 4}, "reasons": ["cho-lau"], "channel": "touch", "partial": False,
                 "flags": [], "recorded_at": "2026-11-03T10:00:00.000+07:00", "boot_id": "b-1",
                 "uptime_ms": 5}, GENESIS_HASH)


BAD = [
    ({"seq": 0}, "response.seq: must be an integer >= 1"),
    ({"seq": True}, "response.seq: must be an integer >= 1"),
    *[({key: ""}, f"response seq 5.{key}: must be a string")
      for key in ("store_id", "uuid", "kiosk_id", "recorded_at", "boot_id", "questionnaire")],
    ({"uuid": 7}, "response seq 5.uuid: must be a string"),
    ({"officer": 3}, "response seq 5.officer: must be null or a string"),
    ({"procedure": []}, "response seq 5.procedure: must be null or a string"),
    ({"questionnaire_version": "1"}, "response seq 5.questionnaire_version: must be an integer"),
    ({"channel": "fax"}, "response seq 5.channel: must be one of touch, button, keypad, qr"),
    ({"partial": 0}, "response seq 5.partial: must be true or false"),
    ({"uptime_ms": -1}, "response seq 5.uptime_ms: must be >= 0"),
    ({"answers": [4]}, "response seq 5.answers: must be an object"),
    ({"answers": {"q1": 6}}, "response seq 5.answers.q1: must be an integer 1-5"),
    ({"answers": {"q1": True}}, "response seq 5.answers.q1: must be an integer 1-5"),
    ({"yes_no": []}, "response seq 5.yes_no: must be an object"),
    ({"yes_no": {"c": 1}}, "response seq 5.yes_no.c: must be true or false"),
    ({"yes_no": {"q1": True}}, "response seq 5.yes_no.q1: is also a 1-5 answer"),
    ({"reasons": "cho-lau"}, "response seq 5.reasons: must be a list of strings"),
    ({"flags": [1]}, "response seq 5.flags: must be a list of strings"),
    ({"prev_hash": "A" * 64}, "response seq 5.prev_hash: must be 64 lowercase hex digits"),
    ({"hash": "0" * 63}, "response seq 5.hash: must be 64 lowercase hex digits"),
]


def test_a_good_response_passes():
    validate_response(good())


@pytest.mark.parametrize("change,message", BAD, ids=[m.split(": ")[0] + ":" + str(c) for c, m in BAD])
def test_each_rule_refuses_naming_the_field(change, message):
    with pytest.raises(ProtocolError) as e:
        validate_response(good() | change)
    assert str(e.value) == message


def test_not_an_object_or_a_missing_field_is_named_with_the_caller_s_place():
    with pytest.raises(ProtocolError, match="^page 3: must be a JSON object$"):
        validate_response([], where="page 3")
    for key in RESPONSE_KEYS:
        r = good()
        del r[key]
        with pytest.raises(ProtocolError, match=f"^page 3: missing field\\(s\\) {key}$"):
            validate_response(r, where="page 3")
