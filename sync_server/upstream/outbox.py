"""Commune side: what the hub does not hold yet, in batches (DESIGN.md §6).

Every store this server holds (its kiosks and the QR page's virtual kiosk), the sealed
responses after the hub's acknowledgement, exactly as they were received (`response.body`, the
kiosk's canonical JSON with its hash), in seq order; a seq kept aside as a conflict is sent from
`conflict` so the chain has no hole. Plus the roster snapshot and the audited exclusions
(sync_server.upstream.snapshot). No Flask here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sync_server.collect import clockfix
from sync_server.db import database
from sync_server.db.models import Epoch
from sync_server.upstream import snapshot, wire


@dataclass(frozen=True)
class Store:
    store_id: str
    kiosk_id: str
    last_seq: int  # what this server holds


def stores() -> list[Store]:
    """This server's own stores (a hub's downstream stores are never pushed on)."""
    query = Epoch.select(Epoch.store_id, Epoch.kiosk_id, Epoch.last_seq).where(
        (Epoch.unit == "") & (Epoch.last_seq > 0)).order_by(Epoch.id)
    return [Store(*row) for row in query.tuples()]


def _as_dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _rows(store: Store, after: int, limit: int, tz: ZoneInfo) -> list[tuple[dict[str, Any], list[Any], str]]:
    """(sealed response, its times, its reception point) after `after`, at most `limit`."""
    q = database.obj.param
    last = min(store.last_seq, after + limit)
    found = {seq: (body, clockfix.Times(_as_dt(rec), _as_dt(cor), src, _as_date(day), hour), point)
             for seq, body, rec, cor, src, day, hour, point in database.execute_sql(
                 'SELECT "seq", "body", "recorded_utc", "corrected_utc", "time_source", "local_date", '
                 f'"local_hour", "point" FROM "response" WHERE "store_id" = {q} AND "seq" > {q} '
                 f'AND "seq" <= {q}',
                 (store.store_id, after, last)).fetchall()}
    if len(found) < last - after:  # seqs kept aside as conflicts: their body, times as recorded
        for seq, body in database.execute_sql(
                f'SELECT "seq", "body" FROM "conflict" WHERE "store_id" = {q} AND "seq" > {q} '
                f'AND "seq" <= {q}', (store.store_id, after, last)).fetchall():
            if seq not in found:
                r = json.loads(body)
                found[seq] = (body, clockfix.response_times(r["recorded_at"], r["boot_id"], r["uptime_ms"],
                                                            None, tz, datetime(1970, 1, 1)), "")
    out = []
    for seq in range(after + 1, last + 1):
        if seq not in found:
            break  # a hole this server cannot fill: the hub will name the seq
        body, times, point = found[seq]
        out.append((json.loads(body), wire.times_out(times), point or ""))
    return out


def redact(response: dict[str, Any]) -> bool:
    """Take out what a citizen wrote (wire.PRIVATE_KEYS); True if there was any."""
    private = [k for k in wire.PRIVATE_KEYS if k in response]
    for key in private:
        del response[key]
    return bool(private)


def left_after(held_stores: list[Store], parts: list[dict[str, Any]], acks: dict[str, int]) -> dict[str, Any]:
    """The batch's `backlog` (docs/protocol.md): what the hub will still not hold once it has
    taken this batch's `parts` — responses, and when the oldest of them was rated (UTC) — so the
    province sees how far behind a commune is, not only when it last pushed."""
    sent = {p["store_id"]: p["responses"][-1]["seq"] for p in parts}
    left, oldest = 0, None
    q = database.obj.param
    for store in held_stores:
        held = sent.get(store.store_id, acks.get(store.store_id, 0))
        if held >= store.last_seq:
            continue
        left += store.last_seq - held
        row = database.execute_sql(
            'SELECT COALESCE("corrected_utc", "recorded_utc") FROM "response" '
            f'WHERE "store_id" = {q} AND "seq" = {q}', (store.store_id, held + 1)).fetchone()
        rated = _as_dt(row[0]) if row else None  # a seq kept aside as a conflict: not known here
        if rated is not None and (oldest is None or rated < oldest):
            oldest = rated
    return {"responses": left, "oldest_utc": oldest.isoformat() if oldest else None}


def batches(server_id: str, unit_name: str, acks: dict[str, int], page: int, tz: ZoneInfo,
            skip: set[str]) -> Iterator[dict[str, Any]]:
    """Yield batches of at most `page` responses, from the hub's `acks` on, until nothing is left
    (a single batch with no stores when the hub holds everything: the roster and the exclusions
    still go up). `acks` is read again before each batch: the caller updates it from the replies."""
    roster, exclusions = snapshot.roster(unit_name), snapshot.exclusions()
    sent_one = False
    while True:
        budget, parts, held_stores = page, [], stores()
        for store in held_stores:
            if budget <= 0:
                break
            after = acks.get(store.store_id, 0)
            if store.store_id in skip or after >= store.last_seq:
                continue
            rows = _rows(store, after, budget, tz)
            if not rows:
                continue
            budget -= len(rows)
            parts.append({"store_id": store.store_id, "kiosk_id": store.kiosk_id,
                          "responses": [r for r, _t, _p in rows], "times": [t for _r, t, _p in rows],
                          "points": [p for _r, _t, p in rows],  # where the commune stored each (not sealed)
                          "redacted": [r["seq"] for r, _t, _p in rows if redact(r)]})
        if not parts and sent_one:
            return
        sent_one = True
        yield {"protocol": wire.PROTOCOL, "server_id": server_id, "roster": roster,
               "exclusions": exclusions, "stores": parts, "backlog": left_after(held_stores, parts, acks)}
        if not parts:
            return
