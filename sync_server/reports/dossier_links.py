"""Dossier codes as personal data (Law 91/2025): the retention purge of `dossier_link` and the
erase of one dossier's links on request. No Flask here.

A code sits beside the sealed response, never in it (docs/privacy.md), so deleting the row leaves
the rating, its figures and its hash chain as they were. Every purge and erase is in the audit
log without the code itself: the log would otherwise keep what was erased.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.shared.dossier import MAX_LEN
from sync_server.accounts import audit
from sync_server.db import write_transaction
from sync_server.db.models import DossierLink, Response
from sync_server.exc import InputError
from sync_server.i18n import N_
from sync_server.roster.names import officer_names


@dataclass(frozen=True)
class Linked:
    """One rating linked to the code looked up: what staff need to confirm it is the right one."""

    uuid: str
    when: datetime  # UTC, as the rating's time (repaired when the kiosk's clock was wrong)
    officer: str
    channel: str
    purge_on: datetime  # UTC; the retention purge deletes the link from then on


def expired_before(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def purge(now: datetime, days: int) -> int:
    """Delete every link the server stored more than `days` ago; return how many. Counted from
    when the server stored it (normally seconds after the rating), so a kiosk that was off the
    network for weeks still leaves the unit the whole period to export its codes. One audit row
    when any went, none when nothing did."""
    with write_transaction():
        gone = DossierLink.delete().where(DossierLink.linked_at < expired_before(now, days)).execute()
        if gone:
            audit.record(audit.SYSTEM, "dossier.purge", "", {"count": gone, "days": days})
    return gone


def clean(raw: str) -> str:
    """The code as stored (trimmed, upper case), checked only for shape: the unit's pattern may
    have changed since a code was linked, and an erase must still find it."""
    code = raw.strip().upper()
    if not code:
        raise InputError(N_("Xin nhập mã hồ sơ cần xóa."))
    if len(code) > MAX_LEN or not code.isprintable():
        raise InputError(N_("Mã hồ sơ không hợp lệ: tối đa %(n)s ký tự, không xuống dòng."), {"n": MAX_LEN})
    return code


def find(raw: str, days: int) -> tuple[str, list[Linked]]:
    """The ratings linked to one dossier code (the normalised code and its links, oldest first)."""
    code = clean(raw)
    rows = (Response.select(Response, DossierLink.linked_at.alias("linked"))
            .join(DossierLink, on=(DossierLink.response_uuid == Response.uuid))
            .where(DossierLink.code == code).order_by(Response.recorded_utc, Response.id).objects())
    names = officer_names()
    return code, [Linked(r.uuid, r.time_utc, names.get(r.officer, r.officer or ""), r.channel,
                         r.linked + timedelta(days=days)) for r in rows]


def erase(raw: str, actor: str, *, role: str | None = None, ip: str | None = None) -> int:
    """Erase every link of one dossier code on request, audited in the same transaction; the
    ratings stay. The audit row names the responses and their number, never the code."""
    code = clean(raw)
    with write_transaction():
        uuids = [u for (u,) in DossierLink.select(DossierLink.response_uuid)
                 .where(DossierLink.code == code).order_by(DossierLink.id).tuples()]
        if not uuids:
            raise InputError(N_("Không có đánh giá nào gắn với mã hồ sơ này (có thể đã được xóa)."))
        DossierLink.delete().where(DossierLink.code == code).execute()
        audit.record(actor, "dossier.erase", f"dossier-links:{len(uuids)}",
                     {"count": len(uuids), "responses": uuids}, role=role, ip=ip)
    return len(uuids)
