"""Citizens' names and phone numbers left on the QR page (with consent): the retention purge,
the list staff read to call back, and the erase on request. No Flask here.

They live in `citizen_contact`, beside the sealed responses and never in them (docs/privacy.md),
so deleting one leaves the rating, its figures and its hash chain exactly as they were. Every
purge and erase is in the audit log, without the name or number erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sync_server.accounts import audit
from sync_server.db import write_transaction
from sync_server.db.models import CitizenContact
from sync_server.exc import InputError
from sync_server.i18n import N_

MAX_LISTED = 500


@dataclass(frozen=True)
class Contact:
    id: int
    name: str
    phone: str
    purpose: str
    consented_at: datetime
    purge_on: datetime  # the retention purge deletes it from then on


def expired_before(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def purge(now: datetime, days: int) -> int:
    """Delete every contact consented more than `days` ago; return how many. One audit row when
    any went (actor "system"), none when nothing did."""
    with write_transaction():
        old = CitizenContact.consented_at < expired_before(now, days)
        gone = CitizenContact.delete().where(old).execute()
        if gone:
            audit.record(audit.SYSTEM, "contact.purge", "", {"count": gone, "days": days})
    return gone


def listing(now: datetime, days: int, query: str = "") -> list[Contact]:
    """The contacts still kept, newest first (the expired ones are purged first), filtered by a
    part of the name or phone number."""
    purge(now, days)
    rows = CitizenContact.select().order_by(CitizenContact.consented_at.desc(), CitizenContact.id.desc())
    query = " ".join(query.split())[:100]
    if query:
        rows = rows.where(CitizenContact.name.contains(query) | CitizenContact.phone.contains(query))
    return [Contact(r.id, r.name, r.phone, r.purpose, r.consented_at, r.consented_at + timedelta(days=days))
            for r in rows.limit(MAX_LISTED)]


def erase(contact_id: int, actor: str, *, role: str | None = None, ip: str | None = None) -> None:
    """Erase one citizen's name and phone on request (Law 91/2025), audited in the same
    transaction. The audit row names the contact's id and its response, never what was erased."""
    with write_transaction():
        row = CitizenContact.get_or_none(CitizenContact.id == contact_id)
        if row is None:
            raise InputError(N_("Không có thông tin liên hệ số %(id)s (có thể đã được xóa)."),
                             {"id": contact_id})
        row.delete_instance()
        audit.record(actor, "contact.erase", f"contact:{contact_id}", {"response": row.response_uuid},
                     role=role, ip=ip)
