"""The rollups reports read (RollupDay per day, RollupMonth per month, RollupHour per day and hour
for the hour × weekday map, RollupUnitDay and RollupUnitMonth per day or month and commune server
for the province's pages): kept equal to the raw rows.

Every change to what the figures count goes through here in the same transaction: a page of
responses stored (`add_stored`), a response excluded or included again (`deltas_of`), and
`rebuild()` recomputes everything from the raw rows (the CLI `rebuild-rollups`, and the test that
the two agree). Days and hours are the response's stored `local_date` and `local_hour`: the
unit's time zone, never the kiosk's offset (sync_server.collect.clockfix). Deltas are summed in Python
per key and applied with one upsert per key: INSERT … ON CONFLICT DO UPDATE adds them, on SQLite
and PostgreSQL alike. No Flask here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from operator import itemgetter
from typing import Any

from sync_server.db import database, is_sqlite, upsert_values
from sync_server.db.models import Answer, Response, RollupDay

# `unit`: the commune server a row came from at a province hub, '' for the server's own kiosks.
# `point`: the reception point the response was stored under (Response.point).
# `counter`: the counter a QR rating was made at (Response.counter), '' for every other response.
KEY = ("local_date", "unit", "point", "officer", "procedure", "kiosk_id", "counter", "channel",
       "questionnaire", "question")
COUNTS = ("responses", "partial", "n1", "n2", "n3", "n4", "n5")
Key = tuple[date, str, str, str, str, str, str, str, str, str]
_COLUMNS = ", ".join(f'"{c}"' for c in (*KEY, *COUNTS))
_COUNT_COLUMNS = ", ".join(f'"{c}"' for c in COUNTS)


class Deltas:
    """Counts to add (or, with sign -1, to take away) per rollup key, and per (day, hour)."""

    def __init__(self) -> None:
        self.by_key: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
        self.by_hour: dict[tuple[date, int], list[int]] = defaultdict(lambda: [0, 0])  # responses, low

    def response(self, day: date, officer: str | None, procedure: str | None, kiosk_id: str,
                 channel: str, questionnaire: str, partial: bool, answers: Iterable[tuple[str, int]],
                 sign: int = 1, hour: int | None = None, unit: str = "", point: str = "",
                 counter: str = "") -> None:
        base = (day, unit, point, officer or "", procedure or "", kiosk_id, counter, channel, questionnaire)
        whole = self.by_key[(*base, "")]
        whole[0] += sign
        whole[1] += sign * bool(partial)
        low = False
        for question, score in answers:
            self.by_key[(*base, question)][1 + score] += sign
            low = low or score <= 2
        if hour is not None:
            cell = self.by_hour[(day, hour)]
            cell[0] += sign
            cell[1] += sign * low

    def __len__(self) -> int:
        return len(self.by_key)


def apply(deltas: Deltas) -> None:
    """Add the deltas to the daily and the monthly rollups (inside the caller's transaction)."""
    if not deltas.by_key:
        return
    monthly: dict[Key, list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    for key, counts in deltas.by_key.items():
        month = monthly[(key[0].replace(day=1), *key[1:])]
        for i, n in enumerate(counts):
            month[i] += n
    for table, by_key in (("rollup_day", deltas.by_key), ("rollup_month", monthly)):
        _upsert(table, by_key)
    for table, by_key in (("rollup_unit_day", deltas.by_key), ("rollup_unit_month", monthly)):
        _upsert_units(table, by_key)
    _upsert_hours(deltas.by_hour)


def _upsert_units(table: str, by_key: dict[Key, list[int]]) -> None:
    """The same deltas folded to (day or month, unit): the visits' counts from the '' rows, the
    scores from the question rows, all questions together."""
    folded: dict[tuple[date, str], list[int]] = defaultdict(lambda: [0] * len(COUNTS))
    for key, counts in by_key.items():
        cell = folded[(key[0], key[1])]
        for i, n in enumerate(counts):
            cell[i] += n
    rows = [(day.isoformat(), unit, *counts) for (day, unit), counts in folded.items() if any(counts)]
    upsert_values(table, ("local_date", "unit", *COUNTS), ("local_date", "unit"), _adds(table), rows)


def _upsert_hours(by_hour: dict[tuple[date, int], list[int]]) -> None:
    rows = [(day.isoformat(), hour, n, low) for (day, hour), (n, low) in by_hour.items() if n or low]
    upsert_values("rollup_hour", ("local_date", "hour", "responses", "low"), ("local_date", "hour"),
                  '"responses" = "rollup_hour"."responses" + excluded."responses", '
                  '"low" = "rollup_hour"."low" + excluded."low"', rows)


def _adds(table: str) -> str:
    return ", ".join(f'"{c}" = "{table}"."{c}" + excluded."{c}"' for c in COUNTS)


def _upsert(table: str, by_key: dict[Key, list[int]]) -> None:
    # Dates as ISO text: what peewee stores on SQLite, and what PostgreSQL casts to a date. The
    # keys are a dict's: no row repeats one (PostgreSQL refuses that within one statement).
    rows = [(key[0].isoformat(), *key[1:], *counts) for key, counts in by_key.items() if any(counts)]
    upsert_values(table, (*KEY, *COUNTS), KEY, _adds(table), rows)


def add_stored(rows: Iterable[tuple[Any, ...]], answers: dict[int, list[tuple[str, int]]],
               columns: tuple[str, ...]) -> Deltas:
    """Deltas for response rows just stored (in `columns` order) and their answers by seq."""
    at = {name: i for i, name in enumerate(columns)}
    # One itemgetter for the row's fields (a column it lacks reads as ''): a page of 5,000 rows
    # looked each field up by name before, 12 dictionary look-ups a row.
    fields = [at.get(name, len(columns)) for name in ("local_date", "officer", "procedure", "kiosk_id",
                                                       "channel", "questionnaire", "partial", "seq",
                                                       "local_hour", "unit", "point", "counter")]
    pick, short = itemgetter(*fields), len(columns) in fields
    deltas = Deltas()
    for row in rows:
        day, officer, procedure, kiosk, channel, questionnaire, partial, seq, hour, unit, point, counter = (
            pick((*row, "") if short else row))
        deltas.response(day, officer, procedure, kiosk, channel, questionnaire, partial,
                        answers.get(seq, ()), hour=hour, unit=unit, point=point, counter=counter)
    return deltas


def deltas_of(response: Response, sign: int) -> Deltas:
    deltas = Deltas()
    answers = [(a.question, a.score) for a in Answer.select(Answer.question, Answer.score)
               .where(Answer.response == response.id)]
    deltas.response(response.local_date, response.officer, response.procedure, response.kiosk_id,
                    response.channel, response.questionnaire, response.partial, answers, sign,
                    # the stored hour: an exclusion undoes exactly what was added
                    hour=response.local_hour, unit=response.unit, point=response.point,
                    counter=response.counter)
    return deltas


def _fill_sql(table: str) -> list[str]:
    """INSERT … SELECT that sum the raw rows (not excluded) into `table` per KEY: one statement for
    the responses (question ''), one for the answers by question."""
    day = 'r."local_date"'
    if table == "rollup_month":
        day = ("date(r.\"local_date\", 'start of month')" if is_sqlite()
               else "date_trunc('month', r.\"local_date\")::date")
    keys = [day, 'r."unit"', 'r."point"'] + [f'COALESCE(r."{c}", \'\')' for c in ("officer", "procedure")] + [
        f'r."{c}"' for c in ("kiosk_id", "counter", "channel", "questionnaire")]
    groups = ", ".join(str(i) for i in range(1, len(keys) + 1))
    into = f'INSERT INTO "{table}" ({_COLUMNS}) '
    scores = ", ".join(f'SUM(CASE WHEN a."score" = {s} THEN 1 ELSE 0 END)' for s in range(1, 6))
    kept = 'WHERE NOT r."excluded"'
    return [
        into + f"SELECT {', '.join(keys)}, '', COUNT(*), SUM(CASE WHEN r.\"partial\" THEN 1 ELSE 0 END), "
        f'0, 0, 0, 0, 0 FROM "response" r {kept} GROUP BY {groups}',
        into + f'SELECT {", ".join(keys)}, a."question", 0, 0, {scores} FROM "answer" a '
        f'JOIN "response" r ON r."id" = a."response_id" {kept} GROUP BY {groups}, {len(keys) + 1}',
    ]


# Per local day and hour: the responses, and those with an answer of 1–2 (the hour × weekday map).
_FILL_HOURS = (
    'INSERT INTO "rollup_hour" ("local_date", "hour", "responses", "low") '
    'SELECT r."local_date", r."local_hour", COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM "answer" a '
    'WHERE a."response_id" = r."id" AND a."score" <= 2) THEN 1 ELSE 0 END) '
    'FROM "response" r WHERE NOT r."excluded" GROUP BY r."local_date", r."local_hour"')


def _fill_units_sql(table: str, source: str) -> str:
    """INSERT … SELECT that sum a filled rollup (day or month) into its per-unit table: the same
    counts, all officers, procedures, counters, channels, questionnaires and questions together."""
    sums = ", ".join(f'SUM("{c}")' for c in COUNTS)
    return (f'INSERT INTO "{table}" ("local_date", "unit", {_COUNT_COLUMNS}) '
            f'SELECT "local_date", "unit", {sums} FROM "{source}" GROUP BY "local_date", "unit" '
            # in date order, as pushes add them: a period's rows sit together on disk
            'ORDER BY "local_date", "unit"')


def rebuild() -> int:
    """Recompute every rollup from the raw rows (inside the caller's write transaction).
    Returns the number of daily rollup rows."""
    for table in ("rollup_day", "rollup_month", "rollup_hour", "rollup_unit_day", "rollup_unit_month"):
        database.execute_sql(f'DELETE FROM "{table}"')
    for table in ("rollup_day", "rollup_month"):
        for sql in _fill_sql(table):
            database.execute_sql(sql)
    database.execute_sql(_fill_units_sql("rollup_unit_day", "rollup_day"))
    database.execute_sql(_fill_units_sql("rollup_unit_month", "rollup_month"))
    database.execute_sql(_FILL_HOURS)
    return RollupDay.select().count()
