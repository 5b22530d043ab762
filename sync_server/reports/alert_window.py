"""The recent responses of every officer and counter, kept in memory for the service-alert scan.

Why: every QR submit (and every pulled page) is scanned for a run of low scores, and the scan read
back from the database every response of the officer within three days of the new one (then kept
those within the rule's window in Python): under load that is every earlier submit of the day,
read, joined with its answers and decoded again for each new one. Here one process keeps the
responses of the last hours in memory, brings them up to date by reading only the rows stored
since it last looked (ids above the last one it saw), and hands the scan exactly the rows its
query would have returned (`service_alerts._rows_by_subject`, which falls back to that query
whenever `rows` answers None).

SQLite only: there one writer at a time gives ids in commit order, so "an id above the last one
seen" is "stored since". On PostgreSQL a transaction can commit a smaller id after a larger one
was read: the scan reads the database as before.

What would make the copy differ from the database, and how it is noticed (each time, in three
small queries):
- a transaction that stored rows, was read here, then rolled back: the last row seen is looked
  up again by id and uuid;
- a response excluded or included again (the only change made to a stored response): always
  audited in the same transaction, so the audit log's last id moves;
- another database (a test, a restore): the copy is kept per database file.
Any of these, or a scan reaching further back than the copy, and the copy is loaded again (or the
scan goes to the database).
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sync_server.db import database, is_sqlite

Key = tuple[str, str]  # ("officer", code) | ("kiosk", kiosk_id)
Entry = tuple[datetime, int, Any]  # (time, response id, what the scan wants of it), sorted

_COLUMNS = ('SELECT r."id", r."uuid", r."officer", r."kiosk_id", r."recorded_utc", r."corrected_utc", '
            'r."excluded", COUNT(a."id"), COALESCE(SUM(CASE WHEN a."score" <= 2 THEN 1 ELSE 0 END), 0) '
            'FROM "response" r LEFT JOIN "answer" a ON a."response_id" = r."id" ')
_GROUP = ' GROUP BY r."id" ORDER BY r."id"'
# local_date is the day in the unit's time zone; a day before covers any offset.
_LOAD_SQL = _COLUMNS + 'WHERE r."local_date" >= ? AND r."id" <= ?' + _GROUP
_SINCE_SQL = _COLUMNS + 'WHERE r."id" > ?' + _GROUP


@dataclass
class _Copy:
    db: str  # the database file
    start: datetime  # every response at or after this time is held
    keep: timedelta
    audit_id: int
    last: tuple[int, str | None] = (0, None)  # the highest response id seen, and its uuid
    rows: dict[Key, list[Entry]] = field(default_factory=dict)
    # (time, id) of the responses with an answer scored 1-2, per key: where a run can be.
    lows: dict[Key, list[tuple[datetime, int]]] = field(default_factory=dict)

    def add(self, cursor, make) -> None:
        from_text = datetime.fromisoformat
        for rid, uuid, officer, kiosk_id, recorded, corrected, excluded, answers, low in cursor:
            if rid > self.last[0]:
                self.last = (rid, uuid)
            if excluded:
                continue
            at = corrected or recorded
            if type(at) is str:
                at = from_text(at)
            if at < self.start:
                continue
            entry = (at, rid, make(at, answers, low))
            for key in (("officer", officer), ("kiosk", kiosk_id)):
                if key[1]:
                    _put(self.rows.setdefault(key, []), entry)
                    if low:
                        _put(self.lows.setdefault(key, []), entry[:2])

    def trim(self, before: datetime) -> None:
        for held in (self.rows, self.lows):
            for key, rows in list(held.items()):
                cut = bisect_left(rows, before, key=lambda e: e[0])
                if cut == len(rows):
                    del held[key]
                elif cut:
                    del rows[:cut]
        self.start = before

    def around_lows(self, key: Key, a: datetime, b: datetime, window: timedelta) -> list[Entry]:
        """The entries of `key` within [a, b] that `service_alerts.incidents` keeps: those less
        than one window from a low score in [a, b] (none without one). Found by bisection, so a
        scan of an hour of 4s and 5s costs nothing per row."""
        lows = self.lows.get(key, ())
        i = bisect_left(lows, a, key=lambda e: e[0])
        j = bisect_right(lows, b, lo=i, key=lambda e: e[0])
        if i == j:
            return []
        held = self.rows[key]
        lo = max(bisect_left(held, a, key=lambda e: e[0]),
                 bisect_right(held, lows[i][0] - window, key=lambda e: e[0]))
        hi = min(bisect_right(held, b, lo=lo, key=lambda e: e[0]),
                 bisect_left(held, lows[j - 1][0] + window, lo=lo, key=lambda e: e[0]))
        return held[lo:hi]


def _put(rows: list, entry: tuple) -> None:
    """Into `rows`, sorted by (time, id)."""
    if not rows or rows[-1][:2] < entry[:2]:
        rows.append(entry)  # the usual case: the newest response
    else:
        insort(rows, entry, key=lambda e: e[:2])


_lock = threading.Lock()
_copy: _Copy | None = None


def rows(spans: dict[Key, tuple[datetime, datetime]], now: datetime, keep: timedelta,
         make, window: timedelta | None = None) -> dict[Key, list[Any]] | None:
    """{key: make(time, answers, low) of each of its responses (not excluded) with a time within
    its span, in order of (time, id)}, as the database holds them in this transaction; None when
    the copy cannot answer (PostgreSQL, or a span reaching back before `now - keep`). Call inside
    a write transaction (as the scan is). With `window` (a rule that needs a low score to trip),
    only the part of each span `service_alerts.incidents` would look at: within `window` of a
    low score (`_Copy.around_lows`)."""
    if not spans or not is_sqlite():
        return None
    lo = min(a for a, _b in spans.values())
    if lo < now - keep:
        return None
    global _copy
    with _lock:
        copy = _copy = _fresh(_copy, now, keep, make)
        if lo < copy.start:
            return None
        out: dict[Key, list[Any]] = {}
        for key, (a, b) in spans.items():
            if window is not None:
                out[key] = [e[2] for e in copy.around_lows(key, a, b, window)]
                continue
            held = copy.rows.get(key, ())
            i = bisect_left(held, a, key=lambda e: e[0])
            j = bisect_right(held, b, lo=i, key=lambda e: e[0])
            out[key] = [e[2] for e in held[i:j]]
        return out


def forget() -> None:
    """Drop the copy (tests; anything that changed responses without an audit entry)."""
    global _copy
    with _lock:
        _copy = None


def _fresh(copy: _Copy | None, now: datetime, keep: timedelta, make) -> _Copy:
    db = database.obj
    audit_id = db.execute_sql('SELECT MAX("id") FROM "audit_log"').fetchone()[0] or 0
    if (copy is None or copy.db != db.database or copy.keep != keep or copy.audit_id != audit_id
            or not _last_holds(copy)):
        copy = _Copy(db.database, now - keep, keep, audit_id)
        last = db.execute_sql('SELECT MAX("id") FROM "response"').fetchone()[0] or 0
        copy.last = (last, _uuid_of(last) if last else None)
        copy.add(db.execute_sql(_LOAD_SQL, ((copy.start - timedelta(days=1)).date().isoformat(), last)), make)
    copy.add(db.execute_sql(_SINCE_SQL, (copy.last[0],)), make)
    if copy.start < now - 2 * keep:  # drop what no scan within `keep` of now can reach
        copy.trim(now - keep)
    return copy


def _uuid_of(response_id: int) -> str | None:
    row = database.obj.execute_sql('SELECT "uuid" FROM "response" WHERE "id" = ?', (response_id,)).fetchone()
    return row[0] if row else None


def _last_holds(copy: _Copy) -> bool:
    rid, uuid = copy.last
    return rid == 0 or _uuid_of(rid) == uuid
