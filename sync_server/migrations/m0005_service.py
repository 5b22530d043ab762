"""Migration: service alerts (a run of low scores for an officer or counter, acknowledged by
staff with a comment) and sampling quotas per field and date window (seed 002)."""

from __future__ import annotations

from peewee import AutoField, CharField, DateField, DateTimeField, IntegerField, Model, TextField

from sync_server.migrations.frozen import add_index, create


class _Base(Model):
    class Meta:
        legacy_table_names = False


class ServiceAlert(_Base):
    id = AutoField()
    subject_kind = CharField(max_length=16)
    subject = CharField(max_length=64)
    started_utc = DateTimeField()
    ended_utc = DateTimeField()
    responses = IntegerField()
    answers = IntegerField()
    low = IntegerField()
    created_at = DateTimeField()
    updated_at = DateTimeField(null=True)
    acknowledged_by = CharField(max_length=64, null=True)
    acknowledged_at = DateTimeField(null=True)
    comment = TextField(null=True)


class Quota(_Base):
    id = AutoField()
    field_code = CharField(max_length=64)
    target = IntegerField()
    start = DateField()
    end = DateField()
    label = CharField(max_length=200)


def up(db) -> None:
    create(db, (ServiceAlert, Quota))
    add_index(db, "service_alert", ("subject_kind", "subject", "started_utc"))
