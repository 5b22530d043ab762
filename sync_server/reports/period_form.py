"""The period form every period report reads (`period`, `date`, `start`, `end`) and, at a
province hub, which unit it reads (`unit`): request helpers shared by the report pages, no
figures. A period a person can correct raises PeriodError, shown on the form by the views."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import abort, request
from flask_babel import gettext as _

from sync_server.extensions import get_config
from sync_server.i18n import N_, Day
from sync_server.reports import queries as reports
from sync_server.reports import units
from sync_server.reports.overview import local_today
from sync_server.roster.build import unit_name

PERIODS = ("day", "week", "month", "quarter", "year", "custom")
MAX_RANGE_DAYS = 3 * 366


@dataclass
class Period:
    kind: str
    start: date
    end: date

    @property
    def label(self) -> Day:
        """"01/12/2026 – 31/12/2026" in files; the page writes it in its reader's language."""
        return Day(self.start, self.end)


def neighbour(period: Period, step: int, args: dict[str, str]) -> dict[str, str]:
    """The query of the period just before (`step` -1) or after (+1) `period`, the report's other
    choices (grouping, unit, point, definition…) kept: a month's report links to the month
    before, a custom range to the range of the same length before it."""
    out = {k: v for k, v in args.items() if k not in ("date", "start", "end", "fmt")}
    if period.kind == "custom":
        length = timedelta(days=(period.end - period.start).days + 1)
        start = period.start + step * length
        end = start + length - timedelta(days=1)
        out.update(period="custom", start=start.isoformat(), end=end.isoformat())
    else:
        anchor = period.start - timedelta(days=1) if step < 0 else period.end + timedelta(days=1)
        out.update(period=period.kind, date=anchor.isoformat())
    return out


class PeriodError(Exception):
    """A period a person can correct: shown on the period form, next to `field`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


DATE_LABELS = {"date": N_("Ngày"), "start": N_("Từ"), "end": N_("Đến")}  # the boxes' labels on the form


def date_arg(name: str, default: date) -> date:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        # The box as the reader sees it labelled ("Từ"), not the URL's parameter ("start").
        label = _(DATE_LABELS[name]) if name in DATE_LABELS else name
        raise PeriodError(name, _("Ngày không hợp lệ ở ô “%(name)s”: dùng dạng năm-tháng-ngày, "
                                  "ví dụ 2026-11-23.", name=label)) from None


def read_period() -> Period:
    today = local_today(get_config().tz)
    kind = request.args.get("period", "month")
    if kind not in PERIODS:
        raise PeriodError("period", _("Kỳ báo cáo không hợp lệ."))
    day = date_arg("date", today)
    if kind == "day":
        return Period(kind, day, day)
    if kind == "week":
        return Period(kind, *reports.report_week(day))
    if kind == "month":
        return Period(kind, *reports.month_of(day))
    if kind == "quarter":
        return Period(kind, *reports.quarter_of(day))
    if kind == "year":
        return Period(kind, *reports.year_of(day))
    start, end = date_arg("start", today.replace(day=1)), date_arg("end", today)
    if end < start:
        raise PeriodError("end", _("Ngày kết thúc đứng trước ngày bắt đầu."))
    if (end - start).days > MAX_RANGE_DAYS:
        raise PeriodError("end", _("Khoảng thời gian dài quá 3 năm."))
    return Period(kind, start, end)


OWN = "-"  # `unit=-`: the hub's own kiosks (a code never is "-")


@dataclass(frozen=True)
class Scope:
    """Which unit a report reads at a province hub: `unit` for Filters (None: all of them), its
    `arg` in the URL and its name for the title."""

    unit: str | None
    arg: str = ""
    name: str = ""


def scope(by: str) -> Scope:
    """On a commune server: everything (Scope(None)). At a hub, `unit=<server_id>` or `unit=-`
    reads one unit; the groupings whose codes are a commune's own (units.SCOPED) always read one
    (the first commune by default), so equal codes of two communes are never added up."""
    config = get_config()
    if by == "unit" or not units.is_hub(config):
        return Scope(None)
    known = units.units(config)
    raw = request.args.get("unit", "").strip()[:64]
    if not raw and by in units.SCOPED:
        raw = next(iter(known), OWN)
    if not raw:
        return Scope(None)
    if raw == OWN:
        return Scope("", OWN, unit_name(config))
    if raw not in known:
        abort(400, description=_("Không có đơn vị “%(unit)s” ở trung tâm tỉnh (ô “unit”).", unit=raw))
    return Scope(raw, raw, known[raw])
