"""What a commune has not pushed yet, on the province's page: each batch says what will be left
once the hub has taken it (`backlog`: responses, and when the oldest was rated), the hub keeps
what the last batch said plus what it refused of that batch, and the communes' page shows it
("Chưa gửi lên"). A batch without it (older software) or with a malformed one is still taken."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from sync_server import config as server_config
from sync_server.app import create_app
from sync_server.db import database, init_db
from sync_server.db.models import Downstream
from sync_server.upstream import outbox, receive, wire
from tests.support.chains import iso_vn, make_chain
from tests.support.responses import store_chain
from tests.support.server import server_toml
from tests.support.web import add_user, client_as

DOWNSTREAM = '[[downstream]]\nid = "xa-an-binh"\nname = "Xã An Bình"\ntoken = "token-xa-an-binh-0123456789"\n'
FIRST = datetime(2026, 11, 2, 1, 0)  # UTC: 08:00 in Vietnam; one rating every ten minutes after


def rated(seq: int, late: int = 0) -> datetime:
    """When seq was rated at a kiosk whose ratings began `late` days after FIRST."""
    return FIRST + timedelta(days=late, minutes=10 * (seq - 1))


def commune_batches(tmp_path, stores: dict[str, int], page: int) -> list[dict]:
    """The batches a commune holding `stores` ({kiosk: responses}, the n-th kiosk's ratings
    beginning 10·n days after FIRST) sends, in pages of `page`, as the hub acknowledges each."""
    path = tmp_path / "commune.toml"
    path.write_text(server_toml(tmp_path / "commune-data", []), encoding="utf-8")
    commune = server_config.load(path)
    init_db(commune)
    for late, (kiosk, n) in enumerate(stores.items()):
        store_chain(make_chain(f"store-{kiosk}", n, kiosk_id=kiosk,
                               each=lambda seq, late=late: {"recorded_at": iso_vn(rated(seq, 10 * late))}),
                    kiosk, commune)
    out, acks = [], {}
    for batch in outbox.batches("xa-an-binh", "Xã An Bình", acks, page, commune.tz, set()):
        out.append(batch)
        acks.update({s["store_id"]: s["responses"][-1]["seq"] for s in batch["stores"]})
    database.close()
    return out


def test_each_batch_says_what_will_be_left_after_it(tmp_path):
    batches = commune_batches(tmp_path, {"quay-1": 250, "quay-2": 30}, 100)
    said = [b["backlog"] for b in batches]
    assert [s["responses"] for s in said] == [180, 80, 0]
    # After the first batch (quay-1's seq 1–100) quay-1 from seq 101 and all of quay-2 (rated ten
    # days later) are left: the oldest is quay-1's seq 101; after the second, quay-1's seq 201.
    assert said[0]["oldest_utc"] == rated(101).isoformat()
    assert [(s["store_id"], len(s["responses"])) for s in batches[1]["stores"]] == [("store-quay-1", 100)]
    assert said[1]["oldest_utc"] == rated(201).isoformat()
    assert said[2]["oldest_utc"] is None


def test_the_hub_keeps_what_the_last_batch_said_and_what_it_refused(tmp_path, make_config):
    batches = commune_batches(tmp_path, {"quay-1": 250}, 100)
    hub = make_config(extra=DOWNSTREAM)
    entry = hub.downstream[0]
    now = datetime(2026, 12, 4, 3, 0)
    assert not receive.receive(hub, entry, batches[0], now).refused
    d = Downstream.get_by_id("xa-an-binh")
    assert (d.backlog, d.backlog_oldest) == (150, rated(101))

    tampered = {**batches[1], "stores": [dict(batches[1]["stores"][0])]}
    tampered["stores"][0]["responses"] = [dict(r) for r in tampered["stores"][0]["responses"]]
    tampered["stores"][0]["responses"][5]["answers"] = {"q1": 1}
    assert receive.receive(hub, entry, tampered, now).refused
    d = Downstream.get_by_id("xa-an-binh")
    assert (d.backlog, d.backlog_oldest) == (50 + 100, rated(101))  # nothing of that batch taken

    for batch in batches[1:]:
        assert not receive.receive(hub, entry, batch, now).refused
    d = Downstream.get_by_id("xa-an-binh")
    assert (d.backlog, d.backlog_oldest) == (0, None)


@pytest.mark.parametrize("value", [None, "lots", {"responses": -1}, {"responses": True},
                                   {"responses": 5, "oldest_utc": "yesterday"}, {"responses": 2**40},
                                   {"responses": 5, "oldest_utc": 17}])
def test_a_batch_without_a_backlog_or_with_a_bad_one_is_taken_and_says_nothing(tmp_path, make_config, value):
    batch = commune_batches(tmp_path, {"quay-1": 20}, 100)[0]
    if value is None:
        del batch["backlog"]
    else:
        batch["backlog"] = value
    assert wire.backlog_of(batch) is None
    hub = make_config(extra=DOWNSTREAM)
    outcome = receive.receive(hub, hub.downstream[0], batch, datetime(2026, 12, 4, 3, 0))
    assert outcome.stored == 20 and not outcome.refused
    d = Downstream.get_by_id("xa-an-binh")
    assert (d.backlog, d.backlog_oldest) == (None, None)


def test_an_offset_time_is_read_as_utc():
    assert wire.backlog_of({"backlog": {"responses": 3, "oldest_utc": "2026-11-02T08:00:00+07:00"}}) == (
        3, datetime(2026, 11, 2, 1, 0))


def test_the_communes_page_shows_it(tmp_path, make_config):
    batches = commune_batches(tmp_path, {"quay-1": 250}, 100)
    hub = make_config(extra=DOWNSTREAM)
    now = datetime.utcnow()
    receive.receive(hub, hub.downstream[0], batches[0], now)
    add_user("tinh", "admin")
    staff = client_as(create_app(hub), "tinh")
    page = staff.get("/province").get_data(as_text=True)
    cell = re.search(r'<td class="backlog" data-backlog="150">(.*?)</td>', page, re.S)
    assert cell, page
    days = (now - rated(101)).days
    assert "150 phiếu" in cell.group(1) and f"({days} ngày)" in cell.group(1)
    english = staff.get("/province?lang=en").get_data(as_text=True)
    assert "Not pushed yet" in english and "150 responses" in english
