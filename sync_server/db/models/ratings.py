"""Kiosks and what was pulled from them: responses, answers, epochs, clock anchors, conflicts, the
pulls' minutes and their alerts."""

from __future__ import annotations

from datetime import datetime

from peewee import (
    AutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    SmallIntegerField,
    TextField,
)

from kiosk.shared.protocol import GENESIS_HASH
from sync_server.db.models.base import BaseModel, utcnow


class Kiosk(BaseModel):
    id = CharField(primary_key=True, max_length=64)
    url = CharField(default="")
    last_contact = DateTimeField(null=True)  # last time its status answered
    last_pull_at = DateTimeField(null=True)
    last_pull_status = CharField(null=True, max_length=16)
    last_error = TextField(null=True)
    last_status = TextField(null=True)  # its last /status JSON, as received
    clock_skew_s = FloatField(null=True)  # its wall clock minus the server's, at the last status


class Epoch(BaseModel):
    """One kiosk store seen by the server; a re-imaged card (new store_id) is a new epoch and
    the old one is kept. The cursor is (last_seq, head_hash)."""

    id = AutoField()
    kiosk_id = CharField(max_length=64, index=True)
    store_id = CharField(max_length=64)
    # Migration 12: at a province hub, the commune server (server_id) whose kiosk this store is;
    # '' for the server's own kiosks. A store belongs to one unit only.
    unit = CharField(max_length=64, default="", index=True)
    last_seq = IntegerField(default=0)
    head_hash = CharField(max_length=64, default=GENESIS_HASH)
    first_seen = DateTimeField(default=utcnow)
    last_seen = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("kiosk_id", "store_id"), True),)


class Response(BaseModel):
    id = AutoField()
    epoch = ForeignKeyField(Epoch, backref="responses", on_delete="RESTRICT")
    unit = CharField(max_length=64, default="")  # migration 12: as Epoch.unit
    kiosk_id = CharField(max_length=64)
    store_id = CharField(max_length=64)
    seq = IntegerField()
    uuid = CharField(max_length=64, unique=True)
    officer = CharField(max_length=64, null=True)
    procedure = CharField(max_length=64, null=True)
    questionnaire = CharField(max_length=64)
    questionnaire_version = IntegerField()
    channel = CharField(max_length=16)
    partial = BooleanField(default=False)
    recorded_at = CharField(max_length=64)  # exactly as the kiosk wrote it
    recorded_utc = DateTimeField()
    local_date = DateField()
    body = TextField()  # the canonical JSON as received, hash included
    hash = CharField(max_length=64)
    received_at = DateTimeField(default=utcnow)
    # Clock repair (sync_server.collect.clockfix): recorded_at/recorded_utc keep what the kiosk's clock
    # said; corrected_utc is set when that clock was wrong, and local_date follows it.
    corrected_utc = DateTimeField(null=True)
    time_source = CharField(max_length=16, null=True)  # kiosk | repaired | unanchored
    # Migration 8: the hour (0–23) of the best known time in the unit's time zone, as local_date
    # is its day; the hour × weekday map counts by these two.
    local_hour = SmallIntegerField(default=0)
    # Codes the server's roster does not know, e.g. "officer:nv-x questionnaire:tt01@3"; stored
    # and counted anyway, listed for staff (never dropped).
    unknown_refs = TextField(null=True)
    # Left out of every figure (e.g. a staff test), never deleted: who, when and why.
    excluded = BooleanField(default=False)
    excluded_reason = TextField(null=True)
    excluded_by = CharField(max_length=64, null=True)
    excluded_at = DateTimeField(null=True)
    # Migration 16: the flag "assisted" (a staff member helped the citizen rate), reported apart.
    assisted = BooleanField(default=False)
    # Migration 17: the counter a QR rating was made at (the flag "qr:counter:<code>" of a counter
    # the roster knows, sync_server.collect.ingest.counter_of); '' for every other response.
    counter = CharField(max_length=64, default="")
    # Migration 18: the reception point of the kiosk (or the QR code's counter) when the response
    # was stored, never recomputed: moving a kiosk later does not move its old ratings. '' at a
    # province hub for a commune's rows (their points are the commune's own).
    point = CharField(max_length=64, default="")

    class Meta:
        indexes = (
            (("store_id", "seq"), True),
            (("local_date", "officer"), False),
            (("kiosk_id", "local_date"), False),
            (("kiosk_id", "received_at"), False),  # migration 15: a day's minutes
        )


    @property
    def time_utc(self) -> datetime:
        """The best known time of the response: the repaired one if the kiosk clock was wrong."""
        return self.corrected_utc or self.recorded_utc


