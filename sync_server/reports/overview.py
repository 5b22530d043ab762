"""Satisfaction figures for the overview page, read from the reports' rollups.

Satisfaction % = share of answers scoring 4 or 5 (DESIGN.md §4); an officer's figures are the
fair officer figure (sync_server.reports.officers: the questions about the officer, one visit once).
Dates are `local_date`, the day in the unit's time zone. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from peewee import fn

from sync_server.db.models import Counter, Kiosk, Officer, Response
from sync_server.reports import officers
from sync_server.reports import queries as reports

UNKNOWN_OFFICER = ""  # key for responses without an officer


def local_today(tz: ZoneInfo, now: datetime | None = None) -> date:
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(tz).date()


@dataclass
class Figures:
    responses: int = 0
    answers: int = 0
    satisfied: int = 0  # answers scoring 4-5

    @property
    def pct(self) -> float | None:
        return 100.0 * self.satisfied / self.answers if self.answers else None

    def add(self, other: Figures) -> None:
        self.responses += other.responses
        self.answers += other.answers
        self.satisfied += other.satisfied


@dataclass
class OfficerRow:
    code: str
    name: str
    title: str = ""
    today: Figures = field(default_factory=Figures)
    month: Figures = field(default_factory=Figures)


@dataclass
class Summary:
    today: date
    month_start: date
    rows: list[OfficerRow]
    total_today: Figures
    total_month: Figures


def _figures(cell: reports.Cell) -> Figures:
    return Figures(cell.responses, cell.counts.total, cell.counts.n[3] + cell.counts.n[4])


def officer_summary(today: date) -> Summary:
    """Per officer: responses, answers and satisfied answers today and this month to date, from
    the rollups (so excluded responses are left out and repaired dates are used)."""
    month_start = today.replace(day=1)
    month_cells = officers.officer_cells(reports.Filters(month_start, today))
    today_cells = officers.officer_cells(reports.Filters(today, today))

    rows: dict[str, OfficerRow] = {
        o.code: OfficerRow(o.code, o.name, o.title)
        for o in Officer.select().where(Officer.active).order_by(Officer.sort, Officer.code)
    }

    def row(code: str | None) -> OfficerRow:
        key = code or UNKNOWN_OFFICER
        if key not in rows:
            rows[key] = OfficerRow(key, code or "(không rõ cán bộ)")
        return rows[key]

    for code, cell in month_cells.items():
        row(code or None).month = _figures(cell)
    for code, cell in today_cells.items():
        row(code or None).today = _figures(cell)

    total_today, total_month = Figures(), Figures()
    for r in rows.values():
        total_today.add(r.today)
        total_month.add(r.month)
    return Summary(today, month_start, list(rows.values()), total_today, total_month)


@dataclass
class KioskLine:
    id: str
    url: str
    last_contact: datetime | None
    last_pull_at: datetime | None
    last_pull_status: str | None
    last_error: str | None
    responses: int
    counter: str = ""  # the name of the counter it stands at: what staff call it


def kiosk_lines(kiosk_ids: list[str]) -> list[KioskLine]:
    """One line per kiosk (configured ones first, in config order, then any other seen)."""
    counts = dict(Response.select(Response.kiosk_id, fn.COUNT(Response.id))
                  .group_by(Response.kiosk_id).tuples())
    known = {k.id: k for k in Kiosk.select()}
    at = {c.kiosk_id: c.name for c in Counter.select(Counter.kiosk_id, Counter.name) if c.kiosk_id}
    order = list(kiosk_ids) + sorted(k for k in known if k not in kiosk_ids)
    lines = []
    for kid in order:
        k = known.get(kid)
        lines.append(KioskLine(kid, k.url if k else "", k.last_contact if k else None,
                               k.last_pull_at if k else None, k.last_pull_status if k else None,
                               k.last_error if k else None, int(counts.get(kid, 0)), at.get(kid, "")))
    return lines
