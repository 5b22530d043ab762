"""Kiosk health for the staff pages: one line per kiosk and the alerts that follow from it.

Everything is read from what the puller stored (kiosk rows with their last status, epochs,
responses, conflicts, open alerts); nothing here talks to a kiosk. Pure logic: no Flask.
Messages come in Vietnamese and English; the page picks one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from peewee import fn

from sync_server.config import ServerConfig
from sync_server.db.models import Alert, Conflict, Epoch, Kiosk, Response
from sync_server.i18n import N_
from sync_server.roster.kiosks import active_entries

LOW_DISK_BYTES = 500 * 1024 * 1024
# What the last pull of a kiosk came to, in words (the dashboard and the fleet pages).
PULL_STATUS = {
    "ok": N_("bình thường"),
    "unreachable": N_("không kết nối được"),
    "error": N_("lỗi"),
    "refused": N_("dữ liệu bị từ chối (xem cảnh báo)"),
    None: N_("chưa lấy dữ liệu lần nào"),
}

# Open stored alerts of these kinds mean the chain is not intact up to the kiosk's head.
CHAIN_KINDS = ("chain", "gap", "garbage")


@dataclass
class KioskHealth:
    id: str
    url: str
    configured: bool
    last_contact: datetime | None = None
    last_pull_at: datetime | None = None
    last_pull_status: str | None = None
    last_error: str | None = None
    store_id: str | None = None
    epochs: int = 0
    kiosk_last_seq: int | None = None  # what the kiosk last said it holds
    acked_seq: int | None = None
    held_seq: int = 0  # the server's cursor in the kiosk's current store
    stored: int = 0  # responses stored from the current store
    kept_aside: int = 0  # conflicts from the current store
    stored_all: int = 0  # every epoch
    flagged: int = 0
    clock_skew_s: float | None = None
    clock_synced: bool | None = None
    roster_version: int | None = None  # on screen at the kiosk
    roster_stored_version: int | None = None
    free_disk_bytes: int | None = None
    software_version: str | None = None
    open_alerts: dict[str, int] = field(default_factory=dict)  # kind -> open alerts

    @property
    def received(self) -> int:
        """Responses of the current store the server took in: stored plus kept aside."""
        return self.stored + self.kept_aside

    @property
    def counts_agree(self) -> bool:
        """Every seq up to the cursor is either stored or kept aside: nothing lost in between."""
        return self.received == self.held_seq

    @property
    def chain_ok(self) -> bool | None:
        """None before any successful pull."""
        if any(self.open_alerts.get(k) for k in CHAIN_KINDS):
            return False
        return None if self.store_id is None else True

    @property
    def behind(self) -> int:
        """Responses the kiosk reported that the server does not hold yet."""
        if self.kiosk_last_seq is None:
            return 0
        return max(0, self.kiosk_last_seq - self.held_seq)


@dataclass(frozen=True)
class LiveAlert:
    """What the dashboard says of a kiosk: a msgid with values (a value may be a (msgid, values)
    pair itself), rendered in the reader's language by `render`."""

    kiosk_id: str
    kind: str  # silent | chain | gap | garbage | clock | count | disk | conflict | unknown | new_store
    msgid: str
    values: dict[str, Any] = field(default_factory=dict)

    def render(self, gettext: Callable[[str], str]) -> str:
        return _render(self.msgid, self.values, gettext)


def _render(msgid: str, values: dict[str, Any], gettext: Callable[[str], str]) -> str:
    done = {k: _render(*v, gettext) if isinstance(v, tuple) else v for k, v in values.items()}
    return gettext(msgid) % done if done else gettext(msgid)


