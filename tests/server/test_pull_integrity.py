"""Pulls that never lose or double, against a misbehaving fleet of fake kiosks — real HTTP
servers on 127.0.0.1 that drop a connection in the middle of a page, answer slower than the
timeout, close without a reply, send garbage, come back with a new card, skip a seq, or change
a response. In every case: nothing lost, nothing doubled, and the right alert (or none)."""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta

import pytest
from peewee import fn

from kiosk.shared.protocol import canonical_json
from sync_server.collect.clockfix import KIOSK, REPAIRED, UNANCHORED
from sync_server.collect.messages import render
from sync_server.collect.puller import pull_all, pull_kiosk
from sync_server.db.models import (
    Alert,
    Answer,
    ClockAnchor,
    Epoch,
    Kiosk,
    Procedure,
    PullLog,
    Questionnaire,
    Response,
)
from sync_server.reports import overview as aggregate
from tests.support.chains import iso_vn, make_chain, utc
from tests.support.fake_kiosk import FakeKiosk, Fault
from tests.support.server import TOKEN, know_officers

FAST = "connect_timeout_s = 1\nread_timeout_s = 1\n"


@pytest.fixture
def fleet():
    made: list[FakeKiosk] = []

    def make(kiosk_id: str, store_id: str, responses: list[dict]) -> FakeKiosk:
        f = FakeKiosk(kiosk_id, store_id, responses)
        made.append(f)
        return f

    yield make
    for f in made:
        f.stop()


def english(stored: str | None) -> str:
    """What a pull said, as the journal prints it (English)."""
    return render(stored, str)


def assert_holds_exactly(chain: list[dict], store_id: str | None = None) -> None:
    """The server holds each response of `chain` once, byte for byte as sealed."""
    store_id = store_id or chain[0]["store_id"]
    rows = list(Response.select().where(Response.store_id == store_id).order_by(Response.seq))
    assert [r.seq for r in rows] == [c["seq"] for c in chain]
    assert [r.body for r in rows] == [canonical_json(c).decode() for c in chain]
    answers = Answer.select().join(Response).where(Response.store_id == store_id).count()
    assert answers == sum(len(c["answers"]) for c in chain)


def data_alerts() -> list[tuple[str, str, int]]:
    return [(a.kiosk_id, a.kind, a.count) for a in Alert.select().order_by(Alert.id)]


def test_a_connection_dropped_mid_page_loses_and_doubles_nothing(fleet, make_config):
    chain = make_chain("store-a", 30)
    f = fleet("quay-1", "store-a", chain)
    f.faults = [Fault("responses", "drop", after=10)]  # the second page is cut in half
    cfg = make_config([("quay-1", f.url, TOKEN)], extra=FAST)
    know_officers("nv-lan")

    r = pull_kiosk(cfg.kiosks[0], cfg, page_limit=10)
    assert (r.status, r.received, r.cursor) == ("unreachable", 10, 10)
    assert "connection dropped in the middle of a reply" in r.message
    assert f.acks == []  # no ack to a kiosk that just failed: it would cost another timeout
    assert_holds_exactly(chain[:10])
    assert data_alerts() == []  # a network fault is not a data alert
    assert english(Kiosk.get_by_id("quay-1").last_error) == r.message

    r = pull_kiosk(cfg.kiosks[0], cfg, page_limit=10)
    assert (r.status, r.received, r.first_seq, r.last_seq) == ("ok", 20, 11, 30), r.message
    assert_holds_exactly(chain)
    assert f.acks == [{"store_id": "store-a", "seq": 30}]
    assert [p.status for p in PullLog.select().order_by(PullLog.id)] == ["unreachable", "ok"]


@pytest.mark.parametrize("fault,reason", [
    (Fault("status", "slow", delay_s=3), "timed out"),
    (Fault("responses", "slow", delay_s=3, after=5), "timed out"),
    (Fault("status", "close"), "connection closed without a reply"),
    (Fault("responses", "close", after=5), "connection closed without a reply"),
])
def test_slow_or_silent_kiosk_is_unreachable_and_the_next_pull_completes(fleet, make_config, fault,
                                                                          reason):
    chain = make_chain("store-a", 12)
    f = fleet("quay-1", "store-a", chain)
    f.faults = [dataclasses.replace(fault)]  # the parameters are shared by both backends
    cfg = make_config([("quay-1", f.url, TOKEN)], extra=FAST)
    know_officers("nv-lan")
    r = pull_kiosk(cfg.kiosks[0], cfg, page_limit=5)
    assert r.status == "unreachable" and reason in r.message, r.message
    assert data_alerts() == []
    if r.cursor:  # the pages before the fault are kept
        assert_holds_exactly(chain[:r.cursor])
    r = pull_kiosk(cfg.kiosks[0], cfg, page_limit=5)
    assert r.status == "ok", r.message
    assert_holds_exactly(chain)
    assert f.acks[-1] == {"store_id": "store-a", "seq": 12}


