"""Migration 16: citizens' names and phone numbers kept apart from the sealed responses; the
assisted flag.

- `citizen_contact`: what a citizen left on the QR page with the consent box ticked (name, phone,
the purpose consented to, when). Linked by the response's uuid, outside the hash chain, so that
the retention purge and an erase on request delete a row and never touch a sealed response
(docs/privacy.md). Names sealed into QR responses by earlier versions stay where they are.
- `response.assisted`: the response carries the flag "assisted" (a staff member helped the
  citizen rate, NĐ 118/2025 Điều 31.3). No flag was called that before, so FALSE is right for
  every response already stored.
"""

from __future__ import annotations

from peewee import AutoField, BooleanField, CharField, DateTimeField, Model

from sync_server.db.migrations.frozen import add_column, create


class _Base(Model):
    class Meta:
        legacy_table_names = False


class CitizenContact(_Base):
    id = AutoField()
    response_uuid = CharField(max_length=64, unique=True)
    name = CharField(max_length=100, default="")
    phone = CharField(max_length=24, default="")
    purpose = CharField(max_length=200)
    consented_at = DateTimeField(index=True)

    class Meta:
        table_name = "citizen_contact"


def up(db) -> None:
    create(db, (CitizenContact,))
    add_column(db, "response", "assisted", BooleanField(), default_sql="FALSE")
