"""sync_server.upstream.wire.decode makes of a batch exactly what json.loads makes of it — types
and all: an integer at and beyond 64 bits stays an integer, what orjson refuses and the standard
library takes (NaN, Infinity, a lone surrogate escape) is taken, and what neither takes is a
ValueError (nesting too deep included, which the standard library raises as RecursionError). A
usual batch goes through orjson, or decoding it is no faster."""

from __future__ import annotations

import json
import math
import random
import struct
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from sync_server.upstream import wire

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import hub_ingest  # noqa: E402  (the bench's sealed batches: what a commune really sends)


def typed(value: Any) -> Any:
    """`value` with every scalar's type beside it (1 == 1.0 == True in Python; -0.0 == 0.0; NaN
    is not equal to itself)."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else value.hex())
    return (type(value).__name__, value)


def same_as_stdlib(body: bytes) -> None:
    try:
        expected = typed(json.loads(body.decode("utf-8")))
    except RecursionError:  # orjson takes a little deeper nesting (1,024): a value or a ValueError
        try:
            wire.decode(body)
        except ValueError:
            pass
        return
    except ValueError:
        with pytest.raises(ValueError):
            wire.decode(body)
        return
    assert typed(wire.decode(body)) == expected


BIG = [2**63 - 1, 2**63, 2**64 - 1, 2**64, -(2**63), -(2**63) - 1, 10**18, 10**19, -(10**19), 10**30, 2**200]


@pytest.mark.parametrize("n", BIG)
def test_integers_at_and_beyond_64_bits_stay_integers(n):
    body = json.dumps({"a": [n, {"b": n}], "h": "f" * 64}).encode()
    assert typed(wire.decode(body)) == typed(json.loads(body))
    assert type(wire.decode(body)["a"][0]) is int


def test_orjson_alone_would_have_made_them_floats():
    # What the guard is for: without it a number past 64 bits would change type on the way in.
    assert isinstance(orjson.loads(b"[18446744073709551616]")[0], float)
    assert wire.decode(b"[18446744073709551616]") == [18446744073709551616]


@pytest.mark.parametrize("body", [
    b"NaN", b"[Infinity, -Infinity]", b'"\\ud800"', b'"\\ude00\\ud83d"', b'{"a": 1, "a": 2}', b"-0",
    b"-0.0", b"1e400", b"1.5e-400", b"0.30000000000000004", b"4.9e-324", b'"\\u0000"', b" [] \n",
    b'"a\nb"', b"01", b"1.", b"+1", b"[1,]", b"\xef\xbb\xbf{}", b'"\xff"', b'"\xed\xa0\x80"', b"", b"{}x",
    b'"12345678901234567890"', b'{"s": ", 1234567890123456789012"}', b"[1234567890123456789.5]",
    b"[0.12345678901234567890123]", b'["ab", -  1234567890123456789012]', b'[ab1234567890123456789012]',
    b'{"h": "1234567890123456789012", "n":\n 99999999999999999999}', b"99999999999999999999",
    b"[" * 1020 + b"]" * 1020, b"[" * 100_000 + b"]" * 100_000,
])
def test_awkward_bodies_as_the_standard_library_takes_them(body):
    same_as_stdlib(body)


def random_value(rng: random.Random, depth: int = 0) -> Any:
    kind = rng.randrange(8 if depth < 4 else 5)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.randint(-(2 ** rng.randrange(1, 80)), 2 ** rng.randrange(1, 80))
    if kind == 2:
        value = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
        return value if math.isfinite(value) else rng.random()
    if kind in (3, 4):
        return "".join(chr(rng.choice([rng.randrange(32, 127), rng.randrange(0xD800),
                                       rng.randrange(0xE000, 0x110000), rng.randrange(32)]))
                       for _ in range(rng.randrange(12)))
    if kind in (5, 6):
        return {f"k{rng.randrange(50)}": random_value(rng, depth + 1)
                for _ in range(rng.randrange(5))}
    return [random_value(rng, depth + 1) for _ in range(rng.randrange(5))]


def test_random_documents_decode_as_the_standard_library_decodes_them():
    rng = random.Random(15)
    for _ in range(3000):
        same_as_stdlib(json.dumps(random_value(rng), ensure_ascii=rng.random() < 0.5).encode("utf-8"))


def test_a_commune_batch_is_decoded_by_orjson_and_as_the_standard_library_would(monkeypatch):
    (_server, body), = hub_ingest.prepare(["xa-000"], 200)
    expected = typed(json.loads(body))

    def refuse(*_a, **_k):
        raise AssertionError("a usual batch went to the standard library's decoder")

    monkeypatch.setattr(wire.json, "loads", refuse)
    assert typed(wire.decode(body)) == expected
