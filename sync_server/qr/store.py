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
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from peewee import IntegrityError

from kiosk.shared import clock
from kiosk.shared.protocol import canonical_json, seal, validate_response
from kiosk.shared.qrticket import Ticket
from sync_server.collect import ingest
from sync_server.collect.clockfix import local_date
from sync_server.config import QR_KIOSK_ID
from sync_server.db import is_sqlite, write_transaction
from sync_server.db.models import Addendum, Epoch, QrRefusal, QrTicket, Response, Setting
from sync_server.i18n import N_

STORE_KEY = "qr_store_id"


class TicketUsed(Exception):
    """The ticket was used before: nothing stored."""


def _epoch() -> Epoch:
    """The QR epoch, made on first use and locked for this transaction. Two first submits at once
    both insert-or-ignore the same keys, so there is only ever one."""
    Setting.insert(key=STORE_KEY, value=f"qr-{uuid.uuid4()}").on_conflict_ignore().execute()
    store_id = Setting.get(Setting.key == STORE_KEY).value
    Epoch.insert(kiosk_id=QR_KIOSK_ID, store_id=store_id).on_conflict_ignore().execute()
    query = Epoch.select().where((Epoch.kiosk_id == QR_KIOSK_ID) & (Epoch.store_id == store_id))
    return (query if is_sqlite() else query.for_update()).get()


def ticket_used(nonce: str) -> bool:
    return QrTicket.select().where(QrTicket.nonce == nonce).exists()


def store(fields: dict[str, Any], *, tz: ZoneInfo, now: datetime, ticket: Ticket | None = None,
          issued_utc: datetime | None = None) -> dict[str, Any]:
    """Seal and store one response (`fields`: officer, procedure, questionnaire,
    questionnaire_version, answers, reasons, flags and optionally name); return it as stored.
    Raises TicketUsed when `ticket` was used before, and stores nothing then."""
    with write_transaction():
        epoch = _epoch()
        # Only after the epoch lock: a phone racing another with the same ticket waits there, then
        # sees the ticket the first one committed (checked before the lock, both saw it unused and
        # the second failed on the ticket's primary key).
        if ticket is not None and ticket_used(ticket.nonce):
            raise TicketUsed(ticket.nonce)
        before = (epoch.last_seq, epoch.head_hash)
        boot, uptime = clock.boot_id(), clock.uptime_ms()
        # The server's clock is the one the reports trust: anchor this boot so the stored time is
        # taken as it is (clockfix), exactly as for a kiosk whose clock was right.
        ingest.save_anchor(QR_KIOSK_ID, {"boot_id": boot, "uptime_ms": uptime,
                                         "wall_clock": now.isoformat() + "+00:00"}, now)
        response = {
            "store_id": epoch.store_id, "seq": before[0] + 1, "uuid": str(uuid.uuid4()),
            "kiosk_id": QR_KIOSK_ID, "officer": None, "procedure": None, "reasons": [],
            "channel": "qr", "partial": False, "flags": [],
            # Local time with its offset, as a kiosk writes it (the reports take day and hour from
            # the UTC instant in the server's zone, whatever the offset).
            "recorded_at": now.replace(tzinfo=UTC).astimezone(tz).isoformat(timespec="milliseconds"),
            "boot_id": boot, "uptime_ms": uptime,
            **fields,
        }
        sealed = seal(response, before[1])
        validate_response(sealed)  # the same shape check a pulled response gets
        ingest.store_page(epoch.id, QR_KIOSK_ID, [sealed], before, (sealed["seq"], sealed["hash"]),
                          tz=tz, now=now, roster=ingest.Roster.load(),
                          bodies=[canonical_json(sealed).decode("utf-8")])
        if ticket is not None:
            QrTicket.create(nonce=ticket.nonce, issuer=ticket.issuer, issued_utc=issued_utc or now,
                            used_at=now, response_uuid=sealed["uuid"])
    return sealed


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


def refusals(since: datetime, tz: ZoneInfo) -> dict[str, int]:
    """Refused submissions per reason from the local day of `since` on."""
    rows = QrRefusal.select().where(QrRefusal.local_date >= local_date(since, tz))
    totals: dict[str, int] = {}
    for row in rows:
        totals[row.reason] = totals.get(row.reason, 0) + row.count
    return totals


REFUSAL_LABELS = {
    "limit": N_("Gửi lại quá sớm (giới hạn mỗi thiết bị)"),
    "ticket_reused": N_("Mã dùng một lần đã được dùng"),
    "ticket_forged": N_("Mã không hợp lệ (giả mạo hoặc sai)"),
    "ticket_expired": N_("Mã đã hết hạn"),
    "ticket_missing": N_("Thiếu mã dùng một lần"),
    "bad_input": N_("Dữ liệu gửi lên sai"),
    "unknown_code": N_("Mã cán bộ hay quầy không có"),
    "too_large": N_("Dữ liệu gửi lên quá lớn"),
}


@dataclass(frozen=True)
class Health:
    today: int
    week: int
    refusals: list[tuple[str, int]]
    labels: dict[str, str]


def health(tz: ZoneInfo, now: datetime) -> Health:
    """What the health page shows about the QR page: responses and refusals by reason."""
    today = local_date(now, tz)
    since = today - timedelta(days=6)
    qr = Response.select().where((Response.kiosk_id == QR_KIOSK_ID) & (Response.local_date >= since))
    by_reason = sorted(refusals(now - timedelta(days=6), tz).items(), key=lambda kv: (-kv[1], kv[0]))
    return Health(qr.where(Response.local_date == today).count(), qr.count(), by_reason, REFUSAL_LABELS)