def _status(raw: str | None) -> dict[str, Any]:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def kiosk_health(config: ServerConfig) -> list[KioskHealth]:
    """Kiosks being pulled first (server.toml's in order, then those added on the web), then any
    other kiosk the server has seen (a retired one, say)."""
    rows = {k.id: k for k in Kiosk.select()}
    configured = {k.id: k for k in active_entries(config)}  # server.toml's and the web's, not retired
    order = list(configured) + sorted(k for k in rows if k not in configured)
    # This server's own kiosks only: at a province hub, communes' kiosks may share their ids.
    own = Response.unit == ""
    stored_all = dict(Response.select(Response.kiosk_id, fn.COUNT(Response.id)).where(own)
                      .group_by(Response.kiosk_id).tuples())
    flagged = dict(Response.select(Response.kiosk_id, fn.COUNT(Response.id))
                   .where(own & Response.unknown_refs.is_null(False)).group_by(Response.kiosk_id).tuples())
    epochs = dict(Epoch.select(Epoch.kiosk_id, fn.COUNT(Epoch.id)).where(Epoch.unit == "")
                  .group_by(Epoch.kiosk_id).tuples())
    alerts: dict[str, dict[str, int]] = {}
    for kiosk_id, kind, n in (Alert.select(Alert.kiosk_id, Alert.kind, fn.COUNT(Alert.id))
                              .where(~Alert.resolved).group_by(Alert.kiosk_id, Alert.kind).tuples()):
        alerts.setdefault(kiosk_id, {})[kind] = n
    out = []
    for kid in order:
        row = rows.get(kid)
        h = KioskHealth(kid, configured[kid].url if kid in configured else (row.url if row else ""),
                        kid in configured, stored_all=int(stored_all.get(kid, 0)),
                        flagged=int(flagged.get(kid, 0)), epochs=int(epochs.get(kid, 0)),
                        open_alerts=alerts.get(kid, {}))
        if row is not None:
            h.last_contact, h.last_pull_at = row.last_contact, row.last_pull_at
            h.last_pull_status, h.last_error, h.clock_skew_s = (row.last_pull_status, row.last_error,
                                                               row.clock_skew_s)
            s = _status(row.last_status)
            h.kiosk_last_seq, h.acked_seq = _int_or_none(s.get("last_seq")), _int_or_none(s.get("acked_seq"))
            h.roster_version = _int_or_none(s.get("roster_version"))
            h.roster_stored_version = _int_or_none(s.get("roster_stored_version"))
            h.free_disk_bytes = _int_or_none(s.get("free_disk_bytes"))
            h.software_version = str(s["version"])[:32] if s.get("version") is not None else None
            h.clock_synced = s.get("clock_synced") if isinstance(s.get("clock_synced"), bool) else None
            store_id = s.get("store_id") if isinstance(s.get("store_id"), str) else None
            epoch = Epoch.get_or_none((Epoch.kiosk_id == kid) & (Epoch.store_id == store_id))
            if epoch is not None:
                h.store_id, h.held_seq = epoch.store_id, epoch.last_seq
                h.stored = Response.select().where(Response.store_id == epoch.store_id).count()
                h.kept_aside = Conflict.select().where(Conflict.store_id == epoch.store_id).count()
        out.append(h)
    return out


def _ago(seconds: float) -> tuple[str, dict[str, int]]:
    minutes = round(seconds / 60)
    if minutes < 120:
        return N_("%(n)s phút"), {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return N_("%(n)s giờ"), {"n": hours}
    return N_("%(n)s ngày"), {"n": hours // 24}


_STORED_KINDS = {
    "chain": N_("chuỗi niêm phong bị hỏng (dữ liệu bị từ chối)"),
    "gap": N_("thiếu số thứ tự phiếu (dữ liệu bị từ chối)"),
    "garbage": N_("ki-ốt gửi dữ liệu không hợp lệ"),
    "conflict": N_("phiếu trùng mã nhưng khác nội dung (đã để riêng)"),
    "unknown": N_("phiếu ghi mã cán bộ/thủ tục/bộ câu hỏi chưa có trong danh mục"),
    "new_store": N_("ki-ốt dùng thẻ nhớ mới (kho dữ liệu mới)"),
}


def live_alerts(config: ServerConfig, health: list[KioskHealth], now: datetime) -> list[LiveAlert]:
    """What the dashboard must show now, most serious first."""
    out: list[LiveAlert] = []
    for h in health:
        if not h.configured:
            continue
        if h.last_contact is None:
            out.append(LiveAlert(h.id, "silent", N_("chưa liên lạc được lần nào")))
        elif (now - h.last_contact) > timedelta(seconds=config.silent_alert_s):
            out.append(LiveAlert(h.id, "silent", N_("không liên lạc được đã %(ago)s"),
                                 {"ago": _ago((now - h.last_contact).total_seconds())}))
        for kind, what in _STORED_KINDS.items():
            n = h.open_alerts.get(kind)
            if n:
                out.append(LiveAlert(h.id, kind, N_("%(what)s — %(n)s cảnh báo chưa xử lý"),
                                     {"what": (what, {}), "n": n}))
        if not h.counts_agree:
            out.append(LiveAlert(h.id, "count", N_("số phiếu không khớp: đã nhận đến số %(seq)s nhưng lưu "
                                                   "%(stored)s và để riêng %(aside)s"),
                                 {"seq": h.held_seq, "stored": h.stored, "aside": h.kept_aside}))
        if h.clock_skew_s is not None and abs(h.clock_skew_s) > config.clock_alert_s:
            msgid = (N_("đồng hồ ki-ốt nhanh %(ago)s (giờ phiếu được máy chủ sửa lại)") if h.clock_skew_s > 0
                     else N_("đồng hồ ki-ốt chậm %(ago)s (giờ phiếu được máy chủ sửa lại)"))
            out.append(LiveAlert(h.id, "clock", msgid, {"ago": _ago(abs(h.clock_skew_s))}))
        if h.free_disk_bytes is not None and h.free_disk_bytes < LOW_DISK_BYTES:
            out.append(LiveAlert(h.id, "disk", N_("thẻ nhớ ki-ốt sắp đầy (còn %(mb)s MB)"),
                                 {"mb": h.free_disk_bytes // (1024 * 1024)}))
    order = ("chain", "gap", "count", "conflict", "garbage", "silent", "clock", "new_store",
             "unknown", "disk")
    return sorted(out, key=lambda a: order.index(a.kind))
