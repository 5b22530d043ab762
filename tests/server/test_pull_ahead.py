"""A long catch-up makes each page's response rows in the page checking process (as COPY text on
PostgreSQL, as rows on SQLite: sync_server.collect.rows.prepare), while the puller stores the page before. The
rows stored must be exactly those the page's own transaction would have made: the same times
repaired against the same anchors, the same codes flagged, the same point; a page with a
response already stored is sorted as before (a duplicate stored once, a conflict kept aside);
anything the rows were made from that changed by the time of storing means they are made
again there. Against a real HTTP fake kiosk on 127.0.0.1, each pull compared with the same pull
checked in the puller's own process."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from peewee import OperationalError

from kiosk.shared.protocol import GENESIS_HASH, canonical_json
from sync_server.collect import clockfix, ingest, rows
from sync_server.collect.puller import pull_kiosk
from sync_server.db import database
from sync_server.db.models import Conflict, Epoch, Procedure, Response
from tests.support.chains import iso_vn, make_chain, utc
from tests.support.fake_kiosk import FakeKiosk
from tests.support.server import TOKEN, know_officers, reset_postgres

PAGE = 3  # 8 pages of 3: the first checked here, the other 7 apart
NOW = utc(2026, 11, 22, 6, 0)
WRONG_BOOT = utc(2020, 1, 1)  # the kiosk's clock after a power cut: boot-a's times are repaired


def _each(seq: int) -> dict:
    """A bit of everything the rows are made from: a repaired clock (boot-a, anchored), a boot
    never seen (boot-c), unknown codes, an assisted rating, a procedure."""
    boot = "boot-c" if seq % 5 == 0 else "boot-a"
    r = {"boot_id": boot, "uptime_ms": seq * 60_000,
         "recorded_at": iso_vn(WRONG_BOOT + timedelta(minutes=seq))}
    if seq % 7 == 0:
        r["officer"] = "nv-ghost"
    if seq % 4 == 0:
        r["procedure"], r["flags"] = "1.001193", ["assisted"]
    return r


@pytest.fixture
def make_config(make_config, backend, tmp_path):
    """Each call on an empty database: a test compares two pulls, each made from nothing."""

    def fresh(*args, **kwargs):
        if backend:
            reset_postgres(backend)
        else:
            if database.obj is not None and not database.is_closed():
                database.close()
            shutil.rmtree(tmp_path / "server-data", ignore_errors=True)
        return make_config(*args, **kwargs)

    return fresh


@pytest.fixture
def kiosk():
    made: list[FakeKiosk] = []

    def make(chain: list[dict]) -> FakeKiosk:
        made.append(FakeKiosk("quay-1", "store-a", chain))
        made[-1].status_extra = {"boot_id": "boot-a", "uptime_ms": 30 * 60_000, "clock_synced": False,
                                 "wall_clock": iso_vn(WRONG_BOOT + timedelta(minutes=30))}
        return made[-1]

    yield make
    for f in made:
        f.stop()


def _pull(kiosk, make_config, chain, *, here: bool = False, before=None):
    """A fresh database, then one pull (`before()` first, in that database)."""
    cfg = make_config([("quay-1", kiosk(chain).url, TOKEN)])
    know_officers("nv-lan")
    Procedure.create(code="1.001193", name="Khai sinh")
    if before is not None:
        before(cfg)
    session = requests.Session() if here else None  # the caller's session keeps every page here
    return pull_kiosk(cfg.kiosks[0], cfg, page_limit=PAGE, session=session, now=lambda: NOW)


def _stored() -> dict[str, list[tuple]]:
    """Every stored row of the pull but the ids the database numbered."""
    columns = ", ".join(f'"{Response._meta.fields[c].column_name}"' for c in rows.RESPONSE_COLUMNS)
    queries = {
        "response": f'SELECT {columns} FROM "response" ORDER BY "store_id", "seq"',
        "answer": 'SELECT r."seq", a."question", a."score", a."officer", a."local_date" FROM "answer" a '
                  'JOIN "response" r ON r."id" = a."response_id" ORDER BY 1, 2',
        "rollup_day": 'SELECT * FROM "rollup_day" ORDER BY 1, 2, 3, 4, 5, 6',
        "rollup_hour": 'SELECT * FROM "rollup_hour" ORDER BY 1, 2',
        "conflict": 'SELECT "seq", "uuid", "hash", "body" FROM "conflict" ORDER BY 1'}
    return {name: [tuple(row) for row in database.execute_sql(sql).fetchall()]
            for name, sql in queries.items()}


def test_rows_made_apart_are_the_rows_made_here(kiosk, make_config):
    chain = make_chain("store-a", 24, each=_each)
    here = _pull(kiosk, make_config, chain, here=True)
    stored_here = _stored()
    apart = _pull(kiosk, make_config, chain)
    assert (apart.status, apart.received, apart.checked_apart, apart.made_ahead) == ("ok", 24, 7, 7), \
        apart.message
    assert (here.status, here.received, here.made_ahead) == ("ok", 24, 0)
    assert _stored() == stored_here
    # The comparison means something: times repaired and left, codes flagged, assisted, the time stored.
    assert (apart.repaired, apart.flagged) == (here.repaired, here.flagged) == (20, 3)
    by_seq = {r.seq: r for r in Response.select()}
    assert by_seq[1].time_source == clockfix.REPAIRED and by_seq[5].time_source == clockfix.UNANCHORED
    assert by_seq[7].unknown_refs == "officer:nv-ghost" and by_seq[8].assisted
    assert {r.received_at for r in by_seq.values()} == {NOW}
    assert [by_seq[s].body for s in sorted(by_seq)] == [canonical_json(c).decode() for c in chain]


def _stale(change):
    """The rows of every page made from a source that `change` makes differ from what the
    page's transaction reads."""
    real = ingest.row_source

    def row_source(*args):
        return change(real(*args))

    return row_source


