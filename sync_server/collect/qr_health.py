"""The QR page's health, for the kiosk health page: its responses this week and the submissions it
refused, by reason. The QR page is a virtual kiosk (`qr`); its store writes the rows
(sync_server.qr.store), this reads them. Pure logic: no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sync_server.collect.clockfix import local_date
from sync_server.config import QR_KIOSK_ID
from sync_server.db.models import QrRefusal, Response
from sync_server.i18n import N_


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
    qr = Response.select().where((Response.kiosk_id == QR_KIOSK_ID) & (Response.unit == "")  # not a commune's
                                 & (Response.local_date >= since))
    by_reason = sorted(refusals(now - timedelta(days=6), tz).items(), key=lambda kv: (-kv[1], kv[0]))
    return Health(qr.where(Response.local_date == today).count(), qr.count(), by_reason, REFUSAL_LABELS)
