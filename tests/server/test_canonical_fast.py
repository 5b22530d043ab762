"""sync_server.upstream.canonical writes exactly kiosk.shared.protocol.canonical_text for every
shape a response that passed validate_response can take: every code point in values and in keys,
the escapes, keys sorted across the planes, integers at and beyond 64 bits, null, booleans, nested
answers and yes/no answers, lists; and a response with a key the protocol does not know (a float
in it) is written by the standard library. The hash check depends on this byte for byte."""

from __future__ import annotations

import random

import pytest

from kiosk.shared.protocol import GENESIS_HASH, canonical_text, seal, validate_response
from sync_server.upstream import canonical

EVERY_CODE_POINT = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)


def response(**changes) -> dict:
    r = {"store_id": "s-1", "seq": 1, "uuid": "u-1", "kiosk_id": "quay-1", "officer": "nv-lan",
         "procedure": None, "questionnaire": "overall", "questionnaire_version": 1,
         "answers": {"q1": 5}, "reasons": [], "channel": "touch", "partial": False, "flags": [],
         "recorded_at": "2026-03-02T08:00:00.000+07:00", "boot_id": "b", "uptime_ms": 0}
    r.update(changes)
    return seal(r, GENESIS_HASH)


def same(r: dict) -> str:
    validate_response(r)
    text = canonical.response_text(r)
    assert text == canonical_text(r)
    return text


def test_every_code_point_in_a_value_and_in_keys():
    same(response(officer=EVERY_CODE_POINT, reasons=[EVERY_CODE_POINT[::-1]]))
    # keys: in chunks, so that sorting compares characters from every plane with each other
    chunks = [EVERY_CODE_POINT[i:i + 997] for i in range(0, len(EVERY_CODE_POINT), 997)]
    rng = random.Random(15)
    keys = chunks + [c[:1] for c in chunks] + ["".join(rng.sample(EVERY_CODE_POINT, 3)) for _ in range(3000)]
    same(response(answers={k: 1 + i % 5 for i, k in enumerate(keys)}))
    same(response(yes_no={k: i % 2 == 0 for i, k in enumerate(keys)}, answers={}))


@pytest.mark.parametrize("text", [
    "", "\x00", "\x1f", "\x7f", "\x80", '"', "\\", "/", "\b\f\n\r\t", "\u2028\u2029", "\ufeff", "\uffff",
    "\U0001f600", "\U0010ffff", "Nguyễn Thị Lan", "\\u0000", '"hash":"', "a\u0301",
])
def test_escapes_and_awkward_strings(text):
    same(response(kiosk_id=f"k{text}", flags=[text, text * 2], answers={f"q{text}": 3, text + "z": 4}))


def test_keys_sorted_across_the_planes():
    keys = ["\uffff", "\U00010000", "a", "é", "\U0010ffff", "\ue000", "Z", "", "\x00", "aa", "a\x00"]
    text = same(response(answers={k: 2 for k in keys}))
    assert text.index('"\uffff"') < text.index('"\U00010000"')


@pytest.mark.parametrize("n", [0, 1, -1, 2**31 - 1, 2**31, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, 2**64,
                               -(2**63), -(2**63) - 1, 10**30, -(10**30)])
def test_integers_at_and_beyond_64_bits(n):
    same(response(uptime_ms=abs(n), questionnaire_version=n, seq=abs(n) or 1))


def test_null_booleans_and_every_optional_shape():
    same(response(officer=None, procedure=None, partial=True, answers={}, yes_no={"c1": True, "c2": False},
                  reasons=["a", "b"], flags=["assisted", "qr:counter:quay-1"], channel="qr"))


def test_a_lone_surrogate_is_written_by_the_standard_library():
    r = response()  # (a kiosk could not seal it: its hash is over UTF-8)
    r["officer"] = "a\ud800b"
    assert canonical.response_text(r) == canonical_text(r)


def test_a_key_the_protocol_does_not_know_is_written_by_the_standard_library():
    # orjson writes 1e16 as 1e16, the standard library as 1e+16: the hash would differ.
    r = response(future={"ratio": 1e16, "small": 1e-7, "nan": float("nan")})
    assert canonical.response_text(r) == canonical_text(r)
    assert "1e+16" in canonical.response_text(r)


def test_random_responses():
    rng = random.Random(2026)

    def text() -> str:
        return "".join(rng.choice(EVERY_CODE_POINT) if rng.random() < 0.3 else rng.choice("ab\\\"\n\x01")
                       for _ in range(rng.randrange(0, 12)))

    for _ in range(2000):
        same(response(officer=rng.choice([None, text()]), procedure=rng.choice([None, text()]),
                      answers={text() or "q": rng.randint(1, 5) for _ in range(rng.randrange(0, 6))},
                      yes_no={"y" + text(): rng.random() < 0.5 for _ in range(rng.randrange(0, 3))},
                      reasons=[text() for _ in range(rng.randrange(0, 3))], uptime_ms=rng.randrange(0, 2**70),
                      questionnaire_version=rng.randrange(-(2**65), 2**65)))
