"""Storing a QR page response as if a kiosk named `qr` had sent it (DESIGN.md §3).

The server keeps one virtual store for the QR page: an epoch of kiosk `qr` with its own store_id,
a gap-free seq and the same SHA-256 hash chain as a kiosk (`kiosk.shared.protocol.seal`). A response is
sealed onto the epoch's head and stored through the puller's own path (`ingest.store_page`:
response, answers, rollups and cursor in one transaction), so reports, exclusions and chain
checks treat it like any kiosk response. Concurrent submits are serialised by the epoch row
(SQLite: the IMMEDIATE write lock; PostgreSQL: SELECT … FOR UPDATE).

A single-use ticket is marked used in the same transaction: a ticket counts once or not at all.
No Flask here.
"""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from peewee import IntegrityError

from kiosk.shared import clock
from kiosk.shared.protocol import canonical_json, seal, validate_response
from kiosk.shared.qrticket import Ticket
from sync_server.collect import ingest
from sync_server.collect.clockfix import local_date
from sync_server.config import QR_KIOSK_ID, AlertRule
from sync_server.db import database, is_sqlite, write_transaction
from sync_server.db.models import Addendum, CitizenContact, Epoch, QrRefusal, QrTicket, Setting
from sync_server.exc import Refused
from sync_server.qr.group import GroupCommit, Item
from sync_server.reports import service_alerts, yes_no
from sync_server.roster import cache

STORE_KEY = "qr_store_id"
log = logging.getLogger(__name__)


class TicketUsed(Refused):
    """The ticket was used before: nothing stored (counted as `ticket_reused`)."""

    def __init__(self, nonce: str) -> None:
        super().__init__("ticket_reused", "ticket used before", detail=nonce)


@dataclass(frozen=True)
class _Head:
    """The QR epoch as a submit needs it: its id, store and cursor."""

    id: int
    store_id: str
    last_seq: int
    head_hash: str


_EPOCH_SQL = ('SELECT e."id", e."store_id", e."last_seq", e."head_hash" FROM "epoch" e '
              'JOIN "setting" s ON s."value" = e."store_id" WHERE s."key" = {q} AND e."kiosk_id" = {q}')


def _epoch() -> _Head:
    """The QR epoch, made on first use and locked for this transaction. Two first submits at once
    both insert-or-ignore the same keys, so there is only ever one. Plain SQL: a query built by
    peewee on every submit cost more than running it."""
    sql = _EPOCH_SQL.format(q=database.obj.param) + ("" if is_sqlite() else " FOR UPDATE OF e")
    row = database.execute_sql(sql, (STORE_KEY, QR_KIOSK_ID)).fetchone()
    if row is not None:  # one query, as on every submit but the very first
        return _Head(*row)
    Setting.insert(key=STORE_KEY, value=f"qr-{uuid.uuid4()}").on_conflict_ignore().execute()
    store_id = Setting.get(Setting.key == STORE_KEY).value
    Epoch.insert(kiosk_id=QR_KIOSK_ID, store_id=store_id).on_conflict_ignore().execute()
    return _Head(*database.execute_sql(sql, (STORE_KEY, QR_KIOSK_ID)).fetchone())


def ticket_used(nonce: str) -> bool:
    return QrTicket.select().where(QrTicket.nonce == nonce).exists()


@dataclass(frozen=True)
class Submission:
    """One QR response waiting to be stored (`fields` as `store` takes them)."""

    fields: dict[str, Any]
    tz: ZoneInfo
    now: datetime
    ticket: Ticket | None
    issued_utc: datetime | None
    alert_rule: AlertRule | None
    contact: dict[str, str] | None = None  # name/phone/purpose, kept beside the response, never sealed
    dossier: str | None = None  # the dossier code ([qr] ask_dossier), beside the response, never sealed


def store(fields: dict[str, Any], *, tz: ZoneInfo, now: datetime, ticket: Ticket | None = None,
          issued_utc: datetime | None = None, alert_rule: AlertRule | None = None,
          contact: dict[str, str] | None = None, dossier: str | None = None) -> dict[str, Any]:
    """Seal and store one response (`fields`: officer, procedure, questionnaire,
    questionnaire_version, answers, reasons, flags); return it as stored, once
    committed. Raises TicketUsed when `ticket` was used before, and stores nothing then. With
    `alert_rule`, the officer's run of low scores is scanned for service alerts as well. A
    consented `contact` (sync_server.qr.form.contact_of) is stored beside it in the same
    transaction, outside the sealed body, so that purging it never touches the chain.

    Submissions arriving together are committed together (sync_server.qr.group): one transaction
    and one scan for the whole group."""
    return _group.submit(Submission(fields, tz, now, ticket, issued_utc, alert_rule, contact, dossier))


