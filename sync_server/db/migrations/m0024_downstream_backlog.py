"""Migration 24: what a commune server has not pushed yet, as it said with its last batch
(the batch's optional `backlog`, docs/protocol.md): `downstream.backlog` (responses) and
`downstream.backlog_oldest` (UTC: when the oldest of them was rated). NULL: the commune's
software does not say (older than this), or it has never pushed."""

from __future__ import annotations

from peewee import DateTimeField, IntegerField

from sync_server.db.migrations.frozen import add_column


def up(db) -> None:
    add_column(db, "downstream", "backlog", IntegerField(null=True))
    add_column(db, "downstream", "backlog_oldest", DateTimeField(null=True))
