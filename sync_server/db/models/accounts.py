"""Staff accounts and the audit log."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    TextField,
)

from sync_server.db.models.base import BaseModel, utcnow


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
