"""What reports read and keep: the rollups (day, month, hour), service alerts, quotas, the
overdue-dossier counts imported per month."""

from __future__ import annotations

from peewee import (
    AutoField,
    CharField,
    CompositeKey,
    DateField,
    DateTimeField,
    IntegerField,
    SmallIntegerField,
    TextField,
)

from sync_server.db.models.base import BaseModel, utcnow


class RollupCounts(BaseModel):
    """The counts every rollup by day or month keeps (sync_server.reports.rollup.COUNTS): visits,
    partial ones, and answers by score. Not a table: RollupDay, RollupMonth, RollupUnitDay and
    RollupUnitMonth add their keys to these (the migrations keep their own frozen copies)."""

    responses = IntegerField(default=0)
    partial = IntegerField(default=0)
    n1 = IntegerField(default=0)
    n2 = IntegerField(default=0)
    n3 = IntegerField(default=0)
    n4 = IntegerField(default=0)
    n5 = IntegerField(default=0)


class RollupDay(RollupCounts):
    """Score counts per local day × officer × procedure × kiosk × channel × questionnaire ×
    question (sync_server.reports.rollup). On the question '' row: `responses` and `partial` instead.
    Text keys use '' for "none" so that the unique key holds on every database. Migration 22: the
    key is the primary key (no surrogate `id`: nothing read it, and every row paid for it)."""

    local_date = DateField()
    # Migration 12: the commune server the rows came from at a province hub (its server_id);
    # '' for the server's own kiosks, so every commune's own rollups look as before.
    unit = CharField(max_length=64, default="")
    point = CharField(max_length=64, default="")  # migration 18: Response.point
    officer = CharField(max_length=64)
    procedure = CharField(max_length=64)
    kiosk_id = CharField(max_length=64)
    # Migration 17: Response.counter (a QR rating made at a counter), '' otherwise.
    counter = CharField(max_length=64, default="")
    channel = CharField(max_length=16)
    questionnaire = CharField(max_length=64)
    question = CharField(max_length=64)

    class Meta:
        primary_key = CompositeKey("local_date", "unit", "point", "officer", "procedure", "kiosk_id",
                                   "counter", "channel", "questionnaire", "question")


class RollupMonth(RollupDay):
    """The same counts per calendar month (`local_date` = the month's first day): a year's report
    reads twelve months of these instead of 365 days of RollupDay."""

    class Meta:
        table_name = "rollup_month"


class RollupUnitDay(RollupCounts):
    """Migration 20: per local day and commune server (`unit`, '' for the server's own kiosks) the
    visits, the partial ones and the answers by score, all questions together — the grain of the
    province and national pages (one row a commune a day, whatever the volume: the RollupDay rows
    hardly compress at a commune's ~10 visits a day). Kept by sync_server.reports.rollup with the
    others."""

    id = AutoField()
    local_date = DateField()
    unit = CharField(max_length=64, default="")

    class Meta:
        table_name = "rollup_unit_day"
        indexes = ((("local_date", "unit"), True),)


class RollupUnitMonth(RollupUnitDay):
    """The same per calendar month (`local_date` = its first day): a year by commune is 12 rows a
    commune."""

    class Meta:
        table_name = "rollup_unit_month"
        indexes = ((("local_date", "unit"), True),)


class RollupHour(BaseModel):
    """Per local day and hour of the day: responses, and those with an answer of 1 or 2 — the
    hour × weekday map of the reports (sync_server.reports.rollup keeps it with the others)."""

    local_date = DateField()
    hour = SmallIntegerField()
    responses = IntegerField(default=0)
    low = IntegerField(default=0)

    class Meta:
        table_name = "rollup_hour"
        indexes = ((("local_date", "hour"), True),)


class ServiceAlert(BaseModel):
    """A run of low scores for one officer or counter (sync_server.reports.service_alerts), until staff
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
    # Migration 14: "low" (a run of low scores) or "yes_no" (a citizen answered yes to a yes/no
    # question that raises an alert: one response, `question` names it).
    reason = CharField(max_length=16, default="low")
    question = CharField(max_length=64, null=True)
    response_id = IntegerField(null=True)  # the response whose "yes" raised it

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


class OverdueMonth(BaseModel):
    """Migration 19: a month's dossier counts from the provincial TTHC system (imported CSV,
    sync_server.reports.overdue), for the Decision-766-style estimate of criterion 5.4.
    `complaints` is None when the province's file did not give it."""

    id = AutoField()
    month = DateField(unique=True)  # the first day of the month
    settled = IntegerField()  # dossiers settled in the month
    overdue = IntegerField()  # of which settled late
    complaints = IntegerField(null=True)  # dossiers with a complaint (PAKN)
    imported_at = DateTimeField(default=utcnow)
    imported_by = CharField(max_length=64)
    source = CharField(max_length=200, default="")  # the uploaded file's name

    class Meta:
        table_name = "overdue_month"


class YearlyText(BaseModel):
    """Migration 23: the yearly report's staff-written rows (sync_server.reports.yearly), one JSON
    text per year and reception point; the centre's under point ''."""

    year = IntegerField()
    point = CharField(max_length=64, default="")
    value = TextField()

    class Meta:
        table_name = "yearly_text"
        primary_key = CompositeKey("year", "point")
