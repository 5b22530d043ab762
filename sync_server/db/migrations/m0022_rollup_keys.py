"""Migration 22: the daily and monthly rollups keyed by what they count, without a surrogate `id`.

`rollup_day` and `rollup_month` had an `id` serial primary key beside their unique key (local
date, unit, point, officer, procedure, kiosk, counter, channel, questionnaire, question). Nothing
reads the `id`; every row is found and upserted by the key. At a province hub's volume the daily
rollup holds about a row per visit and per answer, and each row paid a sequence `nextval` and a
second btree insert for the `id` (issue 15: the hub's ingest against a bulk COPY). Now the key is
the primary key. PostgreSQL: the `id` column dropped and the key made the primary key, rows kept
as they are. SQLite (which cannot drop a primary key column): the table rebuilt WITHOUT ROWID
(the rows stored in the key's own btree, as SQLite advises for a composite text key) and the rows
copied over. Frozen: no application code.
"""

from __future__ import annotations

from peewee import SQL, CharField, CompositeKey, DateField, IntegerField, Model, PostgresqlDatabase

from sync_server.db.migrations.frozen import create

KEY = ("local_date", "unit", "point", "officer", "procedure", "kiosk_id", "counter", "channel",
       "questionnaire", "question")
COUNTS = ("responses", "partial", "n1", "n2", "n3", "n4", "n5")


class _Base(Model):
    class Meta:
        legacy_table_names = False


def _keyed(table: str) -> type[Model]:
    """The rebuilt table (SQLite), made under a new name and renamed once filled."""
    fields = {"local_date": DateField()}
    for name in KEY[1:]:
        # unit, point and counter keep the SQL DEFAULT '' their migrations (12, 18, 17) gave them
        defaults = [SQL("DEFAULT ''")] if name in ("unit", "point", "counter") else None
        fields[name] = CharField(max_length=16 if name == "channel" else 64, constraints=defaults)
    fields.update({name: IntegerField() for name in COUNTS})
    meta = type("Meta", (), {"table_name": f"{table}_keyed", "primary_key": CompositeKey(*KEY),
                             "without_rowid": True})
    return type(f"Keyed_{table}", (_Base,), {**fields, "Meta": meta})


def up(db) -> None:
    columns = ", ".join(f'"{c}"' for c in (*KEY, *COUNTS))
    key = ", ".join(f'"{c}"' for c in KEY)
    for table in ("rollup_day", "rollup_month"):
        if isinstance(db, PostgresqlDatabase):
            # The serial's sequence goes with its column; the key's unique index gives way to the
            # primary key's own (same columns, same order).
            db.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "id"')
            db.execute_sql(f'DROP INDEX IF EXISTS "{"_".join([table, *KEY])}"')
            db.execute_sql(f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_pkey" PRIMARY KEY ({key})')
            continue
        keyed = _keyed(table)
        create(db, [keyed])
        db.execute_sql(f'INSERT INTO "{table}_keyed" ({columns}) SELECT {columns} FROM "{table}"')
        db.execute_sql(f'DROP TABLE "{table}"')
        db.execute_sql(f'ALTER TABLE "{table}_keyed" RENAME TO "{table}"')
