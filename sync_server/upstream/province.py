"""Hub side: the province's page, one line per commune server (docs/hub.md): this month's and
this year's volume and share satisfied (from the same rollups and queries as every report), the
last push and its result, the day of the newest response held, open alerts, and a commune
silent for SILENT_DAYS or more (or never heard from) flagged. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import fn

from sync_server.config import ServerConfig
from sync_server.db.models import Alert, Downstream, RollupDay
from sync_server.reports import queries
from sync_server.reports.queries import Cell

SILENT_DAYS = 3  # a commune PC is on every working day; three days without a push is worth a call


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
    silent: bool  # no push for SILENT_DAYS, or never
    enrolled: bool = False  # on the hub's page (not server.toml): may be revoked there
    revoked: bool = False


def communes(config: ServerConfig, today: date, now: datetime) -> list[Commune]:
    """The communes in [[downstream]], then any that pushed and is no longer configured."""
    month = queries.figures(queries.Filters(*queries.month_of(today)), ("unit",))
    year = queries.figures(queries.Filters(*queries.year_of(today)), ("unit",))
    pushed = {d.id: d for d in Downstream.select()}
    newest = dict(RollupDay.select(RollupDay.unit, fn.MAX(RollupDay.local_date))
                  .where(RollupDay.question == "").group_by(RollupDay.unit).tuples())
    alerts = dict(Alert.select(Alert.kiosk_id, fn.COUNT(Alert.id)).where(~Alert.resolved)
                  .group_by(Alert.kiosk_id).tuples())
    names = {d.id: d.name for d in config.downstream}
    order = list(names) + sorted(k for k in pushed if k not in names)
    out = []
    for sid in order:
        d = pushed.get(sid)
        last = d.last_push_at if d else None
        out.append(Commune(sid, names.get(sid) or (d.name if d else sid), month.get((sid,), Cell()),
                           year.get((sid,), Cell()), last, d.last_status if d else "",
                           d.last_error if d else "", queries.as_date(newest.get(sid)),
                           int(alerts.get(sid, 0)),
                           last is None or now - last >= timedelta(days=SILENT_DAYS),
                           bool(d and d.token_sha256 and sid not in names), bool(d and d.revoked)))
    return out