def _later(anchor):
    return dataclasses.replace(anchor, server_utc=anchor.server_utc + timedelta(hours=1))


@pytest.mark.parametrize("change", [
    lambda s: dataclasses.replace(s, anchors={b: _later(a) for b, a in s.anchors.items()}),
    lambda s: dataclasses.replace(s, point="quay-khac"),
    lambda s: dataclasses.replace(s, roster=dataclasses.replace(s.roster,
                                                                officers=s.roster.officers | {"nv-ghost"})),
], ids=["anchor moved", "point moved", "roster changed"])
def test_rows_made_from_what_changed_since_are_made_again_when_stored(kiosk, make_config, monkeypatch,
                                                                      change):
    chain = make_chain("store-a", 24, each=_each)
    _pull(kiosk, make_config, chain, here=True)
    stored_here = _stored()
    monkeypatch.setattr(ingest, "row_source", _stale(change))
    r = _pull(kiosk, make_config, chain)
    assert (r.status, r.received, r.checked_apart, r.made_ahead) == ("ok", 24, 7, 0), r.message
    assert _stored() == stored_here


def _store_aside(cfg, kiosk_id, response):
    """`response` stored beforehand by a pull of another kiosk (its card, or another card)."""
    epoch = Epoch.create(kiosk_id=kiosk_id, store_id=response["store_id"], first_seen=NOW, last_seen=NOW)
    ingest.store_page(epoch.id, kiosk_id, [response], (0, GENESIS_HASH), (response["seq"], response["hash"]),
                      tz=cfg.tz, now=NOW, roster=ingest.Roster.load())