class Conflict(BaseModel):
    """A response whose uuid the server already holds with other content: kept aside here as
    received, never stored over the first one (DESIGN.md §3: uuid is unique)."""

    id = AutoField()
    kiosk_id = CharField(max_length=64, index=True)
    store_id = CharField(max_length=64)
    seq = IntegerField()
    uuid = CharField(max_length=64, index=True)
    hash = CharField(max_length=64)
    body = TextField()
    existing_id = IntegerField(null=True)  # the Response already stored under that uuid
    received_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("store_id", "seq"), True),)


class ClockAnchor(BaseModel):
    """Where one boot of a kiosk sits on the server's clock: at `server_utc` its uptime was
    `uptime_ms`. Updated at every pull while that boot lasts."""

    id = AutoField()
    kiosk_id = CharField(max_length=64)
    boot_id = CharField(max_length=64)
    uptime_ms = BigIntegerField()  # 30 days of uptime is past 2**31 ms
    server_utc = DateTimeField()
    kiosk_wall = CharField(max_length=64)
    clock_synced = BooleanField(null=True)

    class Meta:
        indexes = ((("kiosk_id", "boot_id"), True),)


class Answer(BaseModel):
    """One score of one response; officer and local_date are copied here so that the
    satisfaction queries never join the (large) response table."""

    id = AutoField()
    response = ForeignKeyField(Response, backref="answers", on_delete="CASCADE")
    question = CharField(max_length=64)
    score = SmallIntegerField()
    officer = CharField(max_length=64, null=True)
    local_date = DateField()

    class Meta:
        indexes = (
            (("local_date", "officer", "score"), False),
            (("officer", "local_date"), False),
        )


class YesNoAnswer(BaseModel):
    """One answer to a yes/no question (roster schema 3, e.g. NĐ 118 Điều 33.1.e "charged beyond
    the rules?"): a table of its own, so no 1–5 figure, mean, share or rollup can ever count it.
    Officer, procedure and local_date are copied as in Answer."""

    id = AutoField()
    response = ForeignKeyField(Response, backref="yes_no", on_delete="CASCADE")
    question = CharField(max_length=64)
    value = BooleanField()
    officer = CharField(max_length=64, null=True)
    procedure = CharField(max_length=64, null=True)
    local_date = DateField()

    class Meta:
        table_name = "yes_no_answer"
        indexes = ((("local_date", "question", "value"), False),)


class PullLog(BaseModel):
    """The minutes (biên bản) of one collection from one kiosk."""

    id = AutoField()
    kiosk_id = CharField(max_length=64, index=True)
    started_at = DateTimeField(index=True)
    finished_at = DateTimeField()
    status = CharField(max_length=16)  # ok | unreachable | error | refused
    store_id = CharField(max_length=64, null=True)
    received = IntegerField(default=0)
    first_seq = IntegerField(null=True)
    last_seq = IntegerField(null=True)
    chain_verified = BooleanField(default=False)
    head_hash = CharField(max_length=64, null=True)
    roster_pushed = IntegerField(null=True)  # the roster version pushed in this pull
    message = TextField(default="")
    kiosk_last_seq = IntegerField(null=True)  # what the kiosk said it holds
    conflicts = IntegerField(default=0)  # kept aside (Conflict)
    flagged = IntegerField(default=0)  # stored with codes the server does not know
    repaired = IntegerField(default=0)  # stored with a repaired time
    # migration 15: a collection a staff member opened by hand, and the witnesses typed in
    opened_by = CharField(max_length=64, null=True)
    witnesses = TextField(default="")


class Alert(BaseModel):
    """Something staff must look at. The same open alert raised again is counted, not repeated."""

    # upstream kinds (a province hub, kiosk_id = the commune's server_id): two_units (a store
    # pushed by two commune servers); gap, chain, garbage, conflict as for a pull.
    KINDS = ("gap", "chain", "conflict", "garbage", "unknown", "new_store", "two_units")

    id = AutoField()
    kiosk_id = CharField(max_length=64, index=True)
    kind = CharField(max_length=16)
    message = TextField()
    detail = TextField(default="")  # evidence, e.g. the refused response as received
    created_at = DateTimeField(default=utcnow, index=True)
    resolved = BooleanField(default=False)
    count = IntegerField(default=1)
    last_seen = DateTimeField(null=True)
    resolved_by = CharField(max_length=64, null=True)
    resolved_at = DateTimeField(null=True)


class DossierLink(BaseModel):
    """Migration 19: the dossier code (mã hồ sơ, NĐ 118 Điều 28) a rating was linked to, when
    the unit turned the link on ([dossier] on the kiosk). By the response's uuid, outside the
    sealed body: a code can be erased and the chain still verifies (docs/privacy.md)."""

    id = AutoField()
    response_uuid = CharField(max_length=64, unique=True)
    code = CharField(max_length=64, index=True)
    linked_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "dossier_link"
