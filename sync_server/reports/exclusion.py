"""Leaving a response out of the reports (a staff test, a demonstration) and taking it back in:
the response is never deleted; the rollups, the response's mark and the audit entry change in
one transaction. No Flask here: the page (report_pages) passes the actor."""

from __future__ import annotations

from datetime import datetime

from sync_server.accounts import audit
from sync_server.db import write_transaction
from sync_server.db.models import Response, utcnow
from sync_server.exc import InputError
from sync_server.i18n import N_
from sync_server.reports import rollup

MAX_REASON = 500


def set_excluded(response_id: int, excluded: bool, reason: str, actor: str, role: str | None = None,
                 ip: str | None = None, now: datetime | None = None) -> Response:
    reason = " ".join((reason or "").split())
    if not reason:
        raise InputError("Cần ghi lý do (ví dụ: cán bộ bấm thử).")
    if len(reason) > MAX_REASON:
        raise InputError(f"Lý do dài quá {MAX_REASON} ký tự.")
    now = now or utcnow()
    with write_transaction():
        response = Response.get_or_none(Response.id == response_id)
        if response is None:
            raise InputError("Không có phiếu đánh giá số %(id)s.", {"id": response_id})
        if bool(response.excluded) == excluded:
            raise InputError(N_("Phiếu này đã bị loại khỏi báo cáo.") if excluded
                             else N_("Phiếu này đang được tính trong báo cáo."))
        rollup.add([response.id], -1 if excluded else 1)
        Response.update(excluded=excluded, excluded_reason=reason, excluded_by=actor,
                        excluded_at=now).where(Response.id == response_id).execute()
        audit.record(actor, "response.exclude" if excluded else "response.include",
                     f"response:{response_id}",
                     {"kiosk": response.kiosk_id, "seq": response.seq, "reason": reason}, role=role, ip=ip)
    return Response.get_by_id(response_id)
