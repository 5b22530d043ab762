"""The service-alert scan's copy of the recent responses (sync_server.reports.alert_window).

What must hold: the scan served from the copy raises exactly the alerts the scan that reads the
database raises — on random data (QR submits arriving in time order, kiosk pages arriving late
with repaired times and ties, exclusions and inclusions, transactions rolled back after the scan
saw their rows), step by step, with the alerts table carried on from one step to the next. And a
scan of the copy reads only what was stored since the last one. SQLite only: on PostgreSQL the
scan always reads the database (the module says why).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest
from peewee import fn

from kiosk.shared.protocol import GENESIS_HASH
from sync_server.collect import clockfix, ingest
from sync_server.config import AlertRule
from sync_server.db import database, write_transaction
from sync_server.db.models import Epoch, Response, ServiceAlert, utcnow
from sync_server.qr import store as qr_store
from sync_server.qr.group import Item
from sync_server.reports import alert_window, exclusion, service_alerts
from sync_server.reports.service_alerts import Rated
from tests.support.chains import iso_vn, make_chain
from tests.support.qr import seed_roster

pytestmark = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)

RULE = AlertRule(min_responses=3)
OFFICERS = ("nv-lan", "nv-hung", "nv-minh")


@pytest.fixture
def cfg(make_config):
    alert_window.forget()
    c = make_config()
    seed_roster()
    yield c
    alert_window.forget()


def alerts() -> list[tuple]:
    return [(a.id, a.subject_kind, a.subject, a.started_utc, a.ended_utc, a.responses, a.answers, a.low,
             a.acknowledged_at) for a in ServiceAlert.select().order_by(ServiceAlert.id)]


def scanned_both_ways(new: list[tuple], now: datetime, monkeypatch) -> None:
    """Scan `new` from the copy and from the database, each on the same alerts table (the first in
    a savepoint rolled back): the same alerts must come out; the database's are kept."""
    with write_transaction():
        with database.atomic() as savepoint:
            service_alerts.scan(new, RULE, now)
            from_copy = alerts()
            savepoint.rollback()
        with monkeypatch.context() as m:
            m.setattr(alert_window, "rows", lambda *a, **k: None)
            service_alerts.scan(new, RULE, now)
        assert alerts() == from_copy


def qr_group(cfg, rng: random.Random, now: datetime) -> list[tuple]:
    """1–4 QR submits at `now` (no scan of their own: the test scans them)."""
    items = []
    for _ in range(rng.randint(1, 4)):
        officer = rng.choice(OFFICERS)
        fields = {"officer": officer, "procedure": None, "questionnaire": "tt01", "questionnaire_version": 2,
                  "answers": {"q1": rng.choice((1, 1, 2, 3, 5)), "q2": rng.choice((1, 2, 4, 5))},
                  "reasons": [], "flags": [f"qr:officer:{officer}"]}
        items.append(Item(qr_store.Submission(fields, cfg.tz, now, None, None, None)))
    qr_store._commit(items)
    return [(i.result["officer"], "qr", now) for i in items]


def kiosk_page(cfg, rng: random.Random, now: datetime, state: dict) -> list[tuple]:
    """A kiosk's page arriving late: times up to 20 minutes back, some repaired, some equal."""
    seq, head = state.get("head", (0, GENESIS_HASH))
    n = rng.randint(1, 5)
    base = (now - timedelta(minutes=rng.uniform(0, 20))).replace(microsecond=0)
    times = [base + timedelta(seconds=rng.choice((0, 0, 30, 90))) * i for i in range(n)]
    page = make_chain("store-k", n, kiosk_id="quay-1", start=seq + 1, prev=head, each=lambda s: {
        "officer": rng.choice(OFFICERS + (None,)), "answers": {"q1": rng.choice((1, 2, 2, 4, 5))},
        "recorded_at": iso_vn(times[s - seq - 1] - timedelta(hours=rng.choice((0, 0, 9))))})
    fixed = []
    for r, at in zip(page, times, strict=True):
        recorded = clockfix.parse_recorded(r["recorded_at"], cfg.tz)
        corrected = at if recorded != at else None  # a clock 9 hours off, repaired
        fixed.append(clockfix.Times(recorded, corrected, "repaired" if corrected else "kiosk",
                                    clockfix.local_date(at, cfg.tz), 0))
    epoch = Epoch.get_or_create(kiosk_id="quay-1", store_id="store-k")[0]
    ingest.store_page(epoch.id, "quay-1", page, (seq, head), (page[-1]["seq"], page[-1]["hash"]), tz=cfg.tz,
                      now=now, roster=ingest.Roster.load(), times=fixed)
    state["head"] = (page[-1]["seq"], page[-1]["hash"])
    return [(r["officer"], "quay-1", at) for r, at in zip(page, times, strict=True)]


