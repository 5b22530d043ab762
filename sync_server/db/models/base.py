"""What every table shares: the database proxy, and times as naive UTC."""

from __future__ import annotations

from datetime import UTC, datetime

from peewee import Model

from sync_server.db import database


def utcnow() -> datetime:
    """Now as a naive UTC datetime: peewee stores aware datetimes as strings it cannot compare."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False
