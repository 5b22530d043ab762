"""Migration 5: roster management and the fleet from the web.

- unit: `address`;
- officer: `photo_file` (the uploaded photo under <data_dir>/photos, kept on the server);
- `counter`: the counters (quầy), their officers and the kiosk standing at each;
- `fleet_kiosk`: kiosks added from the web (pulled beside server.toml's [[kiosks]]).
"""

from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, IntegerField, Model, TextField

from sync_server.db.migrations.frozen import add_column, create


class _Base(Model):
    class Meta:
        legacy_table_names = False


class Counter(_Base):
    code = CharField(primary_key=True, max_length=64)
    name = CharField(max_length=200)
    kiosk_id = CharField(max_length=64, null=True, unique=True)
    mode = CharField(max_length=16, default="counter")
    officers = TextField(default="[]")
    sort = IntegerField(default=0)


class FleetKiosk(_Base):
    id = CharField(primary_key=True, max_length=64)
    name = CharField(max_length=200, default="")
    url = CharField(max_length=300)
    token = CharField(max_length=300)
    retired = BooleanField(default=False)
    created_at = DateTimeField()
    retired_at = DateTimeField(null=True)


def up(db) -> None:
    add_column(db, "unit", "address", TextField(), default_sql="''")
    add_column(db, "officer", "photo_file", CharField(max_length=128, null=True))
    create(db, (Counter, FleetKiosk))
