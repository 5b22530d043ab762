"""Migration 14: yes/no questions (roster schema 3).

- yes_no_answer: one row per yes/no answer of a response (question, value, and the response's
  officer, procedure and local date), apart from `answer`, so that no 1–5 figure counts it.
  Responses already stored carry none (kiosks before schema 3 never asked one).
- service_alert: `reason` ("low": a run of low scores, as before; "yes_no": a citizen answered
  yes), `question` and `response_id` (the response whose "yes" raised it).
"""

from __future__ import annotations

from peewee import AutoField, BooleanField, CharField, DateField, ForeignKeyField, IntegerField, Model

from sync_server.db.migrations.frozen import add_column, create


class _Base(Model):
    class Meta:
        legacy_table_names = False


class Response(_Base):
    id = AutoField()

    class Meta:
        table_name = "response"


class YesNoAnswer(_Base):
    id = AutoField()
    response = ForeignKeyField(Response, on_delete="CASCADE")
    question = CharField(max_length=64)
    value = BooleanField()
    officer = CharField(max_length=64, null=True)
    procedure = CharField(max_length=64, null=True)
    local_date = DateField()

    class Meta:
        table_name = "yes_no_answer"
        indexes = ((("local_date", "question", "value"), False),)


def up(db) -> None:
    create(db, [YesNoAnswer])
    add_column(db, "service_alert", "reason", CharField(max_length=16), default_sql="'low'")
    add_column(db, "service_alert", "question", CharField(max_length=64, null=True))
    add_column(db, "service_alert", "response_id", IntegerField(null=True))
