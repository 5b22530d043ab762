"""Migration 8: the hour of every response in the unit's time zone (`[server] timezone`), and the
hourly rollup rebuilt by it.

Until now the hour × weekday map took the hour from the UTC offset the kiosk wrote in
`recorded_at`, while `local_date` (every daily figure) follows the server's zone: a kiosk whose
clock runs in UTC had its ratings filed seven hours early, outside the map. `response.local_hour`
is now stored beside `local_date`, both from the best known time (the repaired one when the
kiosk clock was wrong) in the server's zone; `rollup_hour` is recomputed from it. Frozen: no
application code; the zone is handed in by the migration runner.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from peewee import SmallIntegerField

from sync_server.db.migrations.frozen import add_column

_CHUNK = 1000  # ids per UPDATE: well under SQLite's limit of bound parameters


def _utc(value) -> datetime:
    """A naive UTC datetime column: PostgreSQL returns datetimes, SQLite ISO text."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _hours(db, tz: ZoneInfo) -> dict[int, list[int]]:
    """Response ids by the hour of their best known time in `tz`."""
    by_hour: dict[int, list[int]] = defaultdict(list)
    cursor = db.execute_sql('SELECT "id", "recorded_utc", "corrected_utc" FROM "response"')
    for rid, recorded_utc, corrected_utc in cursor:
        best = _utc(corrected_utc or recorded_utc)
        by_hour[best.replace(tzinfo=UTC).astimezone(tz).hour].append(rid)
    return by_hour


def up(db, tz: ZoneInfo) -> None:
    add_column(db, "response", "local_hour", SmallIntegerField(), default_sql="0")
    for hour, ids in _hours(db, tz).items():
        if not hour:
            continue  # the column's default
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i:i + _CHUNK]
            marks = ", ".join([db.param] * len(chunk))
            db.execute_sql(f'UPDATE "response" SET "local_hour" = {int(hour)} WHERE "id" IN ({marks})', chunk)
    db.execute_sql('DELETE FROM "rollup_hour"')
    db.execute_sql(
        'INSERT INTO "rollup_hour" ("local_date", "hour", "responses", "low") '
        'SELECT r."local_date", r."local_hour", COUNT(*), '
        'SUM(CASE WHEN EXISTS (SELECT 1 FROM "answer" a WHERE a."response_id" = r."id" AND a."score" <= 2) '
        'THEN 1 ELSE 0 END) FROM "response" r WHERE NOT r."excluded" GROUP BY r."local_date", r."local_hour"')