def test_a_page_holding_a_stored_uuid_is_sorted_in_its_transaction(kiosk, make_config):
    chain = make_chain("store-a", 24, each=_each)
    other = make_chain("store-b", 13, uuid_prefix=chain[0]["uuid"][:8])[12]  # seq 13's uuid, other content

    def before(cfg):
        _store_aside(cfg, "quay-2", other)  # a conflict on page 5 (seq 13)
        _store_aside(cfg, "quay-9", chain[15])  # a duplicate on page 6 (seq 16): the card was in quay-9

    here = _pull(kiosk, make_config, chain, here=True, before=before)
    stored_here = _stored()
    r = _pull(kiosk, make_config, chain, before=before)
    # The two pages' copies refused by the uuid index, undone alone; the page's transaction went on.
    assert (r.status, r.received, r.duplicates, r.conflicts) == ("ok", 22, 1, 1), r.message
    assert (r.checked_apart, r.made_ahead) == (7, 5)
    assert (here.received, here.duplicates, here.conflicts) == (22, 1, 1)
    assert _stored() == stored_here
    assert Response.select().where(Response.uuid == chain[15]["uuid"]).count() == 1  # stored once
    assert [c.seq for c in Conflict.select()] == [13]
    assert Epoch.get(Epoch.kiosk_id == "quay-1").last_seq == 24


def test_rows_are_not_made_ahead_when_a_time_needs_the_time_of_storing():
    chain = make_chain("store-a", 3, each=lambda seq: {"recorded_at": "0001-01-01T00:00:00+07:00"} if seq == 2
                       else {})
    roster = rows.Roster({"nv-lan"}, set(), {("overall", 1)})
    source = rows.RowSource(1, "quay-1", ZoneInfo("Asia/Ho_Chi_Minh"), roster, {}, "")
    bodies = [canonical_json(c).decode() for c in chain]
    assert rows.prepare(chain, bodies, source) is None  # seq 2 unanchored, unreadable: received time
    assert rows.prepare(chain[:1] + chain[2:], bodies[:1] + bodies[2:], source) is not None
    twice = [chain[0], {**chain[2], "uuid": chain[0]["uuid"]}]
    assert rows.prepare(twice, bodies[:2], source) is None  # the second would be a conflict


def test_the_ids_of_a_page_are_read_each_when_they_are_not_one_run(make_config):
    cfg = make_config()
    a, b = make_chain("store-a", 3), make_chain("store-b", 1)
    for kiosk_id, page in (("quay-1", a[:2]), ("quay-2", b), ("quay-1", a[2:])):  # ids 1, 2 | 3 | 4
        epoch = Epoch.get_or_create(kiosk_id=kiosk_id, store_id=page[0]["store_id"],
                                    defaults={"first_seen": NOW, "last_seen": NOW})[0]
        ingest.store_page(epoch.id, kiosk_id, page, (epoch.last_seq, epoch.head_hash),
                          (page[-1]["seq"], page[-1]["hash"]), tz=cfg.tz, now=NOW,
                          roster=ingest.Roster.load())
    stored = dict(Response.select(Response.seq, Response.id).where(Response.store_id == "store-a").tuples())
    assert sorted(stored.values()) != list(range(min(stored.values()), min(stored.values()) + 3))
    with database.connection_context():
        assert ingest._new_ids("store-a", [1, 2, 3]) == stored  # another store's row took an id between
        assert ingest._new_ids("store-a", [1, 2]) == {1: stored[1], 2: stored[2]}  # one run


