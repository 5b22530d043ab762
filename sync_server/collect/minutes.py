"""The minutes (biên bản) of a day's collection: one per kiosk per day, and one for the QR page,
as an office signs them when the box is opened before witnesses (seed 004). Pulls stay in the
pull log; a day's minutes say what the server holds from that kiosk for that day: per data store
the count received, the seq range, the head hash, and whether the chain verifies — checked again
from the stored responses when the minutes are drawn up, not copied from the pulls. No Flask.

Only the office's own kiosks count (`unit` = ""): at a province hub the communes' data has
minutes in the commune.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from peewee import fn

from kiosk.shared.exc import ProtocolError
from kiosk.shared.protocol import GENESIS_HASH, verify_chain
from sync_server.db.models import PullLog, Response

VERIFY_PAGE = 2000  # responses read at a time when the chain is checked again


@dataclass
class StoreLine:
    """What one data store (one memory card) delivered that day."""

    store_id: str
    received: int
    first_seq: int
    last_seq: int
    head_hash: str
    problem: str = ""  # empty when the chain verifies: else the first bad link, as verify_chain says

    @property
    def verified(self) -> bool:
        return not self.problem


@dataclass
class DayMinutes:
    kiosk_id: str
    day: date
    stores: list[StoreLine] = field(default_factory=list)
    first_at: datetime | None = None  # the first and last response received (naive UTC)
    last_at: datetime | None = None
    pulls: int = 0  # pulls started that day (none for the QR page: it stores as citizens submit)
    pulls_failed: int = 0
    opened_by_hand: int = 0  # of which a staff member opened by hand
    conflicts: int = 0
    flagged: int = 0
    repaired: int = 0

    @property
    def received(self) -> int:
        return sum(s.received for s in self.stores)

    @property
    def verified(self) -> bool:
        return all(s.verified for s in self.stores)


def utc_window(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The local day as [start, end) in naive UTC, the way times are stored."""
    start = datetime.combine(day, time(0), tz).astimezone(UTC).replace(tzinfo=None)
    end = datetime.combine(day + timedelta(days=1), time(0), tz).astimezone(UTC).replace(tzinfo=None)
    return start, end


def _check(store_id: str, first: int, last: int) -> str:
    """Verify the stored chain from `first` to `last`, linked onto the response before it."""
    prev_seq, prev_hash = first - 1, GENESIS_HASH
    if first > 1:
        before = Response.get_or_none((Response.store_id == store_id) & (Response.seq == first - 1))
        if before is None:
            return f"seq {first - 1}: not stored"
        prev_hash = before.hash
    while prev_seq < last:
        rows = (Response.select(Response.body).where((Response.store_id == store_id)
                                                     & (Response.seq > prev_seq) & (Response.seq <= last))
                .order_by(Response.seq).limit(VERIFY_PAGE).tuples())
        bodies = [json.loads(body) for (body,) in rows]
        if not bodies:
            return f"seq {prev_seq + 1}: not stored"
        try:
            prev_seq, prev_hash = verify_chain(bodies, prev_seq, prev_hash)
        except ProtocolError as e:
            return str(e)
    return ""


def for_day(kiosk_id: str, day: date, tz: ZoneInfo) -> DayMinutes:
    start, end = utc_window(day, tz)
    out = DayMinutes(kiosk_id, day)
    mine = ((Response.kiosk_id == kiosk_id) & (Response.unit == "")
            & (Response.received_at >= start) & (Response.received_at < end))
    groups = (Response.select(Response.store_id, fn.COUNT(Response.id), fn.MIN(Response.seq),
                              fn.MAX(Response.seq), fn.MIN(Response.received_at),
                              fn.MAX(Response.received_at))
              .where(mine).group_by(Response.store_id).tuples())
    for store_id, count, first, last, first_at, last_at in sorted(groups, key=lambda g: g[4]):
        head = Response.get((Response.store_id == store_id) & (Response.seq == last)).hash
        out.stores.append(StoreLine(store_id, count, first, last, head, _check(store_id, first, last)))
        out.first_at = min(out.first_at or first_at, first_at)
        out.last_at = max(out.last_at or last_at, last_at)
    pulls = PullLog.select().where((PullLog.kiosk_id == kiosk_id) & (PullLog.started_at >= start)
                                   & (PullLog.started_at < end))
    for log in pulls.iterator():
        out.pulls += 1
        out.pulls_failed += log.status != "ok"
        out.opened_by_hand += log.opened_by is not None
        out.conflicts += log.conflicts
        out.flagged += log.flagged
        out.repaired += log.repaired
    return out


def kiosks_of_day(day: date, tz: ZoneInfo, known: list[str]) -> list[str]:
    """The kiosks with minutes that day: every known one, and any other that delivered or was
    pulled (a kiosk since retired)."""
    start, end = utc_window(day, tz)
    delivered = (Response.select(Response.kiosk_id).distinct()
                 .where((Response.unit == "") & (Response.received_at >= start)
                        & (Response.received_at < end)))
    pulled = PullLog.select(PullLog.kiosk_id).distinct().where((PullLog.started_at >= start)
                                                             & (PullLog.started_at < end))
    return sorted(set(known) | {k for (k,) in delivered.tuples()} | {k for (k,) in pulled.tuples()})