def _commit(items: list[Item]) -> None:
    """The group's leader: all of `items` in one transaction. Should that transaction fail as a
    whole, each is tried again alone, so one bad submission fails nobody else's."""
    # Read before the write lock (it only flags unknown codes), once while the roster is unchanged.
    roster = cache.cached("ingest.roster", ingest.Roster.load)
    try:
        _store_group(items, roster)
    except Exception:
        if len(items) == 1:
            raise
        for item in items:
            if not item.done:
                try:
                    _store_group([item], roster)
                except Exception as e:  # noqa: BLE001 - this one's own error, answered to it alone
                    item.finish(error=e)


def _store_group(items: list[Item], roster: ingest.Roster) -> None:
    """Seal `items` onto the QR chain in turn and store them in one transaction; `finish` each
    only after the commit (with its TicketUsed or ValueError at once: nothing of it is written)."""
    now = max(item.work.now for item in items)
    tz = items[0].work.tz
    refused: list[tuple[Item, BaseException]] = []
    with write_transaction():
        epoch = _epoch()
        # Only after the epoch lock: a phone racing another with the same ticket waits there, then
        # sees the ticket the first one committed; within the group the first one wins.
        used = _used_nonces([i.work.ticket.nonce for i in items if i.work.ticket is not None])
        boot, uptime = clock.boot_id(), clock.uptime_ms()
        head = (epoch.last_seq, epoch.head_hash)
        before = head
        kept: list[tuple[Item, dict[str, Any]]] = []
        for item in items:
            sub: Submission = item.work
            if sub.ticket is not None and sub.ticket.nonce in used:
                refused.append((item, TicketUsed(sub.ticket.nonce)))
                continue
            try:
                sealed = _seal(sub, epoch.store_id, head, boot, uptime)
            except ValueError as e:  # its fields fail the shape check: the others go on
                refused.append((item, e))
                continue
            if sub.ticket is not None:
                used.add(sub.ticket.nonce)
            kept.append((item, sealed))
            head = (sealed["seq"], sealed["hash"])
        if kept:
            _write(epoch.id, [s for _i, s in kept], before, head, tz=tz, now=now, roster=roster,
                   boot=boot, uptime=uptime,
                   dossiers={s["uuid"]: i.work.dossier for i, s in kept if i.work.dossier})
            _use_tickets([(i.work, s) for i, s in kept if i.work.ticket is not None], now)
            _keep_contacts([(i.work, s) for i, s in kept if i.work.contact is not None])
            _scan_alerts([(i.work, s) for i, s in kept], now)
    for item, sealed in kept:
        item.finish(sealed)
    for item, error in refused:
        item.finish(error=error)


def _used_nonces(nonces: list[str]) -> set[str]:
    if not nonces:
        return set()
    return {t.nonce for t in QrTicket.select(QrTicket.nonce).where(QrTicket.nonce.in_(nonces))}


def _seal(sub: Submission, store_id: str, head: tuple[int, str], boot: str, uptime: int) -> dict[str, Any]:
    response = {
        "store_id": store_id, "seq": head[0] + 1, "uuid": str(uuid.uuid4()),
        "kiosk_id": QR_KIOSK_ID, "officer": None, "procedure": None, "reasons": [],
        "channel": "qr", "partial": False, "flags": [],
        # Local time with its offset, as a kiosk writes it (the reports take day and hour from
        # the UTC instant in the server's zone, whatever the offset).
        "recorded_at": sub.now.replace(tzinfo=UTC).astimezone(sub.tz).isoformat(timespec="milliseconds"),
        "boot_id": boot, "uptime_ms": uptime,
        **sub.fields,
    }
    sealed = seal(response, head[1])
    validate_response(sealed)  # the same shape check a pulled response gets
    return sealed


