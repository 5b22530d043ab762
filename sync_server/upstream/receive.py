"""Hub side: one batch from a commune server, checked and stored (DESIGN.md §6).

Per store, the hub takes up from the last response it holds and re-verifies the chain with the
checks a pull makes (sync_server.collect.checks: shape, sizes, seq continuity, link and hash of
each response), then stores through `collect.ingest.store_page` (rows, rollups and cursor in one
transaction). Responses it already holds may come again (a batch sent twice, a reply lost on a
cut connection): each must equal what the hub holds, and is not stored twice. A store that does
not chain is refused whole — nothing of it from this batch is kept — and raised as an alert
naming the commune, the store and the seq; the other stores of the batch go on. A store already
held under another commune server is refused (`two_units`). No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from kiosk.shared.exc import ProtocolError
from kiosk.shared.protocol import canonical_json
from sync_server.collect import checks, ingest
from sync_server.collect.alerts import raise_alert
from sync_server.collect.messages import Message, as_message, dumps, english, say
from sync_server.config import DownstreamEntry, ServerConfig
from sync_server.db import database, write_transaction
from sync_server.db.models import Epoch
from sync_server.exc import Refused
from sync_server.upstream import canonical, peers, snapshot, wire


@dataclass
class StoreRefused:
    store_id: str
    seq: int | None
    reason: str  # gap | chain | garbage | two_units
    said: Message  # the reply says it in English; the hub's pages in the reader's language

    def as_json(self) -> dict[str, Any]:
        return {"store_id": self.store_id, "seq": self.seq, "reason": self.reason,
                "message": english([self.said])}


@dataclass
class Outcome:
    acks: dict[str, int]
    stored: int = 0
    refused: list[StoreRefused] = field(default_factory=list)


class _Refusal(Exception):
    def __init__(self, seq: int | None, refused: Refused) -> None:
        super().__init__(str(refused))
        self.seq, self.refused = seq, refused


def _epoch(server_id: str, kiosk_id: str, store_id: str, now: datetime) -> Epoch:
    with write_transaction():
        epoch = Epoch.get_or_none(Epoch.store_id == store_id)
        if epoch is None:
            Epoch.insert(unit=server_id, kiosk_id=kiosk_id, store_id=store_id, first_seen=now,
                         last_seen=now).on_conflict_ignore().execute()
            epoch = Epoch.get(Epoch.store_id == store_id)
    if epoch.unit != server_id:
        raise _Refusal(None, Refused("two_units", say(
            "store %(store)s is held under commune server %(other)s: a store belongs to one commune "
            "server", store=store_id, other=epoch.unit or "(this hub)")))
    if epoch.kiosk_id != kiosk_id:
        raise _Refusal(None, Refused("chain", say("store %(store)s was kiosk %(was)s, now sent as %(now)s",
                                                  store=store_id, was=epoch.kiosk_id, now=kiosk_id)))
    return epoch


def _held_bodies(store_id: str, first: int, last: int) -> dict[int, str]:
    q = database.obj.param
    rows = database.execute_sql(
        f'SELECT "seq", "body" FROM "response" WHERE "store_id" = {q} AND "seq" BETWEEN {q} AND {q} '
        'UNION ALL SELECT "seq", "body" FROM "conflict" '
        f'WHERE "store_id" = {q} AND "seq" BETWEEN {q} AND {q}',
        (store_id, first, last, store_id, first, last)).fetchall()
    return dict(rows)


def _check(store: dict[str, Any], held: int,
           head: str) -> tuple[list, list[str], list, list[str], tuple[int, str]]:
    """The responses after `held` with their bodies, times and reception points, and the new head;
    _Refusal names the first seq that cannot be taken."""
    store_id, items, times = store["store_id"], store["responses"], store["times"]
    seqs = [r.get("seq") if isinstance(r, dict) else None for r in items]
    again = 0
    while again < len(items) and checks.is_int(seqs[again]) and seqs[again] <= held:
        again += 1
    if again:  # sent before: each must be what the hub holds
        bodies = _held_bodies(store_id, seqs[0], seqs[again - 1])
        for r, seq in zip(items[:again], seqs[:again], strict=True):
            if bodies.get(seq) != canonical_json(r).decode("utf-8"):
                raise _Refusal(seq, Refused("chain", say(
                    "seq %(seq)s: differs from the response the hub holds", seq=seq)))
    if not store["redacted"]:  # the usual batch: its new responses checked as one page
        try:
            return _check_run(store, again, held, head)
        except (ProtocolError, Refused, wire.WireError):
            pass  # one at a time below, which names the seq that cannot be taken
    new, new_bodies, new_times, new_points = [], [], [], []
    after, prev = held, head
    redacted = set(store["redacted"])
    for i in range(again, len(items)):
        try:
            page = {"store_id": store_id, "responses": [items[i]], "last_seq": after + 1}
            responses, bodies, _last = checks.check_page(page, store_id, after)
            if after + 1 in redacted:
                after, prev = _redacted_link(responses[0], prev)
            else:
                after, prev = checks.verify_page(responses, bodies, after, prev)
            when = wire.times_in(times[i], f"seq {after}")
        except ProtocolError as e:
            raise _Refusal(after + 1, Refused("chain", str(e))) from None
        except Refused as e:
            raise _Refusal(after + 1, e) from None
        except wire.WireError as e:
            raise _Refusal(after, Refused("garbage", str(e))) from None
        new.append(responses[0])
        new_bodies.append(bodies[0])
        new_times.append(when)
        new_points.append(store["points"][i])
    return new, new_bodies, new_times, new_points, (after, prev)


def _check_run(store: dict[str, Any], start: int, held: int,
               head: str) -> tuple[list, list[str], list, list[str], tuple[int, str]]:
    """`_check`'s loop in one pass over the responses from `start` (none redacted): the same checks,
    a page's worth of calls instead of a call each. Raises what the loop would, without its seq."""
    items = store["responses"][start:]
    page = {"store_id": store["store_id"], "responses": items, "last_seq": held + len(items)}
    responses, bodies, _last = checks.check_page(page, store["store_id"], held, canonical.response_text)
    after = checks.verify_page(responses, bodies, held, head)
    times = [wire.times_in(t, "") for t in store["times"][start:]]
    return responses, bodies, times, store["points"][start:], after


