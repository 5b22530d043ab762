"""Migration 7: the citizens' QR page (sync_server.qr.views).

- `qr_ticket`: the single-use tickets already used (their nonce is the key, so a ticket is
  accepted once even under concurrent submits);
- `qr_refusal`: submissions refused, counted per local day and reason, for the health page.

The QR responses themselves go to `response`/`answer` under a virtual kiosk `qr` (its epoch
is made on the first response), so no change is needed there.
"""

from __future__ import annotations

from peewee import CharField, DateField, DateTimeField, IntegerField, Model

from sync_server.db.migrations.frozen import add_index, create


class _Base(Model):
    class Meta:
        legacy_table_names = False


class QrTicket(_Base):
    nonce = CharField(primary_key=True, max_length=64)
    issuer = CharField(max_length=64)
    issued_utc = DateTimeField()
    used_at = DateTimeField()
    response_uuid = CharField(max_length=64)


class QrRefusal(_Base):
    local_date = DateField()
    reason = CharField(max_length=32)
    count = IntegerField()


def up(db) -> None:
    create(db, (QrTicket, QrRefusal))
    add_index(db, "qr_refusal", ("local_date", "reason"), unique=True)
