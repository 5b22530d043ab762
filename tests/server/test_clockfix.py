"""Clock repair, pure: a response's time from its boot anchor when the kiosk clock was wrong."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sync_server.collect.clockfix import (
    KIOSK,
    REPAIRED,
    TOLERANCE_S,
    UNANCHORED,
    Anchor,
    LocalClock,
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


# LocalClock (a page's day and hour with the zone's offset looked up once per UTC hour) must give
# what astimezone gives for every instant, also in hours where the offset changes mid-hour.
ZONES = ("Asia/Ho_Chi_Minh", "Europe/Berlin", "America/Sao_Paulo",
         "Australia/Lord_Howe",  # DST of 30 minutes
         "America/St_Johns",  # -03:30, DST of an hour: it changes at hh:30 UTC
         "Asia/Kathmandu")  # +05:30 → +05:45 on 1986-01-01, at 18:30 UTC


def _exact(utc: datetime, tz: ZoneInfo) -> tuple[date, int]:
    local = utc.replace(tzinfo=UTC).astimezone(tz)
    return local.date(), local.hour


def test_the_local_clock_agrees_with_astimezone_across_offset_changes():
    step = timedelta(minutes=7, seconds=13, microseconds=1)
    spans = [(datetime(1985, 12, 31, 12), 200), (datetime(2023, 3, 11, 12), 600),
             (datetime(2023, 3, 25, 12), 1000), (datetime(2023, 4, 1, 12), 400),
             (datetime(2023, 9, 30, 12), 400), (datetime(2023, 10, 28, 12), 600),
             (datetime(2023, 11, 4, 12), 400)]
    mismatched, checked = [], 0
    for name in ZONES:
        tz = ZoneInfo(name)
        clock = LocalClock(tz)
        for start, n in spans:
            for i in range(n):
                utc = start + i * step
                checked += 1
                if clock.day_hour(utc) != _exact(utc, tz):
                    mismatched.append((name, utc))
    assert checked == len(ZONES) * 3600 and mismatched == []


def test_st_johns_changes_its_local_hour_inside_a_utc_hour():
    # What the test above relies on: in the UTC hour 05:00-06:00 of 2023-03-12 the local hour
    # goes 01 → 03, so one offset for the whole hour would give a wrong hour for half of it.
    tz = ZoneInfo("America/St_Johns")
    hours = {_exact(datetime(2023, 3, 12, 5, m), tz)[1] for m in (10, 50)}
    assert hours == {1, 3}


def test_response_times_with_a_shared_clock_are_the_same():
    tz = ZoneInfo("Europe/Berlin")
    clock = LocalClock(tz)
    anchor = Anchor("b", 50_000_000, datetime(2023, 10, 29, 1, 30))
    cases = [("2023-10-29T02:10:00+02:00", "b", 49_000_000), ("2023-10-29T02:10:00+01:00", "b", 49_000_000),
             ("2023-10-29T02:40:00", "x", 1), ("not a time", "x", 1), ("2019-01-01T00:00:00Z", "b", 10),
             ("2023-03-26T02:30:00", "b", 49_999_000)]
    for recorded_at, boot, uptime in cases:
        for a in (anchor, None):
            assert (response_times(recorded_at, boot, uptime, a, tz, RECEIVED, clock)
                    == response_times(recorded_at, boot, uptime, a, tz, RECEIVED)), recorded_at