def test_a_page_made_here_is_taken_as_new_and_sorted_only_when_the_index_refuses(make_config, backend,
                                                                                  monkeypatch):
    """store_page without rows made ahead (a hub's batch, a page checked in the puller's thread): on
    PostgreSQL every response is copied as new and the uuid index decides — no look-up of the page's
    uuids first — and a refusal (a duplicate, a conflict, a uuid twice in the page) is sorted as on
    SQLite, which looks the uuids up first."""
    cfg = make_config()
    looked_up: list[int] = []
    real = ingest._stored_uuids
    monkeypatch.setattr(ingest, "_stored_uuids", lambda uuids: looked_up.append(len(uuids)) or real(uuids))

    def store(kiosk_id, page, held):
        epoch = Epoch.get_or_create(kiosk_id=kiosk_id, store_id=page[0]["store_id"],
                                    defaults={"first_seen": NOW, "last_seen": NOW})[0]
        return ingest.store_page(epoch.id, kiosk_id, page, held, (page[-1]["seq"], page[-1]["hash"]),
                                 tz=cfg.tz, now=NOW, roster=ingest.Roster.load())

    chain = make_chain("store-a", 6)
    first = store("quay-1", chain[:3], (0, GENESIS_HASH))
    assert (first.stored, first.duplicates, first.conflicts) == ([1, 2, 3], 0, [])
    assert looked_up == ([] if backend else [3])

    _store_aside(cfg, "quay-9", chain[3])  # seq 4 stored before (its card was in quay-9)
    _store_aside(cfg, "quay-2", make_chain("store-b", 5, uuid_prefix=chain[0]["uuid"][:8])[4])  # seq 5's uuid
    looked_up.clear()
    second = store("quay-1", chain[3:], (3, chain[2]["hash"]))
    assert (second.stored, second.duplicates, second.conflicts) == ([6], 1, [5])
    assert looked_up == [3]  # the copy refused on PostgreSQL, undone alone; then sorted

    same = make_chain("store-c", 2, each=lambda _seq: {"uuid": "c0ffee00-0000-4000-8000-000000000001"})
    third = store("quay-3", same, (0, GENESIS_HASH))
    assert (third.stored, third.duplicates, third.conflicts) == ([1], 0, [2])
    assert Response.select().count() == 3 + 2 + 1 + 1
    assert [(c.store_id, c.seq) for c in Conflict.select().order_by(Conflict.id)] == [("store-a", 5),
                                                                                      ("store-c", 2)]
    assert Epoch.get(Epoch.kiosk_id == "quay-1").last_seq == 6
    assert Response.select().where(Response.uuid == chain[3]["uuid"]).count() == 1


def test_a_page_that_loses_a_deadlock_is_stored_again_once(make_config, backend, monkeypatch):
    """Two pages stored at once (two communes' pushes, two kiosks' pulls) add to the same rollup
    rows, and PostgreSQL may end one of them as a deadlock: its transaction is undone and the page
    stored again, once. Inside a caller's transaction it is not retried (the caller's to retry)."""
    cfg = make_config()
    if not backend:
        pytest.skip("SQLite serialises writers: no deadlock to lose")
    real_add, lost = ingest.rollup.add, []

    def add_losing_once(ids, sign=1):
        ids = list(ids)
        if not lost:
            lost.append(len(ids))
            database.execute_sql("DO $$ BEGIN RAISE EXCEPTION 'deadlock detected (test)' "
                                 "USING ERRCODE = 'deadlock_detected'; END $$")
        real_add(ids, sign)

    monkeypatch.setattr(ingest.rollup, "add", add_losing_once)
    chain = make_chain("store-a", 4)
    epoch = Epoch.create(kiosk_id="quay-1", store_id="store-a", first_seen=NOW, last_seen=NOW)
    result = ingest.store_page(epoch.id, "quay-1", chain, (0, GENESIS_HASH), (4, chain[-1]["hash"]),
                               tz=cfg.tz, now=NOW, roster=ingest.Roster.load())
    assert lost == [4] and result.stored == [1, 2, 3, 4]
    assert Response.select().count() == 4 and Epoch.get_by_id(epoch.id).last_seq == 4
    visits = 'SELECT SUM("responses") FROM "rollup_day" WHERE "question" = \'\''
    assert database.execute_sql(visits).fetchone()[0] == 4

    lost.clear()
    more = make_chain("store-a", 2, start=5, prev=chain[-1]["hash"])
    with pytest.raises(OperationalError), database.atomic():
        ingest.store_page(epoch.id, "quay-1", more, (4, chain[-1]["hash"]), (6, more[-1]["hash"]),
                          tz=cfg.tz, now=NOW, roster=ingest.Roster.load())
    assert Response.select().count() == 4 and Epoch.get_by_id(epoch.id).last_seq == 4
