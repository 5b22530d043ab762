"""Migration 6: service alerts (a run of low scores for an officer or counter, acknowledged by
staff with a comment), sampling quotas per field and date window (seed 002), and `rollup_hour`:
per local day and hour of the day, the responses and those with an answer of 1–2 — the report's
hour × weekday map reads it instead of every response. Filled here for the responses already
stored, by `fill_hours()`, which `hailong-server rebuild-rollups` uses too."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from peewee import AutoField, CharField, DateField, DateTimeField, IntegerField, Model, TextField

from sync_server.db.migrations.frozen import add_index, create


class _Base(Model):
    class Meta:
        legacy_table_names = False


class ServiceAlert(_Base):
    id = AutoField()
    subject_kind = CharField(max_length=16)
    subject = CharField(max_length=64)
    started_utc = DateTimeField()
    ended_utc = DateTimeField()
    responses = IntegerField()
    answers = IntegerField()
    low = IntegerField()
    created_at = DateTimeField()
    updated_at = DateTimeField(null=True)
    acknowledged_by = CharField(max_length=64, null=True)
    acknowledged_at = DateTimeField(null=True)
    comment = TextField(null=True)


class Quota(_Base):
    id = AutoField()
    field_code = CharField(max_length=64)
    target = IntegerField()
    start = DateField()
    end = DateField()
    label = CharField(max_length=200)


class RollupHour(_Base):
    id = AutoField()
    local_date = DateField()
    hour = IntegerField()
    responses = IntegerField()
    low = IntegerField()


def local_hour(recorded_at: str, time_utc: datetime) -> int:
    """The hour of the day where the kiosk stands: the best known UTC time moved by the UTC offset
    the kiosk wrote in recorded_at (+07:00 in Vietnam, which has no summer time)."""
    try:
        offset = datetime.fromisoformat(recorded_at).utcoffset() or timedelta(0)
    except ValueError:
        offset = timedelta(0)
    return (time_utc + offset).hour


def _as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def fill_hours(db) -> int:
    """Recompute rollup_hour from the raw rows (not excluded); returns its rows. The hour needs
    Python (the offset is inside recorded_at), so the responses are read once, in id order."""
    db.execute_sql('DELETE FROM "rollup_hour"')
    low = {row[0] for row in db.execute_sql(
        'SELECT DISTINCT a."response_id" FROM "answer" a WHERE a."score" <= 2')}
    counts: dict[tuple[str, int], list[int]] = defaultdict(lambda: [0, 0])
    cursor = db.execute_sql('SELECT "id", "local_date", "recorded_at", "recorded_utc", "corrected_utc" '
                            'FROM "response" WHERE NOT "excluded"')
    for rid, day, recorded_at, recorded_utc, corrected_utc in cursor:
        day = day.isoformat() if isinstance(day, date) else str(day)
        cell = counts[(day, local_hour(recorded_at, _as_datetime(corrected_utc or recorded_utc)))]
        cell[0] += 1
        cell[1] += rid in low
    if counts:
        marks = ", ".join([db.param] * 4)
        db.cursor().executemany(
            f'INSERT INTO "rollup_hour" ("local_date", "hour", "responses", "low") VALUES ({marks})',
            [(day, hour, n, k) for (day, hour), (n, k) in counts.items()])
    return len(counts)


def up(db) -> None:
    create(db, (ServiceAlert, Quota, RollupHour))
    add_index(db, "service_alert", ("subject_kind", "subject", "started_utc"))
    add_index(db, "rollup_hour", ("local_date", "hour"), unique=True)
    fill_hours(db)