def test_a_slow_kiosk_does_not_hold_up_the_others_in_one_round(fleet, make_config):
    slow = fleet("quay-1", "store-a", make_chain("store-a", 3))
    slow.faults = [Fault("status", "slow", delay_s=5)]
    good = fleet("quay-2", "store-b", make_chain("store-b", 3, kiosk_id="quay-2"))
    cfg = make_config([("quay-1", slow.url, TOKEN), ("quay-2", good.url, TOKEN)], extra=FAST)
    know_officers("nv-lan")
    r_slow, r_good = pull_all(cfg)
    assert (r_slow.status, r_good.status, r_good.received) == ("unreachable", "ok", 3)
    # The good kiosk's minutes were written while the slow one was still waiting.
    good_log = PullLog.get(PullLog.kiosk_id == "quay-2")
    slow_log = PullLog.get(PullLog.kiosk_id == "quay-1")
    assert good_log.finished_at < slow_log.finished_at


def test_garbage_is_refused_alerted_once_and_counted(fleet, make_config):
    chain = make_chain("store-a", 4)
    f = fleet("quay-1", "store-a", chain)
    f.raw_page = ("<html>captive portal</html>", "text/html")
    cfg = make_config([("quay-1", f.url, TOKEN)])
    know_officers("nv-lan")
    for _ in range(3):
        assert pull_kiosk(cfg.kiosks[0], cfg).status == "refused"
    assert data_alerts() == [("quay-1", "garbage", 3)]  # one open alert, raised three times
    assert Response.select().count() == 0 and f.acks == []
    f.raw_page = None
    assert pull_kiosk(cfg.kiosks[0], cfg).received == 4
    assert_holds_exactly(chain)


def test_a_gap_stores_what_chains_and_nothing_after(fleet, make_config):
    chain = make_chain("store-a", 6)
    f = fleet("quay-1", "store-a", chain[:2] + chain[3:])  # seq 3 missing
    cfg = make_config([("quay-1", f.url, TOKEN)])
    know_officers("nv-lan")
    r = pull_kiosk(cfg.kiosks[0], cfg, page_limit=2)
    assert (r.status, r.received, r.cursor) == ("refused", 2, 2)
    assert pull_kiosk(cfg.kiosks[0], cfg, page_limit=2).status == "refused"
    assert data_alerts() == [("quay-1", "gap", 2)]
    assert english(Alert.get().message).startswith("seq 3: expected next, got 4")
    assert_holds_exactly(chain[:2])
    assert f.acks == [{"store_id": "store-a", "seq": 2}]  # what is held is acked, no more
    f.responses = chain  # the kiosk is repaired
    assert pull_kiosk(cfg.kiosks[0], cfg, page_limit=2).status == "ok"
    assert_holds_exactly(chain)


def test_a_tampered_response_is_refused_and_alerted(fleet, make_config):
    chain = make_chain("store-a", 5)
    tampered = json.loads(json.dumps(chain))
    tampered[3]["answers"]["q1"] = 5 if chain[3]["answers"]["q1"] != 5 else 1
    f = fleet("quay-1", "store-a", tampered)
    cfg = make_config([("quay-1", f.url, TOKEN)])
    know_officers("nv-lan")
    r = pull_kiosk(cfg.kiosks[0], cfg, page_limit=3)
    assert (r.status, r.received) == ("refused", 3)
    assert data_alerts() == [("quay-1", "chain", 1)]
    assert "seq 4: hash does not match the content" in english(Alert.get().message)
    assert_holds_exactly(chain[:3])


def test_a_new_card_is_a_new_epoch_and_says_what_the_old_card_still_held(fleet, make_config):
    old_chain = make_chain("store-a", 5)
    f = fleet("quay-1", "store-a", old_chain[:3])
    cfg = make_config([("quay-1", f.url, TOKEN)], extra=FAST)
    know_officers("nv-lan")
    assert pull_kiosk(cfg.kiosks[0], cfg).received == 3
    f.responses = old_chain  # two more ratings; this pull is cut off before they arrive
    f.faults = [Fault("responses", "drop")]
    assert pull_kiosk(cfg.kiosks[0], cfg).status == "unreachable"

    new_chain = make_chain("store-b", 2, uuid_prefix="cccccccc")  # the card was re-imaged
    f.store_id, f.responses = "store-b", new_chain
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert (r.status, r.received, r.new_epoch) == ("ok", 2, True), r.message
    assert {e.store_id: e.last_seq for e in Epoch.select()} == {"store-a": 3, "store-b": 2}
    assert_holds_exactly(old_chain[:3])
    assert_holds_exactly(new_chain)
    (alert,) = Alert.select()
    assert alert.kind == "new_store"
    assert "old store store-a is kept (seq 1-3 held)" in english(alert.message)
    assert "last reported seq 5: 2 response(s) were never pulled" in english(alert.message)


