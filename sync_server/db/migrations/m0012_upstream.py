"""Migration 12: the province hub (DESIGN.md §6).

- `response.unit`, `epoch.unit`: at a hub, the commune server (server_id) a kiosk store belongs to;
  '' for a server's own kiosks (every row already stored). Officers, procedures and counters at
  the hub are (unit, code): two communes may both have an officer `nv-lan`.
- `rollup_day.unit`, `rollup_month.unit`, in their unique key: the hub's reports group by commune
  from the same rollups a commune's reports read.
- `downstream` (a commune server seen pushing, or enrolled on the hub's page with its token's
  hash), `downstream_roster` (hub side) and `upstream_ack`, `upstream_log` (commune side).
"""

from __future__ import annotations

from peewee import AutoField, BooleanField, CharField, DateTimeField, IntegerField, Model, TextField

from sync_server.db.migrations.frozen import add_column, add_index, create

OLD_KEY = ("local_date", "officer", "procedure", "kiosk_id", "channel", "questionnaire", "question")
KEY = ("local_date", "unit", "officer", "procedure", "kiosk_id", "channel", "questionnaire", "question")


class _Base(Model):
    class Meta:
        legacy_table_names = False


class Downstream(_Base):
    id = CharField(primary_key=True, max_length=64)
    name = CharField(max_length=200, default="")
    first_push_at = DateTimeField(null=True)
    last_push_at = DateTimeField(null=True)
    last_status = CharField(max_length=16, default="")
    last_error = TextField(default="")
    pushed = IntegerField(default=0)
    token_sha256 = CharField(max_length=64, null=True)
    enrolled_by = CharField(max_length=64, null=True)
    enrolled_at = DateTimeField(null=True)
    revoked = BooleanField(default=False)


class DownstreamRoster(_Base):
    id = AutoField()
    server_id = CharField(max_length=64)
    kind = CharField(max_length=16)
    code = CharField(max_length=64)
    name = TextField(default="")
    data = TextField(default="{}")
    updated_at = DateTimeField()

    class Meta:
        table_name = "downstream_roster"
        indexes = ((("server_id", "kind", "code"), True),)


class UpstreamAck(_Base):
    store_id = CharField(primary_key=True, max_length=64)
    seq = IntegerField(default=0)
    updated_at = DateTimeField()

    class Meta:
        table_name = "upstream_ack"


class UpstreamLog(_Base):
    id = AutoField()
    started_at = DateTimeField(index=True)
    finished_at = DateTimeField()
    status = CharField(max_length=16)
    sent = IntegerField(default=0)
    backlog = IntegerField(default=0)
    message = TextField(default="")

    class Meta:
        table_name = "upstream_log"


def up(db) -> None:
    unit = CharField(max_length=64)
    for table in ("response", "epoch", "rollup_day", "rollup_month"):
        add_column(db, table, "unit", unit, default_sql="''")
    add_index(db, "epoch", ("unit",))
    for table in ("rollup_day", "rollup_month"):
        db.execute_sql(f'DROP INDEX IF EXISTS "{"_".join([table, *OLD_KEY])}"')
        add_index(db, table, KEY, unique=True)
    create(db, (Downstream, DownstreamRoster, UpstreamAck, UpstreamLog))
