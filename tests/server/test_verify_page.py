"""The puller's page check (`verify_page`) decides exactly as the protocol's own
`verify_chain`, on good chains and on every way of breaking one."""

from __future__ import annotations

import copy

import pytest

from kiosk.shared.protocol import GENESIS_HASH, ProtocolError, canonical_json, seal, verify_chain
from sync_server.collect.checks import verify_page
from tests.support.chains import make_chain


def bodies(chain: list[dict]) -> list[str]:
    return [canonical_json(r).decode("utf-8") for r in chain]


def outcome(fn, chain: list[dict], after: int = 0, head: str = GENESIS_HASH):
    try:
        return fn(chain, after, head)
    except ProtocolError as e:
        return f"error: {e}"


def both(chain: list[dict], after: int = 0, head: str = GENESIS_HASH):
    mine = outcome(lambda c, a, h: verify_page(c, bodies(c), a, h), chain, after, head)
    assert mine == outcome(verify_chain, chain, after, head)
    return mine


def test_a_good_chain_and_a_good_continuation():
    chain = make_chain("store-a", 50, each=lambda s: {"flags": ['"hash":"x",'] if s == 7 else []})
    assert both(chain) == (50, chain[-1]["hash"])
    assert both(chain[20:], 20, chain[19]["hash"]) == (50, chain[-1]["hash"])


def _changed(c):
    c[3]["answers"]["q1"] = 1 if c[3]["answers"]["q1"] != 1 else 2


def _resealed(c):
    c[3] = seal({**c[3], "answers": {"q1": 1}}, c[3]["prev_hash"])


def _gap(c):
    del c[3]


def _swapped(c):
    c[2], c[3] = c[3], c[2]


def _decoy(c):
    # A nested object carrying the response's own hash before the real member: the splice takes
    # the decoy out, the hash cannot match, and verify_chain decides (it refuses: content changed).
    c[3]["aaa"] = {"hash": c[3]["hash"], "z": 1}


def _decoy_sealed(c):
    # The same decoy, but sealed: a kiosk that sends an extra key is still a valid chain.
    sealed = seal({**c[3], "aaa": {"hash": "f" * 64, "z": 1}}, c[3]["prev_hash"])
    c[3] = sealed
    for i in range(4, len(c)):
        c[i] = seal(c[i], c[i - 1]["hash"])


@pytest.mark.parametrize("tamper", [_changed, _resealed, _gap, _swapped, _decoy, _decoy_sealed])
def test_every_kind_of_break_gets_the_protocols_own_answer(tamper):
    chain = copy.deepcopy(make_chain("store-a", 8))
    tamper(chain)
    result = both(chain)
    if tamper is _decoy_sealed:
        assert result == (8, chain[-1]["hash"])
    else:
        assert isinstance(result, str) and result.startswith("error: seq ")


def test_a_wrong_head_is_a_broken_link():
    chain = make_chain("store-a", 5)
    assert both(chain[2:], 2, "1" * 64) == "error: seq 3: prev_hash does not link to seq 2"