def test_unknown_codes_are_stored_flagged_counted_and_alerted(fleet, make_config):
    def each(seq: int) -> dict:
        return {1: {"officer": "nv-ghost"}, 2: {"procedure": "9.999999"},
                3: {"questionnaire": "tt01-5", "questionnaire_version": 3}}.get(seq, {})

    chain = make_chain("store-a", 4, each=each)
    f = fleet("quay-1", "store-a", chain)
    cfg = make_config([("quay-1", f.url, TOKEN)])
    know_officers("nv-lan")
    Procedure.create(code="1.001193", name="Khai sinh")
    Questionnaire.create(qid="tt01-5", version=2, document="{}")

    r = pull_kiosk(cfg.kiosks[0], cfg, page_limit=1)  # four pages, one alert
    assert (r.status, r.received, r.flagged) == ("ok", 4, 3), r.message
    assert_holds_exactly(chain)
    flags = [x.unknown_refs for x in Response.select().order_by(Response.seq)]
    assert flags == ["officer:nv-ghost", "procedure:9.999999", "questionnaire:tt01-5@3", None]
    (alert,) = Alert.select()
    assert (alert.kind, alert.count) == ("unknown", 1)
    for ref in ("officer:nv-ghost", "procedure:9.999999", "questionnaire:tt01-5@3"):
        assert ref in english(alert.message)
    # Counted like any other: the unknown officer gets a row of its own on the dashboard.
    rows = {row.code: row for row in aggregate.officer_summary(utc(2026, 11, 22).date()).rows}
    assert rows["nv-ghost"].today.responses == 1 and rows["nv-lan"].today.responses == 3
    assert PullLog.get().flagged == 3


def test_wrong_kiosk_clock_is_repaired_and_the_original_kept(fleet, make_config):
    """The kiosk booted with its clock at 2020-01-01 (no battery, no NTP). Boot A was anchored by
    an earlier pull; boot B is the current one; boot C was never seen live."""
    real_boot_a, real_boot_b = utc(2026, 11, 20, 1, 0), utc(2026, 11, 21, 23, 0)
    wrong_boot = utc(2020, 1, 1)

    def at(boot: str, uptime_s: int) -> dict:
        return {"boot_id": boot, "uptime_ms": uptime_s * 1000,
                "recorded_at": iso_vn(wrong_boot + timedelta(seconds=uptime_s))}

    plan = {1: at("boot-a", 600), 2: at("boot-a", 3600), 3: at("boot-c", 60),
            4: at("boot-b", 60), 5: at("boot-b", 3 * 3600)}
    chain = make_chain("store-a", 5, each=plan.__getitem__)
    f = fleet("quay-1", "store-a", chain[:2])
    cfg = make_config([("quay-1", f.url, TOKEN)])
    know_officers("nv-lan")

    # First pull during boot A, 2 h after it started.
    f.status_extra = {"boot_id": "boot-a", "uptime_ms": 7200_000, "clock_synced": False,
                      "wall_clock": iso_vn(wrong_boot + timedelta(seconds=7200))}
    now_a = real_boot_a + timedelta(seconds=7200)
    first = pull_kiosk(cfg.kiosks[0], cfg, now=lambda: now_a)
    assert (first.status, first.repaired) == ("ok", 2), first.message
    # Then during boot B, 4 h after it started.
    f.responses = chain
    f.status_extra = {"boot_id": "boot-b", "uptime_ms": 4 * 3600_000, "clock_synced": False,
                      "wall_clock": iso_vn(wrong_boot + timedelta(hours=4))}
    now_b = real_boot_b + timedelta(hours=4)
    r = pull_kiosk(cfg.kiosks[0], cfg, now=lambda: now_b)
    assert (r.status, r.received, r.repaired) == ("ok", 3, 2), r.message
    assert "3 response time(s) repaired" not in r.message and "2 response time(s) repaired" in r.message

    rows = {x.seq: x for x in Response.select()}
    expected = {1: (REPAIRED, real_boot_a + timedelta(seconds=600)),
                2: (REPAIRED, real_boot_a + timedelta(seconds=3600)),
                3: (UNANCHORED, None),
                4: (REPAIRED, real_boot_b + timedelta(seconds=60)),
                5: (REPAIRED, real_boot_b + timedelta(hours=3))}
    for seq, (source, corrected) in expected.items():
        row = rows[seq]
        assert (row.time_source, row.corrected_utc) == (source, corrected), seq
        assert row.recorded_at == chain[seq - 1]["recorded_at"]  # the original, kept
        assert row.recorded_utc.year in (2019, 2020)
        assert row.local_date == aggregate.local_today(cfg.tz, row.time_utc)
        assert {a.local_date for a in row.answers} == {row.local_date}
    assert rows[5].local_date.isoformat() == "2026-11-22"  # 02:00 UTC on the 22nd = 09:00 local
    assert rows[3].local_date.isoformat() == "2020-01-01"  # unverifiable: kept as recorded
    anchors = {a.boot_id: (a.uptime_ms, a.server_utc, a.clock_synced) for a in ClockAnchor.select()}
    assert anchors == {"boot-a": (7200_000, now_a, False), "boot-b": (4 * 3600_000, now_b, False)}
    skew = Kiosk.get_by_id("quay-1").clock_skew_s
    assert skew == pytest.approx((wrong_boot - real_boot_b).total_seconds(), abs=1)


