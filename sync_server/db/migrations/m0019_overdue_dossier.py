"""Migration 19: the overdue-dossier counts of a month, imported from the provincial system; the
dossier codes linked to ratings.

`overdue_month`: one row per calendar month (its first day): how many dossiers were settled, how
many of them late, and (when the province's file has it) how many had a complaint (PAKN). The
Decision-766-style estimate (sync_server.reports.estimate) reads it to reproduce criterion 5.4;
re-importing a month replaces its row (audited).
`dossier_link`: a rating's dossier code (mã hồ sơ) when the unit turned the link on, by the
response's uuid and outside the sealed body, so that it can be erased without touching the hash
chain (docs/privacy.md). Nothing existed before, so no data moves.
"""

from __future__ import annotations

from peewee import AutoField, CharField, DateField, DateTimeField, IntegerField, Model

from sync_server.db.migrations.frozen import create


class _Base(Model):
    class Meta:
        legacy_table_names = False


class OverdueMonth(_Base):
    id = AutoField()
    month = DateField(unique=True)
    settled = IntegerField()
    overdue = IntegerField()
    complaints = IntegerField(null=True)
    imported_at = DateTimeField()
    imported_by = CharField(max_length=64)
    source = CharField(max_length=200, default="")

    class Meta:
        table_name = "overdue_month"


class DossierLink(_Base):
    id = AutoField()
    response_uuid = CharField(max_length=64, unique=True)
    code = CharField(max_length=64, index=True)
    linked_at = DateTimeField()

    class Meta:
        table_name = "dossier_link"


def up(db) -> None:
    create(db, (OverdueMonth, DossierLink))
