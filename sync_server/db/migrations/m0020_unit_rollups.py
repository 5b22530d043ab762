"""Migration 20: rollups per (day, commune server) and (month, commune server) for the province
and national pages (issue 15).

At a commune's volume (~10 visits a day) the daily rollup, keyed by officer × procedure × counter
× channel × questionnaire × question, holds about a row per visit: a province page that reads it
reads as much as the raw rows. `rollup_unit_day` and `rollup_unit_month` keep the same counts per
(local_date, unit) only — a row a commune a day or a month, whatever the volume. Filled here from
the daily and monthly rollups, which already hold exactly the counted (not excluded) rows; from
now on kept with them in the same transaction. Frozen: no application code.
"""

from __future__ import annotations

from peewee import AutoField, CharField, DateField, IntegerField, Model

from sync_server.db.migrations.frozen import create

COUNTS = ("responses", "partial", "n1", "n2", "n3", "n4", "n5")


class _Base(Model):
    class Meta:
        legacy_table_names = False


class RollupUnitDay(_Base):
    id = AutoField()
    local_date = DateField()
    unit = CharField(max_length=64, default="")
    responses = IntegerField(default=0)
    partial = IntegerField(default=0)
    n1 = IntegerField(default=0)
    n2 = IntegerField(default=0)
    n3 = IntegerField(default=0)
    n4 = IntegerField(default=0)
    n5 = IntegerField(default=0)

    class Meta:
        table_name = "rollup_unit_day"
        indexes = ((("local_date", "unit"), True),)


class RollupUnitMonth(RollupUnitDay):
    class Meta:
        table_name = "rollup_unit_month"
        indexes = ((("local_date", "unit"), True),)


def up(db) -> None:
    create(db, [RollupUnitDay, RollupUnitMonth])
    columns = ", ".join(f'"{c}"' for c in COUNTS)
    sums = ", ".join(f'SUM("{c}")' for c in COUNTS)
    for table, source in (("rollup_unit_day", "rollup_day"), ("rollup_unit_month", "rollup_month")):
        db.execute_sql(f'DELETE FROM "{table}"')
        db.execute_sql(f'INSERT INTO "{table}" ("local_date", "unit", {columns}) '
                       f'SELECT "local_date", "unit", {sums} FROM "{source}" GROUP BY "local_date", "unit"')
