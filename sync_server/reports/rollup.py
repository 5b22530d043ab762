"""The rollups reports read (RollupDay per day, RollupMonth per month, RollupHour per day and hour
for the hour × weekday map, RollupUnitDay and RollupUnitMonth per day or month and commune server
for the province's pages): kept equal to the raw rows.

Every change to what the figures count goes through here in the same transaction: a page of
responses stored (`add(ids)`), a response excluded or included again (`add([id], -1 or 1)`), and
`rebuild()` recomputes everything from the raw rows (the CLI `rebuild-rollups`, and the tests
that the two agree). Days and hours are the response's stored `local_date` and `local_hour`: the
unit's time zone, never the kiosk's offset (sync_server.collect.clockfix). A change is summed by
the database from the stored rows, with the grouping `rebuild()` uses, and added by one
INSERT … SELECT … ON CONFLICT DO UPDATE per rollup, on SQLite and PostgreSQL alike. No Flask here.
"""

from __future__ import annotations

from collections.abc import Iterable

from sync_server.db import database, is_sqlite
from sync_server.db.models import RollupDay

# `unit`: the commune server a row came from at a province hub, '' for the server's own kiosks.
# `point`: the reception point the response was stored under (Response.point).
# `counter`: the counter a QR rating was made at (Response.counter), '' for every other response.
KEY = ("local_date", "unit", "point", "officer", "procedure", "kiosk_id", "counter", "channel",
       "questionnaire", "question")
COUNTS = ("responses", "partial", "n1", "n2", "n3", "n4", "n5")
_COLUMNS = ", ".join(f'"{c}"' for c in (*KEY, *COUNTS))
_COUNT_COLUMNS = ", ".join(f'"{c}"' for c in COUNTS)


def add(ids: Iterable[int], sign: int = 1) -> None:
    """Add the responses `ids` (and their answers) to every rollup, or with sign -1 take them
    away, inside the caller's transaction. The database sums them where they are, with the
    grouping `rebuild()` uses: the responses and answers are read once into a scratch table at
    the daily rollup's grain, and each rollup gets one INSERT … SELECT … ON CONFLICT DO UPDATE
    from it (the monthly and per-commune ones folded further); no deltas built in Python."""
    ids = sorted(set(ids))
    if not ids:
        return
    # The answers are read by their own response_id too: a join on r."id" alone let the planner,
    # its statistics behind a growing table, read the whole answer table for every page (a hub's
    # ingest grew with everything it held, issue 15).
    where, by_answer = _rows_where(ids, 'r."id"'), _rows_where(ids, 'a."response_id"')
    # PostgreSQL: ON COMMIT DELETE ROWS truncates it in place at each commit. A DELETE alone left
    # its dead rows behind for good (no autovacuum for a temporary table): a connection's scratch
    # grew by a page's worth with every page, and each page's GROUP BYs read all of it (issue 15:
    # 2,236 pages after 50 pages of 2,000 at a hub, ~22,000 by the end of a million).
    keep = "" if is_sqlite() else " ON COMMIT DELETE ROWS"
    database.execute_sql(f'CREATE TEMP TABLE IF NOT EXISTS "{_SCRATCH}"{keep} AS SELECT {_COLUMNS} '
                         'FROM "rollup_day" WHERE 1 = 0')
    visits, answers = _parts("rollup_day", where, sign, by_answer)
    database.execute_sql(f'INSERT INTO "{_SCRATCH}" ({_COLUMNS}) {visits} UNION ALL {answers}')
    month = _month('"local_date"')
    sums = ", ".join(f'SUM("{c}")' for c in COUNTS)
    rest = ", ".join(f'"{c}"' for c in KEY[1:])
    groups = ", ".join(str(i) for i in range(1, len(KEY) + 1))
    # Each ORDER BY: the rows are added in the key's order, so two pages stored at once (two
    # kiosks, two communes) lock the rows they share in the same order and do not deadlock.
    for table, select in (
            ("rollup_day", f'SELECT {_COLUMNS} FROM "{_SCRATCH}" WHERE 1 = 1 ORDER BY {groups}'),
            ("rollup_month", f'SELECT {month}, {rest}, {sums} FROM "{_SCRATCH}" GROUP BY {groups} '
                             f'ORDER BY {groups}')):
        # WHERE 1 = 1: SQLite would read an ON right after a bare FROM as a join's
        database.execute_sql(f'INSERT INTO "{table}" ({_COLUMNS}) {select} '
                             f'ON CONFLICT ({", ".join(chr(34) + c + chr(34) for c in KEY)}) '
                             f'DO UPDATE SET {_adds(table)}')
    for table, day in (("rollup_unit_day", '"local_date"'), ("rollup_unit_month", month)):
        database.execute_sql(f'INSERT INTO "{table}" ("local_date", "unit", {_COUNT_COLUMNS}) '
                             f'SELECT {day}, "unit", {sums} FROM "{_SCRATCH}" GROUP BY 1, 2 ORDER BY 1, 2 '
                             f'ON CONFLICT ("local_date", "unit") DO UPDATE SET {_adds(table)}')
    # Emptied for the next change in the same transaction. DELETE, not TRUNCATE: on PostgreSQL a
    # TRUNCATE gives the table a new file each time, ~26 ms a call against ~3 ms for this DELETE of
    # one page's rows (measured on the dev VM, issue 16).
    database.execute_sql(f'DELETE FROM "{_SCRATCH}"')
    database.execute_sql(
        'INSERT INTO "rollup_hour" ("local_date", "hour", "responses", "low") '
        f'SELECT r."local_date", r."local_hour", {sign} * COUNT(*), {sign} * {_low(by_answer)} '
        f'FROM "response" r WHERE ({where}) AND r."local_hour" IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2 '
        'ON CONFLICT ("local_date", "hour") DO UPDATE SET '
        '"responses" = "rollup_hour"."responses" + excluded."responses", '
        '"low" = "rollup_hour"."low" + excluded."low"')


