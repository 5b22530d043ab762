"""The optional `points` of an upstream batch (issue 14, docs/hub.md): per response, the reception
point the commune stored it at, beside the sealed body. A commune older than this sends none (its
rows are the whole commune's at the hub); a list of another length or holding something that is
not a code is refused naming the field. The whole road, commune to hub: test_hub_e2e.py."""

from __future__ import annotations

import copy

import pytest

from sync_server.upstream import wire
from tests.support.chains import make_chain

STORE = {"store_id": "store-a", "kiosk_id": "quay-1", "responses": make_chain("store-a", 2),
         "times": [[None, None, "kiosk", "2026-11-22", 8]] * 2}
BATCH = {"protocol": wire.PROTOCOL, "server_id": "xa-a", "roster": {}, "exclusions": [], "stores": [STORE]}


def batch(**store) -> dict:
    out = copy.deepcopy(BATCH)
    out["stores"][0].update(store)
    return out


def test_points_travel_beside_the_responses_and_default_to_none():
    assert wire.check_batch(batch(points=["chinh", "van-tho"]))[0]["points"] == ["chinh", "van-tho"]
    assert wire.check_batch(batch(points=["", "van-tho"]))[0]["points"] == ["", "van-tho"]
    assert wire.check_batch(batch())[0]["points"] == ["", ""]  # an older commune: none


@pytest.mark.parametrize("points", [["chinh"], "chinh", ["chinh", "văn thọ"], ["chinh", 3], None])
def test_bad_points_are_refused_naming_the_field(points):
    with pytest.raises(wire.WireError, match=r"store store-a\): points must be a list of codes"):
        wire.check_batch(batch(points=points))
