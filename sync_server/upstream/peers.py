"""Hub side: who may push ([[downstream]] in server.toml, and the communes enrolled on the hub's
page, by their token's SHA-256) and what the hub holds of each.

A token is compared with every commune server's in constant time (hmac.compare_digest, and no
early exit), so neither a match nor its position shows in the time taken. Tokens are never
logged, and an enrolled one is never stored. No Flask here.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from peewee import fn

from sync_server.config import DownstreamEntry, ServerConfig
from sync_server.db import write_transaction
from sync_server.db.models import Downstream, Epoch


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def enrolled() -> list[Downstream]:
    """Communes enrolled on the hub's page and not revoked."""
    return list(Downstream.select().where(Downstream.token_sha256.is_null(False) & ~Downstream.revoked))


def peer_for(config: ServerConfig, authorization: str | None) -> DownstreamEntry | None:
    """The commune server whose token is in `Authorization: Bearer <token>`, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    presented = token.strip() if scheme.lower() == "bearer" else ""
    found = None
    for entry in config.downstream:
        if hmac.compare_digest(presented.encode("utf-8"), entry.token.encode("utf-8")) and presented:
            found = entry
    digest = token_hash(presented).encode("ascii")
    configured = {e.id for e in config.downstream}
    for row in enrolled():
        if hmac.compare_digest(digest, row.token_sha256.encode("ascii")) and presented \
                and row.id not in configured:
            found = DownstreamEntry(row.id, row.name, "")
    return found


def acks(server_id: str) -> dict[str, int]:
    """The hub's acknowledgement per store of this commune server: the last seq it holds."""
    query = Epoch.select(Epoch.store_id, Epoch.last_seq).where(Epoch.unit == server_id)
    return {store_id: seq for store_id, seq in query.tuples()}


def note_push(entry: DownstreamEntry, now: datetime, status: str, error: str, stored: int,
              backlog: tuple[int, datetime | None] | None = None) -> None:
    """What the hub's pages show per commune: last push, its result, what it brought, and what it
    says it has not pushed yet (`backlog`: responses and the oldest's time; None: it does not say)."""
    left, oldest = backlog if backlog is not None else (None, None)
    with write_transaction():
        Downstream.insert(id=entry.id, name=entry.name, first_push_at=now).on_conflict_ignore().execute()
        Downstream.update(name=entry.name, first_push_at=fn.COALESCE(Downstream.first_push_at, now),
                          last_push_at=now, last_status=status, last_error=error,
                          pushed=Downstream.pushed + stored, backlog=left,
                          backlog_oldest=oldest).where(Downstream.id == entry.id).execute()
