"""Migration 18: reception points (điểm tiếp nhận, NĐ 118/2025 Điều 7.3.b) and the pre-merger map.

- `reception_point`: the centre's points, each with its counters and kiosks; a point may name the
  commune it was before the 2025 merger (`former_name`, `former_code`, `merged_on`).
- One point, `chinh` (the main office), made here: every counter and every stored rating of this
  server's own kiosks belong to it, so a centre with one point sees nothing change.
- `kiosk_point`: the point of a kiosk that stands at no counter (none yet: all are at `chinh`).
- `counter.point`; `response.point`, set when a response is stored and never recomputed (moving a
  kiosk later does not move its old ratings); `rollup_day.point`, `rollup_month.point` in their
  unique key, so reports filter and group by point from the rollups. A province hub's rows from its
  communes (`unit` <> '') keep '': their points are the communes' own.
"""

from __future__ import annotations

from peewee import CharField, DateField, IntegerField, Model

from sync_server.db.migrations.frozen import add_column, add_index, create

MAIN = "chinh"
MAIN_NAME = "Trụ sở chính"
# After migration 17 (the QR counter in the key).
OLD_KEY = ("local_date", "unit", "officer", "procedure", "kiosk_id", "counter", "channel", "questionnaire",
           "question")
KEY = ("local_date", "unit", "point", "officer", "procedure", "kiosk_id", "counter", "channel",
       "questionnaire", "question")


class _Base(Model):
    class Meta:
        legacy_table_names = False


class ReceptionPoint(_Base):
    code = CharField(primary_key=True, max_length=64)
    name = CharField(max_length=200)
    address = CharField(max_length=300, default="")
    sort = IntegerField(default=0)
    former_name = CharField(max_length=200, default="")
    former_code = CharField(max_length=8, default="")
    merged_on = DateField(null=True)

    class Meta:
        table_name = "reception_point"


class KioskPoint(_Base):
    kiosk_id = CharField(primary_key=True, max_length=64)
    point = CharField(max_length=64)

    class Meta:
        table_name = "kiosk_point"


def up(db) -> None:
    create(db, (ReceptionPoint, KioskPoint))
    param = db.param
    address = db.execute_sql('SELECT "address" FROM "unit" ORDER BY "id" LIMIT 1').fetchone()
    db.execute_sql(f'INSERT INTO "reception_point" ("code", "name", "address", "sort", "former_name", '
                   f'"former_code") VALUES ({param}, {param}, {param}, 0, \'\', \'\')',
                   (MAIN, MAIN_NAME, (address[0] or "")[:300] if address else ""))
    point = CharField(max_length=64)
    add_column(db, "counter", "point", point, default_sql=f"'{MAIN}'")
    for table in ("response", "rollup_day", "rollup_month"):
        add_column(db, table, "point", point, default_sql="''")
        db.execute_sql(f'UPDATE "{table}" SET "point" = {param} WHERE "unit" = \'\'', (MAIN,))
    for table in ("rollup_day", "rollup_month"):
        db.execute_sql(f'DROP INDEX IF EXISTS "{"_".join([table, *OLD_KEY])}"')
        add_index(db, table, KEY, unique=True)
