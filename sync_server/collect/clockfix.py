"""Repairing the times of responses recorded while a kiosk's clock was wrong (DESIGN.md §2).

A Pi has no battery clock: after a power cut without NTP its wall clock can be days or years
off, so `recorded_at` may be wrong. Every response also carries `boot_id` + `uptime_ms`, which
do not depend on the wall clock. At each pull the server reads the kiosk's status (its boot_id
and uptime now) and notes its own clock at that instant: an *anchor*. A response of the same
boot happened `anchor.uptime_ms - uptime_ms` before the anchor, on the server's clock.

Pure logic: no database, no Flask.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

# Below this difference the kiosk's own time is kept: its millisecond reading is better than the
# anchor's (network delay, and uptime drifts from real time by up to ~100 ppm, i.e. a minute or
# two over a month without a reboot).
TOLERANCE_S = 120.0

KIOSK, REPAIRED, UNANCHORED = "kiosk", "repaired", "unanchored"


@dataclass(frozen=True)
class Anchor:
    boot_id: str
    uptime_ms: int
    server_utc: datetime  # naive UTC

    def at(self, uptime_ms: int) -> datetime:
        """The server-clock time at which this boot's uptime read `uptime_ms`."""
        return self.server_utc - timedelta(milliseconds=self.uptime_ms - uptime_ms)


class Times(NamedTuple):  # a named tuple: made once per response, 100,000 on a catch-up
    recorded_utc: datetime  # what the kiosk's clock said (or the best time if unreadable)
    corrected_utc: datetime | None  # set only when the kiosk's clock was wrong
    source: str  # kiosk | repaired | unanchored
    local_date: date  # the day and the hour of the best time in the unit's time zone ([server]
    local_hour: int   # timezone): never the offset the kiosk wrote, which may be UTC

    @property
    def best(self) -> datetime:
        return self.corrected_utc or self.recorded_utc


def parse_recorded(recorded_at: str, tz: ZoneInfo) -> datetime | None:
    """A kiosk timestamp as naive UTC; a naive one is read in the unit's time zone."""
    try:
        dt = datetime.fromisoformat(recorded_at)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    try:
        return dt.replace(tzinfo=None) - dt.utcoffset()  # = astimezone(UTC), several times faster
    except OverflowError:  # year 1 or 9999 with an offset
        return None


def local_date(utc: datetime, tz: ZoneInfo) -> date:
    return utc.replace(tzinfo=UTC).astimezone(tz).date()


_HOUR, _TICK = timedelta(hours=1), timedelta(microseconds=1)
_make_times = tuple.__new__  # Times(...) goes through a generated __new__: a third of the cost


class LocalClock:
    """The unit's local day and hour of naive-UTC instants, for a page of thousands: the zone's
    offset is looked up once per UTC hour (ZoneInfo's astimezone per response was most of the
    time repair's cost). An hour whose two ends have different offsets (a DST change inside
    it) is converted exactly, instant by instant, as is anything astimezone cannot convert."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._offsets: dict[tuple[int, int, int, int], timedelta | None] = {}

    def _offset(self, utc: datetime) -> timedelta | None:
        hour = datetime(utc.year, utc.month, utc.day, utc.hour)
        try:
            first = hour.replace(tzinfo=UTC).astimezone(self.tz).utcoffset()
            last = (hour + _HOUR - _TICK).replace(tzinfo=UTC).astimezone(self.tz).utcoffset()
        except OverflowError:  # year 1 or 9999: the exact path raises as it always did
            return None
        return first if first == last else None

    def day_hour(self, utc: datetime) -> tuple[date, int]:
        key = (utc.year, utc.month, utc.day, utc.hour)  # cheaper than replace(minute=0, …)
        try:
            offset = self._offsets[key]
        except KeyError:
            offset = self._offsets[key] = self._offset(utc)
        if offset is None:
            local = utc.replace(tzinfo=UTC).astimezone(self.tz)
        else:
            local = utc + offset
        return local.date(), local.hour


def _times(recorded_utc: datetime, corrected_utc: datetime | None, source: str, tz: ZoneInfo,
           clock: LocalClock | None = None) -> Times:
    if clock is None:
        local = (corrected_utc or recorded_utc).replace(tzinfo=UTC).astimezone(tz)
        day, hour = local.date(), local.hour
    else:
        day, hour = clock.day_hour(corrected_utc or recorded_utc)
    return _make_times(Times, (recorded_utc, corrected_utc, source, day, hour))


def response_times(recorded_at: str, boot_id: str, uptime_ms: int, anchor: Anchor | None,
                   tz: ZoneInfo, received: datetime, clock: LocalClock | None = None) -> Times:
    """When the response really happened, as far as the server can tell. `clock`: a LocalClock
    of `tz` shared by a page's responses (the same result, cheaper)."""
    claimed = parse_recorded(recorded_at, tz)
    if anchor is None or anchor.boot_id != boot_id:
        # A boot the server never saw live: nothing to check the kiosk's clock against. An
        # unreadable time falls back to the time it was received (an upper bound).
        return _times(claimed or received, None, UNANCHORED, tz, clock)
    implied = anchor.at(uptime_ms)
    if claimed is not None and abs((claimed - implied).total_seconds()) <= TOLERANCE_S:
        return _times(claimed, None, KIOSK, tz, clock)
    return _times(claimed or implied, implied, REPAIRED, tz, clock)


def skew_seconds(kiosk_wall: str, server_utc: datetime, tz: ZoneInfo) -> float | None:
    """The kiosk's wall clock minus the server's at the same instant (positive: kiosk ahead)."""
    claimed = parse_recorded(kiosk_wall, tz)
    return None if claimed is None else (claimed - server_utc).total_seconds()
