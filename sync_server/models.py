"""The server's tables (peewee). Times are naive UTC datetimes; `local_date` is the day in the
configured time zone, stored so that reports group by an indexed column and not by a function."""

from __future__ import annotations

from datetime import UTC, datetime

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
    Model,
    SmallIntegerField,
    TextField,
)

from kiosk.shared.protocol import GENESIS_HASH
from sync_server.db import database


def utcnow() -> datetime:
    """Now as a naive UTC datetime: peewee stores aware datetimes as strings it cannot compare."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


# --- kiosks and what was pulled from them ------------------------------------------------

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
    last_seq = IntegerField(default=0)
    head_hash = CharField(max_length=64, default=GENESIS_HASH)
    first_seen = DateTimeField(default=utcnow)
    last_seen = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("kiosk_id", "store_id"), True),)


class Response(BaseModel):
    id = AutoField()
    epoch = ForeignKeyField(Epoch, backref="responses", on_delete="RESTRICT")
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
    # Clock repair (sync_server.clockfix): recorded_at/recorded_utc keep what the kiosk's clock
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

    class Meta:
        indexes = (
            (("store_id", "seq"), True),
            (("local_date", "officer"), False),
            (("kiosk_id", "local_date"), False),
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


class Alert(BaseModel):
    """Something staff must look at. The same open alert raised again is counted, not repeated."""

    KINDS = ("gap", "chain", "conflict", "garbage", "unknown", "new_store")

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


# --- people ---------------------------------------------------------------------------------

class User(BaseModel):
    """An office account. admin: everything, users included; staff: reports and handling alerts;
    viewer: reading only."""

    ROLES = ("admin", "staff", "viewer")
    RANK = {"viewer": 0, "staff": 1, "admin": 2}

    id = AutoField()
    username = CharField(max_length=64, unique=True)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=16, default="staff")
    created_at = DateTimeField(default=utcnow)
    last_login = DateTimeField(null=True)
    active = BooleanField(default=True)  # switched off, never deleted: the audit log names it

    def may(self, role: str) -> bool:
        """At least `role` (admin > staff > viewer)."""
        return self.active and self.RANK.get(self.role, -1) >= self.RANK[role]


class AuditLog(BaseModel):
    """Every change made by a person (pages or CLI): who, when, what. Append-only: the database
    refuses UPDATE and DELETE (migration 3), and no page edits it."""

    id = AutoField()
    at = DateTimeField(default=utcnow, index=True)
    actor = CharField(max_length=64)  # a username, or "cli" for the command line
    role = CharField(max_length=16, null=True)
    action = CharField(max_length=32)  # e.g. user.create, alert.resolve
    target = CharField(max_length=128, default="")
    detail = TextField(default="")  # JSON
    ip = CharField(max_length=64, null=True)


# --- the roster pushed to kiosks --------------------------------------------------------------

class Unit(BaseModel):
    id = AutoField()
    name = CharField()
    address = TextField(default="")  # migration 5: shown on the pages and posters, not sent to kiosks


class Field(BaseModel):
    """A desk field (lĩnh vực), e.g. Tư pháp – Hộ tịch."""

    code = CharField(primary_key=True, max_length=64)
    name = CharField()
    sort = IntegerField(default=0)


class Officer(BaseModel):
    code = CharField(primary_key=True, max_length=64)
    name = CharField()
    title = CharField(default="")
    fields = TextField(default="[]")  # JSON list of field codes
    photo = CharField(null=True)
    active = BooleanField(default=True)
    sort = IntegerField(default=0)
    # Migration 5: the uploaded photo's file under <data_dir>/photos (sync_server.photos).
    photo_file = CharField(max_length=128, null=True)
    # Migration 9: the photo as kiosks receive it (by content hash), and whether an admin allowed
    # it to be shown to the public (kiosk, QR page, posters), who and when.
    photo_sha256 = CharField(max_length=64, null=True)
    photo_bytes = IntegerField(null=True)
    photo_public = BooleanField(default=False)
    photo_public_by = CharField(max_length=64, null=True)
    photo_public_at = DateTimeField(null=True)


class Procedure(BaseModel):
    code = CharField(primary_key=True, max_length=64)  # national code, e.g. 1.001193
    name = TextField()
    field = CharField(max_length=64, null=True)
    active = BooleanField(default=True)
    sort = IntegerField(default=0)


class Questionnaire(BaseModel):
    id = AutoField()
    qid = CharField(max_length=64)
    version = IntegerField()
    document = TextField()  # JSON {id, version, questions, reasons}
    active = BooleanField(default=False)

    class Meta:
        indexes = ((("qid", "version"), True),)


class KioskSetting(BaseModel):
    kiosk_id = CharField(primary_key=True, max_length=64)
    mode = CharField(max_length=16, default="counter")
    officers_on_duty = TextField(default="[]")  # JSON list of officer codes
    cooldown_s = IntegerField(null=True)
    ask_procedure = BooleanField(default=False)  # migration 9
    show_stats = BooleanField(default=False)


class Setting(BaseModel):
    """Small key/value state, e.g. the roster version counter and its content digest."""

    key = CharField(primary_key=True, max_length=64)
    value = TextField()


# --- reports ---------------------------------------------------------------------------------


class RollupDay(BaseModel):
    """Score counts per local day × officer × procedure × kiosk × channel × questionnaire ×
    question (sync_server.rollup). On the question '' row: `responses` and `partial` instead.
    Text keys use '' for "none" so that the unique key holds on every database."""

    id = AutoField()
    local_date = DateField()
    officer = CharField(max_length=64)
    procedure = CharField(max_length=64)
    kiosk_id = CharField(max_length=64)
    channel = CharField(max_length=16)
    questionnaire = CharField(max_length=64)
    question = CharField(max_length=64)
    responses = IntegerField(default=0)
    partial = IntegerField(default=0)
    n1 = IntegerField(default=0)
    n2 = IntegerField(default=0)
    n3 = IntegerField(default=0)
    n4 = IntegerField(default=0)
    n5 = IntegerField(default=0)

    class Meta:
        indexes = ((("local_date", "officer", "procedure", "kiosk_id", "channel", "questionnaire",
                     "question"), True),)


class RollupMonth(RollupDay):
    """The same counts per calendar month (`local_date` = the month's first day): a year's report
    reads twelve months of these instead of 365 days of RollupDay."""

    class Meta:
        table_name = "rollup_month"
        indexes = ((("local_date", "officer", "procedure", "kiosk_id", "channel", "questionnaire",
                     "question"), True),)


# --- counters and the fleet added from the web (migration 5) -------------------------------------


class Counter(BaseModel):
    """A counter (quầy) of the one-stop desk: the officers who sit there and, when a kiosk stands
    at it, that kiosk (whose roster then carries this counter's mode and officers on duty).
    `code` is what the QR page /r/<code> and the posters use."""

    code = CharField(primary_key=True, max_length=64)
    name = CharField(max_length=200)
    kiosk_id = CharField(max_length=64, null=True, unique=True)
    mode = CharField(max_length=16, default="counter")  # counter | shared (kiosk.protocol.MODES)
    officers = TextField(default="[]")  # JSON list of officer codes, in seat order
    sort = IntegerField(default=0)
    # Migration 9: the kiosk at this counter asks for the procedure / shows the month's figures.
    ask_procedure = BooleanField(default=False)
    show_stats = BooleanField(default=False)


class FleetKiosk(BaseModel):
    """A kiosk added from the web (server.toml [[kiosks]] keep working beside these). A retired
    kiosk is no longer pulled; its responses stay. `token` is the kiosk's API secret: never shown
    back in full, never logged."""

    id = CharField(primary_key=True, max_length=64)  # the kiosk_id
    name = CharField(max_length=200, default="")
    url = CharField(max_length=300)
    token = CharField(max_length=300)
    retired = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)
    retired_at = DateTimeField(null=True)

class RollupHour(BaseModel):
    """Per local day and hour of the day: responses, and those with an answer of 1 or 2 — the
    hour × weekday map of the reports (sync_server.rollup keeps it with the others)."""

    local_date = DateField()
    hour = SmallIntegerField()
    responses = IntegerField(default=0)
    low = IntegerField(default=0)

    class Meta:
        table_name = "rollup_hour"
        indexes = ((("local_date", "hour"), True),)


# --- service alerts and quotas ------------------------------------------------------------


class ServiceAlert(BaseModel):
    """A run of low scores for one officer or counter (sync_server.service_alerts), until staff
    acknowledge it with a comment."""

    id = AutoField()
    subject_kind = CharField(max_length=16)  # officer | kiosk
    subject = CharField(max_length=64)
    started_utc = DateTimeField()
    ended_utc = DateTimeField()
    responses = IntegerField()
    answers = IntegerField()
    low = IntegerField()  # answers of 1 or 2
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(null=True)
    acknowledged_by = CharField(max_length=64, null=True)
    acknowledged_at = DateTimeField(null=True)
    comment = TextField(null=True)

    class Meta:
        indexes = ((("subject_kind", "subject", "started_utc"), False),)


class Quota(BaseModel):
    """A sampling target (seed 002: 30 forms per field between 01/04 and 31/10): so many
    responses for a field (or every field, '') between two local dates."""

    id = AutoField()
    field_code = CharField(max_length=64)  # '' = all fields together
    target = IntegerField()
    start = DateField()
    end = DateField()
    label = CharField(max_length=200, default="")
# --- the citizens' QR page (sync_server.qr) ----------------------------------------------------


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
    comment = TextField(default="")  # NFC, at most sync_server.qr_form.MAX_COMMENT characters
    created_at = DateTimeField(default=utcnow)
    local_date = DateField(index=True)


ALL_MODELS = (Kiosk, Epoch, Response, Conflict, ClockAnchor, Answer, PullLog, Alert, User, AuditLog,
              Unit, Field, Officer, Procedure, Questionnaire, KioskSetting, Setting, RollupDay, RollupMonth,
              Counter, FleetKiosk, RollupHour, ServiceAlert, Quota, QrTicket, QrRefusal, Addendum)
