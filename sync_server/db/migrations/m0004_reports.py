"""Migration 4: what the reports need.

- response: `excluded` with who, when and why (a staff test, say): excluded responses stay
  stored and listed, and are left out of every figure;
- `rollup_day`: per local day × officer × procedure × kiosk × channel × questionnaire ×
  question, the count of each score 1–5 (and, on the question '' row, the responses): reports
  read these instead of scanning every answer. Maintained in the same transaction as responses
  are stored or excluded; `hailong-server rebuild-rollups` recomputes them from the raw rows,
  which this migration does once for the responses already stored.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    IntegerField,
    Model,
    PostgresqlDatabase,
    TextField,
)

from sync_server.db.migrations.frozen import add_column, add_index, create


class _Base(Model):
    class Meta:
        legacy_table_names = False


class RollupDay(_Base):
    id = AutoField()
    local_date = DateField()
    officer = CharField(max_length=64)
    procedure = CharField(max_length=64)
    kiosk_id = CharField(max_length=64)
    channel = CharField(max_length=16)
    questionnaire = CharField(max_length=64)
    question = CharField(max_length=64)
    responses = IntegerField()
    partial = IntegerField()
    n1 = IntegerField()
    n2 = IntegerField()
    n3 = IntegerField()
    n4 = IntegerField()
    n5 = IntegerField()


class RollupMonth(RollupDay):
    class Meta:
        table_name = "rollup_month"


KEY = ("local_date", "officer", "procedure", "kiosk_id", "channel", "questionnaire", "question")


def up(db) -> None:
    add_column(db, "response", "excluded", BooleanField(), default_sql="FALSE")
    add_column(db, "response", "excluded_reason", TextField(null=True))
    add_column(db, "response", "excluded_by", CharField(max_length=64, null=True))
    add_column(db, "response", "excluded_at", DateTimeField(null=True))
    create(db, (RollupDay, RollupMonth))
    add_index(db, "rollup_day", KEY, unique=True)
    add_index(db, "rollup_month", KEY, unique=True)
    month = ("date_trunc('month', r.\"local_date\")::date" if isinstance(db, PostgresqlDatabase)
             else "date(r.\"local_date\", 'start of month')")
    # The responses already stored (an upgraded server): the same sums rebuild-rollups makes.
    for table, day in (("rollup_day", 'r."local_date"'), ("rollup_month", month)):
        for sql in fill_sql(table, day):
            db.execute_sql(sql)


def fill_sql(table: str, day: str) -> list[str]:
    """INSERT … SELECT statements that fill `table` from the raw rows (not excluded); `day` is
    the SQL for the row's date column (the day itself, or its month's first day)."""
    cols = ", ".join(f'"{c}"' for c in KEY)
    head = f'INSERT INTO "{table}" ({cols}, "responses", "partial", "n1", "n2", "n3", "n4", "n5") '
    keys = (f"{day}, COALESCE(r.\"officer\", ''), COALESCE(r.\"procedure\", ''), r.\"kiosk_id\", "
            'r."channel", r."questionnaire"')
    return [
        head + f"SELECT {keys}, '', COUNT(*), SUM(CASE WHEN r.\"partial\" THEN 1 ELSE 0 END), "
        '0, 0, 0, 0, 0 FROM "response" r WHERE NOT r."excluded" GROUP BY 1, 2, 3, 4, 5, 6',
        head + f'SELECT {keys}, a."question", 0, 0, '
        + ", ".join(f'SUM(CASE WHEN a."score" = {s} THEN 1 ELSE 0 END)' for s in range(1, 6))
        + ' FROM "answer" a JOIN "response" r ON r."id" = a."response_id" WHERE NOT r."excluded" '
        "GROUP BY 1, 2, 3, 4, 5, 6, 7",
    ]
