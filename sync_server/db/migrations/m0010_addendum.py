"""Migration 10: the addenda of the QR page (sync_server.qr.addendum).

`addendum`: what a citizen added on the phone to a visit already rated at a kiosk (a version-2
QR ticket, docs/protocol.md "QR tickets"): the topic chips chosen and an optional comment. It is
linked by the response's uuid, not by a foreign key: the kiosk's response may reach the server
only at its next pull. One addendum per response at most (unique uuid). Never a response: no
rollup reads this table.
"""

from __future__ import annotations

from peewee import AutoField, CharField, DateField, DateTimeField, IntegerField, Model, TextField

from sync_server.db.migrations.frozen import create


class _Base(Model):
    class Meta:
        legacy_table_names = False


class Addendum(_Base):
    id = AutoField()
    response_uuid = CharField(max_length=64, unique=True)
    kiosk_id = CharField(max_length=64)
    questionnaire = CharField(max_length=64)
    questionnaire_version = IntegerField()
    topics = TextField()
    comment = TextField()
    created_at = DateTimeField()
    local_date = DateField(index=True)


def up(db) -> None:
    create(db, (Addendum,))
