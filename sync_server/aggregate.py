"""Satisfaction figures for the staff pages, computed in SQL (GROUP BY on indexed columns).

Satisfaction % = share of answers scoring 4 or 5 (the SIPAS convention, DESIGN.md §4).
Dates are `local_date`, the day in the unit's time zone. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from peewee import Case, fn

from sync_server.models import Answer, Kiosk, Officer, Response

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


def _count_if(condition) -> fn:
    return fn.SUM(Case(None, [(condition, 1)], 0))


def officer_summary(today: date) -> Summary:
    """Per officer: responses, answers and satisfied answers today and this month to date."""
    month_start = today.replace(day=1)
    in_month = (Response.local_date >= month_start) & (Response.local_date <= today)
    response_rows = (Response
                     .select(Response.officer,
                             _count_if(Response.local_date == today).alias("today"),
                             fn.COUNT(Response.id).alias("month"))
                     .where(in_month).group_by(Response.officer).tuples())
    a_in_month = (Answer.local_date >= month_start) & (Answer.local_date <= today)
    is_today = Answer.local_date == today
    good = Answer.score >= 4
    answer_rows = (Answer
                   .select(Answer.officer,
                           _count_if(is_today).alias("a_today"),
                           _count_if(is_today & good).alias("s_today"),
                           fn.COUNT(Answer.id).alias("a_month"),
                           _count_if(good).alias("s_month"))
                   .where(a_in_month).group_by(Answer.officer).tuples())

    rows: dict[str, OfficerRow] = {
        o.code: OfficerRow(o.code, o.name, o.title)
        for o in Officer.select().where(Officer.active).order_by(Officer.sort, Officer.code)
    }

    def row(code: str | None) -> OfficerRow:
        key = code or UNKNOWN_OFFICER
        if key not in rows:
            rows[key] = OfficerRow(key, code or "(không rõ cán bộ)")
        return rows[key]

    for code, n_today, n_month in response_rows:
        r = row(code)
        r.today.responses, r.month.responses = int(n_today or 0), int(n_month or 0)
    for code, a_today, s_today, a_month, s_month in answer_rows:
        r = row(code)
        r.today.answers, r.today.satisfied = int(a_today or 0), int(s_today or 0)
        r.month.answers, r.month.satisfied = int(a_month or 0), int(s_month or 0)

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


def kiosk_lines(kiosk_ids: list[str]) -> list[KioskLine]:
    """One line per kiosk (configured ones first, in config order, then any other seen)."""
    counts = dict(Response.select(Response.kiosk_id, fn.COUNT(Response.id))
                  .group_by(Response.kiosk_id).tuples())
    known = {k.id: k for k in Kiosk.select()}
    order = list(kiosk_ids) + sorted(k for k in known if k not in kiosk_ids)
    lines = []
    for kid in order:
        k = known.get(kid)
        lines.append(KioskLine(kid, k.url if k else "", k.last_contact if k else None,
                               k.last_pull_at if k else None, k.last_pull_status if k else None,
                               k.last_error if k else None, int(counts.get(kid, 0))))
    return lines
