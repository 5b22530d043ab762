"""Migration 23: the yearly report's staff-written rows kept per year and reception point.

Until now the text staff write in the yearly report (seed 004 Appendix 2: the implementing
document, the cycle, the unit in charge, publication, sub-units, difficulties, proposals) was one
JSON text per year for the whole centre, in the setting `yearly-report:<year>`. A report for one
reception point now has its own (a row it leaves empty reads the centre's). `yearly_text` holds
them by (year, point), the centre's under point ''. A setting key could not hold it: point codes
run to 64 characters, as does `setting.key`. The centre's texts move here as they are (the
settings whose key is not `yearly-report:` and a year are left alone). Frozen: no application code.
"""

from __future__ import annotations

from peewee import CharField, CompositeKey, IntegerField, Model, TextField

from sync_server.db.migrations.frozen import create

PREFIX = "yearly-report:"


class _Base(Model):
    class Meta:
        legacy_table_names = False


class YearlyText(_Base):
    year = IntegerField()
    point = CharField(max_length=64, default="")
    value = TextField()

    class Meta:
        table_name = "yearly_text"
        primary_key = CompositeKey("year", "point")


def up(db) -> None:
    create(db, (YearlyText,))
    held = db.execute_sql(f'SELECT "key", "value" FROM "setting" WHERE "key" LIKE {db.param}',
                          (PREFIX + "%",)).fetchall()
    for key, value in held:
        year = key[len(PREFIX):]
        if not (year.isdigit() and len(year) == 4):
            continue
        db.execute_sql(f'INSERT INTO "yearly_text" ("year", "point", "value") VALUES ({db.param}, \'\', '
                       f'{db.param})', (int(year), value))
        db.execute_sql(f'DELETE FROM "setting" WHERE "key" = {db.param}', (key,))
