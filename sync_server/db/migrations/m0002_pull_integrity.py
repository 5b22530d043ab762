"""Migration 2: pulls that never lose or double.

- `conflict`: responses whose uuid is already stored with other content, kept aside;
- `clock_anchor`: each kiosk boot placed on the server's clock, to repair wrong kiosk clocks;
- response: `corrected_utc`, `time_source`, `unknown_refs`;
- pull_log: what the kiosk reported and what was kept aside, flagged or repaired;
- alert: `count`, `last_seen` (an open alert raised again is counted, not repeated);
- kiosk: `clock_skew_s`.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    FloatField,
    IntegerField,
    Model,
    TextField,
)

from sync_server.db.migrations.frozen import add_column, add_index, create


class _Base(Model):
    class Meta:
        legacy_table_names = False


class Conflict(_Base):
    id = AutoField()
    kiosk_id = CharField(max_length=64, index=True)
    store_id = CharField(max_length=64)
    seq = IntegerField()
    uuid = CharField(max_length=64, index=True)
    hash = CharField(max_length=64)
    body = TextField()
    existing_id = IntegerField(null=True)
    received_at = DateTimeField()

    class Meta:
        indexes = ((("store_id", "seq"), True),)


class ClockAnchor(_Base):
    id = AutoField()
    kiosk_id = CharField(max_length=64)
    boot_id = CharField(max_length=64)
    uptime_ms = BigIntegerField()
    server_utc = DateTimeField()
    kiosk_wall = CharField(max_length=64)
    clock_synced = BooleanField(null=True)

    class Meta:
        indexes = ((("kiosk_id", "boot_id"), True),)


def up(db) -> None:
    create(db, (Conflict, ClockAnchor))
    add_column(db, "response", "corrected_utc", DateTimeField(null=True))
    add_column(db, "response", "time_source", CharField(max_length=16, null=True))
    add_column(db, "response", "unknown_refs", TextField(null=True))
    # Partial index: the health page counts flagged responses per kiosk without a full scan.
    db.execute_sql('CREATE INDEX IF NOT EXISTS "response_flagged" ON "response" ("kiosk_id") '
                   'WHERE "unknown_refs" IS NOT NULL')
    add_column(db, "pull_log", "kiosk_last_seq", IntegerField(null=True))
    for name in ("conflicts", "flagged", "repaired"):
        add_column(db, "pull_log", name, IntegerField(), default_sql="0")
    add_index(db, "pull_log", ["started_at"])
    add_column(db, "alert", "count", IntegerField(), default_sql="1")
    add_column(db, "alert", "last_seen", DateTimeField(null=True))
    add_column(db, "kiosk", "clock_skew_s", FloatField(null=True))
