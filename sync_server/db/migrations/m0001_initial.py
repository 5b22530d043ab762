"""Migration 1: the schema as the server made it before numbered migrations (commit 3843dcb).

Frozen copies of the tables of that time. Every statement is CREATE ... IF NOT EXISTS, so on a
database that older code made this changes nothing and only records version 1.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)

from sync_server.db.migrations.frozen import create


class _Base(Model):
    class Meta:
        legacy_table_names = False


class Kiosk(_Base):
    id = CharField(primary_key=True, max_length=64)
    url = CharField()
    last_contact = DateTimeField(null=True)
    last_pull_at = DateTimeField(null=True)
    last_pull_status = CharField(null=True, max_length=16)
    last_error = TextField(null=True)
    last_status = TextField(null=True)


class Epoch(_Base):
    id = AutoField()
    kiosk_id = CharField(max_length=64, index=True)
    store_id = CharField(max_length=64)
    last_seq = IntegerField()
    head_hash = CharField(max_length=64)
    first_seen = DateTimeField()
    last_seen = DateTimeField()

    class Meta:
        indexes = ((("kiosk_id", "store_id"), True),)


class Response(_Base):
    id = AutoField()
    epoch = ForeignKeyField(Epoch, on_delete="RESTRICT")
    kiosk_id = CharField(max_length=64)
    store_id = CharField(max_length=64)
    seq = IntegerField()
    uuid = CharField(max_length=64, unique=True)
    officer = CharField(max_length=64, null=True)
    procedure = CharField(max_length=64, null=True)
    questionnaire = CharField(max_length=64)
    questionnaire_version = IntegerField()
    channel = CharField(max_length=16)
    partial = BooleanField()
    recorded_at = CharField(max_length=64)
    recorded_utc = DateTimeField()
    local_date = DateField()
    body = TextField()
    hash = CharField(max_length=64)
    received_at = DateTimeField()

    class Meta:
        indexes = (
            (("store_id", "seq"), True),
            (("local_date", "officer"), False),
            (("kiosk_id", "local_date"), False),
        )


class Answer(_Base):
    id = AutoField()
    response = ForeignKeyField(Response, on_delete="CASCADE")
    question = CharField(max_length=64)
    score = SmallIntegerField()
    officer = CharField(max_length=64, null=True)
    local_date = DateField()

    class Meta:
        indexes = (
            (("local_date", "officer", "score"), False),
            (("officer", "local_date"), False),
        )


class PullLog(_Base):
    id = AutoField()
    kiosk_id = CharField(max_length=64, index=True)
    started_at = DateTimeField()
    finished_at = DateTimeField()
    status = CharField(max_length=16)
    store_id = CharField(max_length=64, null=True)
    received = IntegerField()
    first_seq = IntegerField(null=True)
    last_seq = IntegerField(null=True)
    chain_verified = BooleanField()
    head_hash = CharField(max_length=64, null=True)
    roster_pushed = IntegerField(null=True)
    message = TextField()


class Alert(_Base):
    id = AutoField()
    kiosk_id = CharField(max_length=64, index=True)
    kind = CharField(max_length=16)
    message = TextField()
    detail = TextField()
    created_at = DateTimeField(index=True)
    resolved = BooleanField()


class User(_Base):
    id = AutoField()
    username = CharField(max_length=64, unique=True)
    password_hash = CharField(max_length=255)
    role = CharField(max_length=16)
    created_at = DateTimeField()
    last_login = DateTimeField(null=True)


class Unit(_Base):
    id = AutoField()
    name = CharField()


class Field(_Base):
    code = CharField(primary_key=True, max_length=64)
    name = CharField()
    sort = IntegerField()


class Officer(_Base):
    code = CharField(primary_key=True, max_length=64)
    name = CharField()
    title = CharField()
    fields = TextField()
    photo = CharField(null=True)
    active = BooleanField()
    sort = IntegerField()


class Procedure(_Base):
    code = CharField(primary_key=True, max_length=64)
    name = TextField()
    field = CharField(max_length=64, null=True)
    active = BooleanField()
    sort = IntegerField()


class Questionnaire(_Base):
    id = AutoField()
    qid = CharField(max_length=64)
    version = IntegerField()
    document = TextField()
    active = BooleanField()

    class Meta:
        indexes = ((("qid", "version"), True),)


class KioskSetting(_Base):
    kiosk_id = CharField(primary_key=True, max_length=64)
    mode = CharField(max_length=16)
    officers_on_duty = TextField()
    cooldown_s = IntegerField(null=True)


class Setting(_Base):
    key = CharField(primary_key=True, max_length=64)
    value = TextField()


TABLES = (Kiosk, Epoch, Response, Answer, PullLog, Alert, User, Unit, Field, Officer, Procedure,
          Questionnaire, KioskSetting, Setting)


def up(db) -> None:
    create(db, TABLES)
