"""Migration 17: a QR rating made at a counter counts for that counter.

- `response.counter`: the counter whose poster a QR rating came from (its sealed flag
  "qr:counter:<code>"), when that code names a counter or kiosk the server knows ('' otherwise,
  and for every kiosk response). Filled here for the QR responses already stored, by the rule
  that ingest now applies to new ones (sync_server.collect.ingest.counter_of); at a province hub
  with each commune's snapshot.
- `rollup_day.counter`, `rollup_month.counter`, in their unique key; the QR channel's rollup rows
  are summed again from the raw rows so that they carry it.
"""

from __future__ import annotations

import json

from peewee import CharField, PostgresqlDatabase

from sync_server.db.migrations.frozen import add_column, add_index

OLD_KEY = ("local_date", "unit", "officer", "procedure", "kiosk_id", "channel", "questionnaire", "question")
KEY = ("local_date", "unit", "officer", "procedure", "kiosk_id", "counter", "channel", "questionnaire",
       "question")
FLAG = "qr:counter:"
QR = "qr"  # the QR page's channel and virtual kiosk


def up(db) -> None:
    for table in ("response", "rollup_day", "rollup_month"):
        add_column(db, table, "counter", CharField(max_length=64), default_sql="''")
    for table in ("rollup_day", "rollup_month"):
        db.execute_sql(f'DROP INDEX IF EXISTS "{"_".join([table, *OLD_KEY])}"')
        add_index(db, table, KEY, unique=True)
    _fill_counters(db)
    _refill_qr_rollups(db)


def _places(db, unit: str) -> set[str]:
    """What a QR counter code of `unit` may name: its counters and kiosks."""
    if unit:
        sql = ('SELECT "code" FROM "downstream_roster" WHERE "server_id" = {p} AND "kind" = \'counter\' '
               'UNION SELECT "kiosk_id" FROM "epoch" WHERE "unit" = {p}')
        rows = db.execute_sql(sql.format(p=db.param), (unit, unit)).fetchall()
    else:
        sql = ('SELECT "code" FROM "counter" UNION SELECT "id" FROM "kiosk" UNION '
               'SELECT "kiosk_id" FROM "kiosk_setting" UNION SELECT "id" FROM "fleet_kiosk"')
        rows = db.execute_sql(sql).fetchall()
    return {code for (code,) in rows} - {QR}


def _fill_counters(db) -> None:
    found: dict[str, list[int]] = {}
    places: dict[str, set[str]] = {}
    cursor = db.execute_sql(f'SELECT "id", "unit", "body" FROM "response" WHERE "channel" = {db.param} '
                            f'AND "body" LIKE {db.param}', (QR, f"%{FLAG}%"))
    for row_id, unit, body in cursor.fetchall():
        try:
            flags = json.loads(body).get("flags") or []
        except (ValueError, AttributeError):
            continue
        code = next((f[len(FLAG):] for f in flags if isinstance(f, str) and f.startswith(FLAG)), "")
        if unit not in places:
            places[unit] = _places(db, unit)
        if code in places[unit]:
            found.setdefault(code, []).append(row_id)
    for code, ids in found.items():
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ", ".join([db.param] * len(chunk))
            db.execute_sql(f'UPDATE "response" SET "counter" = {db.param} WHERE "id" IN ({marks})',
                           (code, *chunk))


def _refill_qr_rollups(db) -> None:
    """The QR channel's rows of both rollups, summed again from the raw rows with the counter."""
    month = ("date_trunc('month', r.\"local_date\")::date" if isinstance(db, PostgresqlDatabase)
             else "date(r.\"local_date\", 'start of month')")
    cols = ", ".join(f'"{c}"' for c in KEY)
    scores = ", ".join(f'SUM(CASE WHEN a."score" = {s} THEN 1 ELSE 0 END)' for s in range(1, 6))
    for table, day in (("rollup_day", 'r."local_date"'), ("rollup_month", month)):
        db.execute_sql(f'DELETE FROM "{table}" WHERE "channel" = {db.param}', (QR,))
        head = f'INSERT INTO "{table}" ({cols}, "responses", "partial", "n1", "n2", "n3", "n4", "n5") '
        keys = (f"{day}, r.\"unit\", COALESCE(r.\"officer\", ''), COALESCE(r.\"procedure\", ''), "
                'r."kiosk_id", r."counter", r."channel", r."questionnaire"')
        kept = f'WHERE NOT r."excluded" AND r."channel" = {db.param}'
        db.execute_sql(head + f"SELECT {keys}, '', COUNT(*), SUM(CASE WHEN r.\"partial\" THEN 1 ELSE 0 END), "
                       f'0, 0, 0, 0, 0 FROM "response" r {kept} GROUP BY 1, 2, 3, 4, 5, 6, 7, 8', (QR,))
        db.execute_sql(head + f'SELECT {keys}, a."question", 0, 0, {scores} FROM "answer" a '
                       f'JOIN "response" r ON r."id" = a."response_id" {kept} '
                       'GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9', (QR,))
