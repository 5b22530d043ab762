"""The citizens' QR page: tickets used, refusals counted, addenda to a kiosk visit."""

from __future__ import annotations

from peewee import (
    AutoField,
    CharField,
    DateField,
    DateTimeField,
    IntegerField,
    TextField,
)

from sync_server.db.models.base import BaseModel, utcnow


class QrTicket(BaseModel):
    """A single-use ticket already used (kiosk.qrticket): the nonce is the key, so it counts once."""

    nonce = CharField(primary_key=True, max_length=64)
    issuer = CharField(max_length=64)  # the kiosk id that signed it, or "_srv" (printed by staff)
    issued_utc = DateTimeField()
    used_at = DateTimeField(default=utcnow)
    response_uuid = CharField(max_length=64)


class QrRefusal(BaseModel):
    """QR submissions refused, counted per local day and reason (shown on the health page)."""

    id = AutoField()
    local_date = DateField()
    reason = CharField(max_length=32)
    count = IntegerField(default=0)

    class Meta:
        indexes = ((("local_date", "reason"), True),)


class Addendum(BaseModel):
    """What a citizen added on the phone to a visit already rated at a kiosk (a version-2 QR
    ticket): topic chips and a comment. Linked by the response's uuid, which may reach the server
    only at the next pull; never a response: in no rollup and no satisfaction figure."""

    id = AutoField()
    response_uuid = CharField(max_length=64, unique=True)  # one addendum per visit at most
    kiosk_id = CharField(max_length=64)  # the kiosk that signed the ticket
    questionnaire = CharField(max_length=64)  # whose topic chips these are
    questionnaire_version = IntegerField()
    topics = TextField(default="[]")  # JSON list of the questionnaire's reason codes
    comment = TextField(default="")  # NFC, at most sync_server.qr.form.MAX_COMMENT characters
    created_at = DateTimeField(default=utcnow)
    local_date = DateField(index=True)


class CitizenContact(BaseModel):
    """A name or phone number a citizen left on the QR page, with consent ticked, kept OUTSIDE the
    sealed response (docs/privacy.md): deleting the row (retention, erase on request) leaves the
    rating and its hash chain as they were. Linked by the response's uuid."""

    id = AutoField()
    response_uuid = CharField(max_length=64, unique=True)
    name = CharField(max_length=100, default="")
    phone = CharField(max_length=24, default="")
    purpose = CharField(max_length=200)  # the purpose the citizen consented to, as shown
    consented_at = DateTimeField(index=True)  # when the form was sent (UTC); retention runs from it
