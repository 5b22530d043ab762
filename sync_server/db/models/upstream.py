"""The province hub (DESIGN.md §6): on the hub, the commune servers that push and the roster
snapshot each sent; on a commune server, what the hub acknowledged and the minutes of each push."""

from __future__ import annotations

from peewee import AutoField, BooleanField, CharField, DateTimeField, IntegerField, TextField

from sync_server.db.models.base import BaseModel, utcnow


class Downstream(BaseModel):
    """Hub side: a commune server seen pushing ([[downstream]] in server.toml), or enrolled on the
    hub's page (sync_server.upstream.enrol)."""

    id = CharField(primary_key=True, max_length=64)  # its server_id
    name = CharField(max_length=200, default="")
    first_push_at = DateTimeField(null=True)
    last_push_at = DateTimeField(null=True)
    last_status = CharField(max_length=16, default="")  # ok | refused
    last_error = TextField(default="")  # message codes (sync_server.collect.messages)
    pushed = IntegerField(default=0)  # responses stored from it, in all
    # Enrolled on the hub's page (not in server.toml): the token's SHA-256, never the token, which
    # is shown once; who enrolled it and when; a revoked commune's pushes are refused.
    token_sha256 = CharField(max_length=64, null=True)
    enrolled_by = CharField(max_length=64, null=True)
    enrolled_at = DateTimeField(null=True)
    revoked = BooleanField(default=False)
    # What it had not pushed yet when it sent its last batch (the batch's `backlog`): responses,
    # and when the oldest of them was rated (UTC); None when its software does not say.
    backlog = IntegerField(null=True)
    backlog_oldest = DateTimeField(null=True)


class DownstreamRoster(BaseModel):
    """Hub side: one entry of a commune's roster snapshot, known as (server_id, kind, code): an
    officer at one commune is not the officer with the same code at another. `data` is the
    entry as sent (JSON: name, title, fields…); citizens' data never comes here."""

    id = AutoField()
    server_id = CharField(max_length=64)
    kind = CharField(max_length=16)  # unit | field | officer | procedure | counter | questionnaire
    code = CharField(max_length=64)
    name = TextField(default="")
    data = TextField(default="{}")
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "downstream_roster"
        indexes = ((("server_id", "kind", "code"), True),)


class UpstreamAck(BaseModel):
    """Commune side: the hub's last acknowledged seq per store, as its last answer said."""

    store_id = CharField(primary_key=True, max_length=64)
    seq = IntegerField(default=0)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        table_name = "upstream_ack"


class UpstreamLog(BaseModel):
    """Commune side: the minutes of one push to the hub."""

    id = AutoField()
    started_at = DateTimeField(index=True)
    finished_at = DateTimeField()
    status = CharField(max_length=16)  # ok | refused | unreachable | error
    sent = IntegerField(default=0)  # responses the hub stored from this push
    backlog = IntegerField(default=0)  # responses the hub did not hold yet, after the push
    message = TextField(default="")  # message codes; for a refusal the hub's reason, store and seq

    class Meta:
        table_name = "upstream_log"
