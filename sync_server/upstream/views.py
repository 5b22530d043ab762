"""The hub's machine API for commune servers (DESIGN.md §6): POST /api/v1/upstream/batch and
GET /api/v1/upstream/status, bearer token of the commune server, JSON in and out, no session and
no CSRF token (a machine, not a browser form). Only sync_server.app imports this module."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request

from sync_server.db import connection
from sync_server.db.models import utcnow
from sync_server.extensions import csrf, get_config
from sync_server.upstream import peers, receive, wire

log = logging.getLogger(__name__)
bp = Blueprint("upstream", __name__, url_prefix="/api/v1/upstream")
csrf.exempt(bp)


def _error(status: int, message: str, **extra):
    return jsonify({"error": {"message": message, **extra}}), status


def _peer():
    return peers.peer_for(get_config(), request.headers.get("Authorization"))


@bp.get("/status")
def status():
    entry = _peer()
    if entry is None:
        return _error(401, "unknown or missing bearer token")
    with connection():
        return jsonify({"server_id": entry.id, "acks": peers.acks(entry.id)})


@bp.post("/batch")
def batch():
    entry = _peer()  # before the body is read: an unknown caller cannot make the hub parse 32 MB
    if entry is None:
        return _error(401, "unknown or missing bearer token")
    if request.content_length is None or request.content_length > wire.MAX_BATCH_BYTES:
        return _error(413, f"a batch needs a Content-Length of at most {wire.MAX_BATCH_BYTES} bytes")
    try:
        data = wire.decode(request.get_data(cache=False))
    except ValueError:
        return _error(400, "the batch is not JSON")
    if isinstance(data, dict) and data.get("server_id") != entry.id:
        return _error(401, "this token is not the token of that server_id")
    with connection():
        try:
            outcome = receive.receive(get_config(), entry, data, utcnow())
        except wire.WireError as e:
            return _error(400, str(e))
    if outcome.refused:
        first = outcome.refused[0]
        log.warning("upstream batch from %s: %d store(s) refused, first %s seq %s (%s)", entry.id,
                    len(outcome.refused), first.store_id, first.seq, first.reason)
        return jsonify({"error": first.as_json(), "refused": [r.as_json() for r in outcome.refused],
                        "acks": outcome.acks}), 409
    return jsonify({"acks": outcome.acks, "stored": outcome.stored})


batch.upload_limit = wire.MAX_BATCH_BYTES  # type: ignore[attr-defined]  # web.hooks raises the 1 MB limit