_SCRATCH = "_rollup_delta"  # a temporary table: this connection's own, emptied after each use


def _rows_where(ids: list[int], column: str) -> str:
    """A predicate on `column` naming exactly `ids` (sorted, not empty): a page's new rows are
    nearly always one run of ids, so runs become BETWEENs (integers from the database: written
    in, not parameters)."""
    runs: list[list[int]] = []
    for i in ids:
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    if len(runs) > 16:
        return f'{column} IN ({", ".join(map(str, ids))})'
    return "(" + " OR ".join(f"{column} BETWEEN {a} AND {b}" for a, b in runs) + ")"


def _month(day: str) -> str:
    return f"date({day}, 'start of month')" if is_sqlite() else f"date_trunc('month', {day})::date"


def _parts(table: str, where: str, sign: int, by_answer: str = "1 = 1") -> tuple[str, str]:
    """The SELECTs of `table`'s rows: the responses' counts (question '') and the answers' by
    question, over the rows `where` picks (and the answers `by_answer` picks: the same ones)."""
    day = _month('r."local_date"') if table == "rollup_month" else 'r."local_date"'
    keys = [day, 'r."unit"', 'r."point"'] + [f'COALESCE(r."{c}", \'\')' for c in ("officer", "procedure")] + [
        f'r."{c}"' for c in ("kiosk_id", "counter", "channel", "questionnaire")]
    groups = ", ".join(str(i) for i in range(1, len(keys) + 1))
    scores = ", ".join(f'{sign} * SUM(CASE WHEN a."score" = {s} THEN 1 ELSE 0 END)' for s in range(1, 6))
    visits = (f"SELECT {', '.join(keys)}, '', {sign} * COUNT(*), "
              f'{sign} * SUM(CASE WHEN r."partial" THEN 1 ELSE 0 END), 0, 0, 0, 0, 0 '
              f'FROM "response" r WHERE {where} GROUP BY {groups}')
    answers = (f'SELECT {", ".join(keys)}, a."question", 0, 0, {scores} FROM "answer" a '
               f'JOIN "response" r ON r."id" = a."response_id" WHERE ({where}) AND {by_answer} '
               f'GROUP BY {groups}, {len(keys) + 1}')
    return visits, answers


def _adds(table: str) -> str:
    return ", ".join(f'"{c}" = "{table}"."{c}" + excluded."{c}"' for c in COUNTS)


def _low(by_answer: str = "1 = 1") -> str:
    """The responses with an answer of 1–2 (the hour × weekday map's "low"), among the answers
    `by_answer` picks (a change's: the same predicate keeps the look-up on its index)."""
    return ('SUM(CASE WHEN EXISTS (SELECT 1 FROM "answer" a WHERE a."response_id" = r."id" '
            f'AND a."score" <= 2 AND {by_answer}) THEN 1 ELSE 0 END)')


def _fill_sql(table: str) -> list[str]:
    """INSERT … SELECT that sum the raw rows (not excluded) into `table` per KEY: one statement for
    the responses (question ''), one for the answers by question."""
    visits, answers = _parts(table, 'NOT r."excluded"', 1)
    into = f'INSERT INTO "{table}" ({_COLUMNS}) '
    return [into + visits, into + answers]


# Per local day and hour: the responses, and those with an answer of 1–2 (the hour × weekday map).
_FILL_HOURS = (
    f'INSERT INTO "rollup_hour" ("local_date", "hour", "responses", "low") '
    f'SELECT r."local_date", r."local_hour", COUNT(*), {_low()} '
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