def _write(epoch_id: int, sealed: list[dict[str, Any]], before: tuple[int, str], after: tuple[int, str], *,
           tz: ZoneInfo, now: datetime, roster: ingest.Roster, boot: str, uptime: int,
           dossiers: dict[str, str] | None = None) -> None:
    # The server's clock is the one the reports trust: anchor this boot so the stored times are
    # taken as they are (clockfix), exactly as for a kiosk whose clock was right.
    ingest.save_anchor(QR_KIOSK_ID, {"boot_id": boot, "uptime_ms": uptime,
                                     "wall_clock": now.isoformat() + "+00:00"}, now)
    ingest.store_page(epoch_id, QR_KIOSK_ID, sealed, before, after, tz=tz, now=now, roster=roster,
                      bodies=[canonical_json(s).decode("utf-8") for s in sealed], dossiers=dossiers)


def _use_tickets(used: list[tuple[Submission, dict[str, Any]]], now: datetime) -> None:
    if used:
        QrTicket.insert_many([{"nonce": sub.ticket.nonce, "issuer": sub.ticket.issuer,  # type: ignore[union-attr]
                               "issued_utc": sub.issued_utc or now, "used_at": now,
                               "response_uuid": sealed["uuid"]} for sub, sealed in used]).execute()


def _keep_contacts(kept: list[tuple[Submission, dict[str, Any]]]) -> None:
    if kept:
        CitizenContact.insert_many([{**sub.contact, "response_uuid": sealed["uuid"],  # type: ignore[dict-item]
                                     "consented_at": sub.now} for sub, sealed in kept]).execute()


def _scan_alerts(stored: list[tuple[Submission, dict[str, Any]]], now: datetime) -> None:
    """One scan for the whole group, in a savepoint: should it fail, the responses are stored all
    the same (the alert is caught up by `scan-alerts` / at start)."""
    rule = next((sub.alert_rule for sub, _s in stored if sub.alert_rule is not None), None)
    if rule is None:
        return
    try:
        with database.atomic():
            service_alerts.scan([(s["officer"], s["kiosk_id"], sub.now) for sub, s in stored], rule, now)
            # A "yes" to a yes/no question is an alert of its own; a group with no "yes" in it
            # has nothing to look up (the group's seqs follow each other on the chain).
            if any(any(s.get("yes_no", {}).values()) for _sub, s in stored):
                yes_no.scan_page(stored[0][1]["store_id"], stored[0][1]["seq"], stored[-1][1]["seq"],
                                 rule.on_yes, now)
    except Exception:
        log.exception("scanning QR responses for service alerts failed")


_group: GroupCommit[Submission] = GroupCommit(_commit)


def add_addendum(ticket: Ticket, *, questionnaire: dict[str, Any], topics: list[str], comment: str,
                 tz: ZoneInfo, now: datetime, issued_utc: datetime) -> Addendum:
    """Store what a citizen added to the visit that a version-2 `ticket` follows, and use the
    ticket, in one transaction: both or neither. Raises TicketUsed when the ticket (or another
    ticket of the same visit) was used before. Nothing here is a response."""
    try:
        with write_transaction():
            if ticket_used(ticket.nonce):
                raise TicketUsed(ticket.nonce)
            # Two phones racing with one ticket: the nonce's primary key lets one through
            # (PostgreSQL makes the second wait, then refuses it with IntegrityError).
            QrTicket.create(nonce=ticket.nonce, issuer=ticket.issuer, issued_utc=issued_utc, used_at=now,
                            response_uuid=ticket.response)
            return Addendum.create(
                response_uuid=ticket.response, kiosk_id=ticket.issuer, questionnaire=questionnaire["id"],
                questionnaire_version=int(questionnaire["version"]),
                topics=json.dumps(topics, ensure_ascii=False), comment=comment, created_at=now,
                local_date=local_date(now, tz))
    except IntegrityError:
        raise TicketUsed(ticket.nonce) from None


def count_refusal(reason: str, *, tz: ZoneInfo, now: datetime) -> None:
    """One more refused submission of `reason` today (its own small transaction)."""
    day = local_date(now, tz)
    with write_transaction():
        QrRefusal.insert(local_date=day, reason=reason[:32], count=1).on_conflict(
            conflict_target=[QrRefusal.local_date, QrRefusal.reason],
            update={QrRefusal.count: QrRefusal.count + 1}).execute()
