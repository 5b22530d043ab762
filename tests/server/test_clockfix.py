"""Clock repair, pure: a response's time from its boot anchor when the kiosk clock was wrong."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sync_server.collect.clockfix import (
    KIOSK,
    REPAIRED,
    TOLERANCE_S,
    UNANCHORED,
    Anchor,
    parse_recorded,
    response_times,
    skew_seconds,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SERVER_NOW = datetime(2026, 11, 22, 3, 0, 0)  # naive UTC = 10:00 in Vietnam
ANCHOR = Anchor("boot-1", uptime_ms=10_000_000, server_utc=SERVER_NOW)
RECEIVED = datetime(2026, 11, 22, 3, 0, 5)


def test_a_right_clock_is_kept():
    # 1 000 s of uptime before the anchor = 09:43:20 local; the kiosk agrees within a second.
    t = response_times("2026-11-22T09:43:20.500+07:00", "boot-1", 9_000_000, ANCHOR, TZ, RECEIVED)
    assert (t.source, t.corrected_utc) == (KIOSK, None)
    assert t.recorded_utc == datetime(2026, 11, 22, 2, 43, 20, 500000) == t.best
    assert t.local_date == date(2026, 11, 22)


def test_a_clock_years_behind_is_repaired_and_the_original_kept():
    t = response_times("2020-01-01T00:10:00.000+07:00", "boot-1", 9_000_000, ANCHOR, TZ, RECEIVED)
    assert t.source == REPAIRED
    assert t.recorded_utc == datetime(2019, 12, 31, 17, 10)  # what the kiosk said
    assert t.corrected_utc == datetime(2026, 11, 22, 2, 43, 20) == t.best
    assert t.local_date == date(2026, 11, 22)


def test_the_repair_moves_the_day_when_the_clock_was_a_few_minutes_off_at_midnight():
    anchor = Anchor("b", 1_000_000, datetime(2026, 11, 21, 17, 5))  # 00:05 on the 22nd locally
    # Recorded 100 s before the anchor, i.e. 00:03:20 on the 22nd; the kiosk clock said 23:55.
    t = response_times("2026-11-21T23:55:00+07:00", "b", 900_000, anchor, TZ, RECEIVED)
    assert t.source == REPAIRED and t.local_date == date(2026, 11, 22)


def test_within_the_tolerance_the_kiosk_time_stays():
    off = timedelta(seconds=TOLERANCE_S - 1)
    claimed = (ANCHOR.at(5_000_000) + off + timedelta(hours=7)).isoformat() + "+07:00"
    assert response_times(claimed, "boot-1", 5_000_000, ANCHOR, TZ, RECEIVED).source == KIOSK
    off = timedelta(seconds=TOLERANCE_S + 1)
    claimed = (ANCHOR.at(5_000_000) - off + timedelta(hours=7)).isoformat() + "+07:00"
    assert response_times(claimed, "boot-1", 5_000_000, ANCHOR, TZ, RECEIVED).source == REPAIRED


def test_another_boot_without_an_anchor_is_taken_as_recorded():
    t = response_times("2020-01-01T00:10:00+07:00", "boot-0", 5_000, ANCHOR, TZ, RECEIVED)
    assert (t.source, t.corrected_utc, t.recorded_utc) == (UNANCHORED, None, datetime(2019, 12, 31, 17, 10))
    t = response_times("2020-01-01T00:10:00+07:00", "boot-0", 5_000, None, TZ, RECEIVED)
    assert t.source == UNANCHORED


def test_an_unreadable_time_takes_the_anchor_or_the_time_received():
    t = response_times("yesterday", "boot-1", 9_000_000, ANCHOR, TZ, RECEIVED)
    assert (t.source, t.best) == (REPAIRED, datetime(2026, 11, 22, 2, 43, 20))
    t = response_times("yesterday", "boot-0", 1, ANCHOR, TZ, RECEIVED)
    assert (t.source, t.best, t.corrected_utc) == (UNANCHORED, RECEIVED, None)


def test_parse_and_skew():
    assert parse_recorded("2026-11-22T10:00:00", TZ) == SERVER_NOW  # naive: the unit's zone
    assert parse_recorded("0001-01-01T00:00:00+07:00", TZ) is None
    assert parse_recorded("", TZ) is None
    assert skew_seconds("2026-11-22T10:06:00+07:00", SERVER_NOW, TZ) == 360.0
    assert skew_seconds("garbage", SERVER_NOW, TZ) is None
