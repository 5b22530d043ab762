"""Hub side: who may push ([[downstream]] in server.toml) and what the hub holds of each.

A token is compared with every commune server's in constant time (hmac.compare_digest, and no
early exit), so neither a match nor its position shows in the time taken. Tokens are never
logged. No Flask here.
"""

from __future__ import annotations

import hmac
from datetime import datetime

from sync_server.config import DownstreamEntry, ServerConfig
from sync_server.db import write_transaction
from sync_server.db.models import Downstream, Epoch


def peer_for(config: ServerConfig, authorization: str | None) -> DownstreamEntry | None:
    """The commune server whose token is in `Authorization: Bearer <token>`, or None."""
    scheme, _, token = (authorization or "").partition(" ")
    presented = token.strip().encode("utf-8") if scheme.lower() == "bearer" else b""
    found = None
    for entry in config.downstream:
        if hmac.compare_digest(presented, entry.token.encode("utf-8")) and presented:
            found = entry
    return found


def acks(server_id: str) -> dict[str, int]:
    """The hub's acknowledgement per store of this commune server: the last seq it holds."""
    query = Epoch.select(Epoch.store_id, Epoch.last_seq).where(Epoch.unit == server_id)
    return {store_id: seq for store_id, seq in query.tuples()}


def note_push(entry: DownstreamEntry, now: datetime, status: str, error: str, stored: int) -> None:
    """What the hub's pages show per commune: last push, its result, what it brought."""
    with write_transaction():
        Downstream.insert(id=entry.id, name=entry.name, first_push_at=now).on_conflict_ignore().execute()
        Downstream.update(name=entry.name, last_push_at=now, last_status=status, last_error=error,
                          pushed=Downstream.pushed + stored).where(Downstream.id == entry.id).execute()
