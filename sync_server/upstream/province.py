"""Hub side: the province's page, one line per commune server (docs/hub.md): this month's and
this year's volume and share satisfied (from the same rollups and queries as every report), the
last push and its result, what it has not pushed yet, the day of the newest response held, open
alerts, and a commune silent for [province] silent_days or more (or never heard from) flagged; the
hub's alerts per commune. No Flask here."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import fn

from sync_server.config import ServerConfig
from sync_server.db.models import Alert, Downstream, DownstreamRoster, RollupUnitDay, RollupUnitMonth
from sync_server.i18n import N_, Day, Msg
from sync_server.reports import queries
from sync_server.reports.queries import Cell


@dataclass
class Commune:
    server_id: str
    name: str
    month: Cell
    year: Cell
    last_push_at: datetime | None
    last_status: str
    last_error: str  # message codes
    newest_day: date | None  # the newest local day the hub holds a response of
    open_alerts: int
    silent: bool  # no push for [province] silent_days, or never
    enrolled: bool = False  # on the hub's page (not server.toml): may be revoked there
    revoked: bool = False
    formers: tuple[str, ...] = ()  # the communes merged into it in 2025, as its points name them
    # What it had not pushed yet at its last batch, as it said (None: its software does not say).
    backlog: int | None = None
    backlog_oldest: datetime | None = None  # UTC: when the oldest of them was rated

    def backlog_days(self, now: datetime) -> int | None:
        """How many days the oldest response not pushed yet has waited (None: none, or not said)."""
        if not self.backlog or self.backlog_oldest is None:
            return None
        return max(0, (now - self.backlog_oldest).days)


def communes(config: ServerConfig, today: date, now: datetime) -> list[Commune]:
    """The communes in [[downstream]], then any that pushed and is no longer configured."""
    month = queries.figures(queries.Filters(*queries.month_of(today)), ("unit",))
    year = queries.figures(queries.Filters(*queries.year_of(today)), ("unit",))
    pushed = {d.id: d for d in Downstream.select()}
    newest = newest_days()
    alerts = dict(Alert.select(Alert.kiosk_id, fn.COUNT(Alert.id)).where(~Alert.resolved)
                  .group_by(Alert.kiosk_id).tuples())
    names = {d.id: d.name for d in config.downstream}
    merged = formers()
    order = list(names) + sorted(k for k in pushed if k not in names)
    out = []
    for sid in order:
        d = pushed.get(sid)
        last = d.last_push_at if d else None
        out.append(Commune(sid, names.get(sid) or (d.name if d else sid), month.get((sid,), Cell()),
                           year.get((sid,), Cell()), last, d.last_status if d else "",
                           d.last_error if d else "", newest.get(sid),
                           int(alerts.get(sid, 0)),
                           last is None or now - last >= timedelta(days=config.province_silent_days),
                           bool(d and d.token_sha256 and sid not in names), bool(d and d.revoked),
                           tuple(merged.get(sid, ())), d.backlog if d else None,
                           d.backlog_oldest if d else None))
    return out


def formers() -> dict[str, list[str]]:
    """{server_id: "xã Vạn Thọ (22360), 01/07/2025", …}: the former communes a commune's pushed
    reception points name (sync_server.upstream.snapshot, kind "point")."""
    out: dict[str, list[str]] = {}
    query = (DownstreamRoster.select(DownstreamRoster.server_id, DownstreamRoster.data)
             .where(DownstreamRoster.kind == "point")
             .order_by(DownstreamRoster.server_id, DownstreamRoster.code))
    for sid, data in query.tuples():
        try:
            entry = json.loads(data)
        except ValueError:
            continue
        name = str(entry.get("former_name") or "").strip()
        if not name:
            continue
        code, day = str(entry.get("former_code") or ""), str(entry.get("merged_on") or "")
        label = (f"{name} ({code})" if code else name)[:280]
        try:  # the day in the page's language (a Msg: the template's `tr`)
            if day:
                label = Msg(N_("%(former)s, %(day)s"), former=label, day=Day(date.fromisoformat(day)))
        except ValueError:
            pass
        out.setdefault(sid, []).append(label)
    return out


def newest_days() -> dict[str, date]:
    """{unit: the newest local day it has a counted response on}: each unit's newest month from the
    per-month rollup (a row a commune a month), then the days from that month on in the per-day
    one — not a scan of every day of every commune."""
    months = dict(RollupUnitMonth.select(RollupUnitMonth.unit, fn.MAX(RollupUnitMonth.local_date))
                  .where(RollupUnitMonth.responses > 0).group_by(RollupUnitMonth.unit).tuples())
    if not months:
        return {}
    since = min(queries.as_date(m) for m in months.values())
    query = (RollupUnitDay.select(RollupUnitDay.unit, fn.MAX(RollupUnitDay.local_date))
             .where((RollupUnitDay.local_date >= since) & (RollupUnitDay.responses > 0))
             .group_by(RollupUnitDay.unit))
    return {unit: queries.as_date(day) for unit, day in query.tuples()}


# The hub's alerts, most serious first: a store refused (its chain broken or altered, a seq
# skipped, not a response), a store pushed by two communes, a commune silent too long, then what
# was stored but needs a look (docs/hub.md "What each alert means").
KINDS = {"chain": N_("Chuỗi niêm phong"), "gap": N_("Số thứ tự"), "garbage": N_("Dữ liệu không hợp lệ"),
         "two_units": N_("Một kho ở hai máy chủ xã"), "silent": N_("Im lặng"),
         "conflict": N_("Trùng mã phiếu"), "unknown": N_("Mã chưa biết")}


@dataclass(frozen=True)
class HubAlert:
    server_id: str
    kind: str  # a key of KINDS
    said: Msg


def alerts(rows: list[Commune], now: datetime) -> list[HubAlert]:
    """Silent communes (worked out now, like a kiosk that stopped answering: nothing to resolve,
    it ends with the next push) and the stored alerts still open, counted per commune and kind."""
    out = []
    for c in rows:
        if c.revoked or not c.silent:
            continue
        if c.last_push_at is None:
            out.append(HubAlert(c.server_id, "silent", Msg(N_("chưa gửi lên lần nào"))))
        else:
            out.append(HubAlert(c.server_id, "silent", Msg(N_("không gửi lên đã %(n)s ngày"),
                                                           n=(now - c.last_push_at).days)))
    ids = [c.server_id for c in rows]
    query = (Alert.select(Alert.kiosk_id, Alert.kind, fn.COUNT(Alert.id))
             .where(~Alert.resolved & Alert.kiosk_id.in_(ids)).group_by(Alert.kiosk_id, Alert.kind))
    for sid, kind, n in query.tuples():
        if kind in KINDS:
            out.append(HubAlert(sid, kind, Msg(N_("%(n)s cảnh báo chưa xử lý"), n=int(n))))
    order = list(KINDS)
    return sorted(out, key=lambda a: (order.index(a.kind), ids.index(a.server_id)))