def test_the_copy_raises_the_same_alerts_as_the_database_on_random_data(cfg, monkeypatch):
    rng = random.Random(16)
    now = utcnow().replace(microsecond=0) - timedelta(hours=5)
    state: dict = {}
    for step in range(160):
        now += timedelta(seconds=rng.choice((0, 5, 30, 60, 120, 300, 900)))
        kind = rng.random()
        if kind < 0.08 and Response.select().exists():  # staff exclude one, or count it again
            r = Response.select().order_by(fn.Random()).first()
            exclusion.set_excluded(r.id, not r.excluded, "thử", "lan", now=now)
            continue
        if kind < 0.14:  # stored, scanned from the copy, then the transaction fails
            with pytest.raises(RuntimeError), write_transaction():
                new = qr_group(cfg, rng, now)
                service_alerts.scan(new, RULE, now)
                raise RuntimeError("the commit failed")
            continue
        new = kiosk_page(cfg, rng, now, state) if kind < 0.4 else qr_group(cfg, rng, now)
        # Now and then scanned later (a page pulled hours after it was stored, by another process).
        scanned_both_ways(new, now + rng.choice((timedelta(0),) * 6 + (timedelta(hours=2),)), monkeypatch)
        open_ones = ServiceAlert.select().where(ServiceAlert.acknowledged_at.is_null())
        if step % 40 == 39 and open_ones.exists():  # acknowledged: a later run is a new alert
            service_alerts.acknowledge(open_ones.order_by(fn.Random()).first().id, "đã nhắc", "lan", now)
    found = alerts()
    assert len({a[2] for a in found}) >= 3 and len(found) >= 8  # the data did trip the rule, often


def test_the_copy_reads_only_what_was_stored_since(cfg, monkeypatch):
    rng = random.Random(3)
    now = utcnow()
    for _ in range(30):
        qr_group(cfg, rng, now)
    queries = []
    real = database.obj.execute_sql

    def execute_sql(sql, params=None, *args, **kwargs):
        queries.append((sql, params))
        return real(sql, params, *args, **kwargs)

    with write_transaction():
        service_alerts.scan([("nv-lan", "qr", now)], RULE, now)  # loads the copy
    new = qr_group(cfg, rng, now)
    monkeypatch.setattr(database.obj, "execute_sql", execute_sql)
    with write_transaction():
        service_alerts.scan(new, RULE, now)
    read = [p for sql, p in queries if 'WHERE r."id" >' in sql]
    assert len(read) == 1 and read[0] == (Response.select(fn.MAX(Response.id)).scalar() - len(new),)
    assert not [sql for sql, _p in queries if '"local_date"' in sql]  # no day of responses read again


def test_a_scan_reaching_before_the_copy_reads_the_database(cfg):
    t = utcnow().replace(microsecond=0)
    keep, rng = timedelta(hours=2), random.Random(1)
    early = qr_group(cfg, rng, t - timedelta(minutes=30))
    later = t + timedelta(hours=5)
    with write_transaction():  # a scan at t + 5h: the copy holds from t + 3h on
        assert alert_window.rows({("officer", "nv-lan"): (later, later)}, later, keep, Rated) is not None
    # A scan whose clock says t (another process's): it reaches back to t - 45 min, before the copy.
    spans = {("officer", o): (t - timedelta(minutes=45), t) for o, _k, _at in early}
    with write_transaction():
        assert alert_window.rows(spans, t, keep, Rated) is None
        assert service_alerts._rows_by_subject(spans, t, keep) == service_alerts._rows_from_database(spans)
        assert sum(map(len, service_alerts._rows_from_database(spans).values())) == len(early)
    # Days back (a month's backlog pulled): never loaded into the copy.
    old = t - timedelta(days=3)
    assert alert_window.rows({("officer", "nv-lan"): (old, old)}, t, keep, Rated) is None


def test_the_copy_hands_the_scan_only_the_rows_near_a_low_score(cfg):
    """A run of 4s and 5s costs the scan nothing per row: with the rule's window, the copy hands
    over only the rows within one window of a low score in the span (issue 16)."""
    t = utcnow().replace(microsecond=0)

    def submit(at: datetime, q1: int) -> None:
        fields = {"officer": "nv-lan", "procedure": None, "questionnaire": "tt01", "questionnaire_version": 2,
                  "answers": {"q1": q1}, "reasons": [], "flags": ["qr:officer:nv-lan"]}
        qr_store._commit([Item(qr_store.Submission(fields, cfg.tz, at, None, None, None))])

    for i in range(40):  # one low score 20 minutes in, among 4s and 5s a minute apart
        submit(t + timedelta(minutes=i), 1 if i == 20 else 4 + i % 2)
    keep, key = timedelta(hours=3), ("officer", "nv-lan")
    end = t + timedelta(minutes=39)
    with write_transaction():
        every = alert_window.rows({key: (t, end)}, end, keep, Rated)[key]
        near = alert_window.rows({key: (t, end)}, end, keep, Rated, RULE.window)[key]
        after = alert_window.rows({key: (t + timedelta(minutes=21), end)}, end, keep, Rated, RULE.window)[key]
    assert len(every) == 40
    low_at = t + timedelta(minutes=20)
    assert near == [r for r in every if low_at - RULE.window < r.at < low_at + RULE.window]
    assert len(near) == 29 and after == []  # 14 each side of the low score; none without one
    assert service_alerts.incidents(near, RULE) == service_alerts.incidents(every, RULE)