def _redacted_link(r: dict[str, Any], prev: str) -> tuple[int, str]:
    """A QR response sent without the citizen's name (wire.PRIVATE_KEYS): its hash was taken over
    the name too, so its seq and link are checked here and its scores are taken as sent; the next
    response links to the hash the kiosk chain holds."""
    if r["channel"] != "qr":
        raise ProtocolError(f"seq {r['seq']}: only a QR page response may come without its name")
    if r["prev_hash"] != prev:
        raise ProtocolError(f"seq {r['seq']}: prev_hash does not link to seq {r['seq'] - 1}")
    return r["seq"], r["hash"]


def _store_one(entry: DownstreamEntry, store: dict[str, Any], config: ServerConfig, roster: ingest.Roster,
               now: datetime) -> int:
    for _attempt in range(3):  # another batch of the same commune may move the cursor meanwhile
        epoch = _epoch(entry.id, store["kiosk_id"], store["store_id"], now)
        held, head = epoch.last_seq, epoch.head_hash
        new, bodies, times, points, after = _check(store, held, head)
        if not new:
            return 0
        try:
            result = ingest.store_page(epoch.id, store["kiosk_id"], new, (held, head), after, tz=config.tz,
                                       now=now, roster=roster, bodies=bodies, unit=entry.id, times=times,
                                       points=points)
        except ingest.CursorMoved:
            continue
        if result.conflicts or result.flagged:
            ingest.raise_page_alerts(entry.id, store["store_id"], result.conflicts, result.flagged, now)
        return len(result.stored)
    raise _Refusal(None, Refused("chain", say("another pull of this kiosk moved the cursor meanwhile; "
                                              "try again")))


def receive(config: ServerConfig, entry: DownstreamEntry, batch: dict[str, Any],
            now: datetime) -> Outcome:
    """Store what chains, refuse (and raise) what does not; wire.WireError for a batch that is
    not one. The roster snapshot is kept first, so the responses' codes are known."""
    stores = wire.check_batch(batch)
    snapshot.keep_roster(entry.id, batch["roster"], now, config.data_dir)
    roster = snapshot.known(entry.id)
    outcome = Outcome(acks={})
    for store in stores:
        try:
            outcome.stored += _store_one(entry, store, config, roster, now)
        except _Refusal as e:
            problem = say("upstream store %(store)s, seq %(seq)s: %(problem)s — nothing of this store "
                          "from this batch kept", store=store["store_id"], seq=e.seq if e.seq else "-",
                          problem=as_message(e.refused.message))
            outcome.refused.append(StoreRefused(store["store_id"], e.seq, e.refused.reason, problem))
            with write_transaction():
                raise_alert(entry.id, e.refused.reason, problem, e.refused.detail, now)
    snapshot.apply_exclusions(entry.id, batch["exclusions"], now)
    outcome.acks = peers.acks(entry.id)
    error = dumps(r.said for r in outcome.refused)
    peers.note_push(entry, now, "refused" if outcome.refused else "ok", error, outcome.stored,
                    _backlog(batch, stores, {r.store_id for r in outcome.refused}))
    return outcome


def _backlog(batch: dict[str, Any], stores: list[dict[str, Any]],
             refused: set[str]) -> tuple[int, datetime | None] | None:
    """What the commune says it will still not have pushed once this batch is taken, plus what
    the hub did not take of it (a refused store's responses stay the commune's backlog)."""
    said = wire.backlog_of(batch)
    if said is None:
        return None
    left, oldest = said
    for store in stores:
        if store["store_id"] not in refused or not store["responses"]:
            continue
        left += len(store["responses"])
        try:
            first = wire.times_in(store["times"][0], "")
        except wire.WireError:
            continue
        rated = first.corrected_utc or first.recorded_utc
        oldest = rated if oldest is None else min(oldest, rated)
    return left, oldest