def test_a_right_kiosk_clock_is_left_alone(make_kiosk, make_config):
    """The real kiosk API on this machine: its clock is the server's, nothing is repaired."""
    from tests.support.server import rating

    k = make_kiosk("quay-1")
    for score in (5, 4, 3):
        k.store.append(rating(score))
    cfg = make_config([k.entry()])
    know_officers("nv-lan")
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert (r.status, r.received, r.repaired) == ("ok", 3, 0), r.message
    assert {x.time_source for x in Response.select()} == {KIOSK}
    assert abs(Kiosk.get_by_id("quay-1").clock_skew_s) < 5


def test_thirty_days_offline_twenty_thousand_responses_one_pull_catches_up(fleet, make_config):
    n, days = 20_000, 30
    real_boot, wrong_boot = utc(2026, 10, 20, 0, 30), utc(2020, 1, 1)
    step_ms = days * 86_400_000 // n

    def each(seq: int) -> dict:
        uptime = seq * step_ms
        return {"uptime_ms": uptime, "boot_id": "long-boot", "officer": ("nv-lan", "nv-hung")[seq % 2],
                "recorded_at": iso_vn(wrong_boot + timedelta(milliseconds=uptime))}

    chain = make_chain("store-a", n, each=each)
    f = fleet("quay-1", "store-a", chain)
    uptime_now = days * 86_400_000 + 60_000
    f.status_extra = {"boot_id": "long-boot", "uptime_ms": uptime_now, "clock_synced": False,
                      "wall_clock": iso_vn(wrong_boot + timedelta(milliseconds=uptime_now))}
    now = real_boot + timedelta(milliseconds=uptime_now)
    cfg = make_config([("quay-1", f.url, TOKEN)])
    know_officers("nv-lan", "nv-hung")

    r = pull_kiosk(cfg.kiosks[0], cfg, now=lambda: now)
    assert (r.status, r.received, r.first_seq, r.last_seq, r.repaired) == ("ok", n, 1, n, n), r.message
    assert f.acks == [{"store_id": "store-a", "seq": n}]
    assert Response.select().count() == n and Answer.select().count() == n
    assert Response.select(Response.uuid).distinct().count() == n
    assert Epoch.get().last_seq == n and Epoch.get().head_hash == chain[-1]["hash"]
    first, last = Response.get(Response.seq == 1), Response.get(Response.seq == n)
    assert first.corrected_utc == real_boot + timedelta(milliseconds=step_ms)
    assert last.corrected_utc == real_boot + timedelta(milliseconds=n * step_ms)
    # Thirty-one local days, each with its share: nothing piled up on the day of the pull.
    per_day = dict(Response.select(Response.local_date, fn.COUNT(Response.id)).group_by(
        Response.local_date).tuples())
    assert len(per_day) == 31 and max(per_day.values()) <= 700
    log = PullLog.get()
    assert (log.received, log.first_seq, log.last_seq, log.chain_verified) == (n, 1, n, True)
    assert log.head_hash == chain[-1]["hash"] and log.kiosk_last_seq == n
    again = pull_kiosk(cfg.kiosks[0], cfg, now=lambda: now)
    assert (again.status, again.received) == ("ok", 0) and Response.select().count() == n


def test_pulls_of_one_kiosk_at_the_same_time_store_each_response_once(fleet, make_config):
    """serve's loop and a cron `pull --once` may pull the same kiosk together."""
    import threading

    chain = make_chain("store-a", 300)
    f = fleet("quay-1", "store-a", chain)
    cfg = make_config([("quay-1", f.url, TOKEN)])
    know_officers("nv-lan")
    results = []
    threads = [threading.Thread(target=lambda: results.append(pull_kiosk(cfg.kiosks[0], cfg, page_limit=20)))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all("server error" not in r.message for r in results), [r.message for r in results]
    assert sum(r.received for r in results) == 300
    assert_holds_exactly(chain)
    assert Epoch.select().count() == 1 and data_alerts() == []
    assert pull_kiosk(cfg.kiosks[0], cfg).status == "ok"
