"""Migration 15: citizens' names and phone numbers kept apart from the sealed responses.

`citizen_contact`: what a citizen left on the QR page with the consent box ticked (name, phone,
the purpose consented to, when). Linked by the response's uuid, outside the hash chain, so that
the retention purge and an erase on request delete a row and never touch a sealed response
(docs/privacy.md). Names sealed into QR responses by earlier versions stay where they are.
"""

from __future__ import annotations

from peewee import AutoField, CharField, DateTimeField, Model

from sync_server.db.migrations.frozen import create


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
