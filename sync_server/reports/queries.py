"""Report figures read from the rollups (sync_server.reports.rollup: whole months from the monthly ones,
the other days from the daily ones): any date range, grouped by any of officer, procedure,
field, kiosk (counter), channel, question, day or month, with optional filters. The field of a
rating follows `FieldRule`. Excluded responses are not in the rollups; dates are `local_date`,
which follows a repaired kiosk clock. No Flask here.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from peewee import fn

from sync_server.db.models import (
    DownstreamRoster,
    Field,
    Officer,
    Procedure,
    RollupDay,
    RollupHour,
    RollupMonth,
    RollupUnitDay,
    RollupUnitMonth,
)
from sync_server.i18n import N_
from sync_server.reports.figures import Counts, fmt_count
from sync_server.reports.places import Places
from sync_server.roster.counters import officer_codes

# Grouping dimensions: the rollup column each reads ("field" is looked up from the procedure).
DIMENSIONS = ("officer", "procedure", "field", "kiosk", "channel", "questionnaire", "question", "day",
              "month", "unit", "counter", "place",
              "point")
# "place": where a rating counts in the reports by counter (sync_server.reports.places): the counter
# of its kiosk, or the counter whose QR poster it came from ("counter": Response.counter).
# "unit": the commune server at a province hub ('' for the server's own kiosks, DESIGN.md §6).
# "point": the reception point a response was stored under (sync_server.roster.points).
_COLUMN = {"unit": "unit", "point": "point", "officer": "officer",
           "procedure": "procedure", "kiosk": "kiosk_id", "channel": "channel",
           "questionnaire": "questionnaire", "question": "question", "day": "local_date",
           "counter": "counter"}


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    officer: str | None = None
    procedure: str | None = None
    kiosk: str | None = None
    channel: str | None = None
    questionnaire: str | None = None
    question: str | None = None
    unit: str | None = None  # at a province hub: one commune server's rows
    point: str | None = None  # one reception point's rows

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the range ends before it starts")


@dataclass
class Cell:
    """The figures of one group: answers by score, responses (whole visits) and partial ones."""

    counts: Counts = field(default_factory=Counts)
    responses: int = 0
    partial: int = 0


# At a province hub the communes' rows keep their own points, and the same code (every centre's
# main office is `chinh`) names a point at many communes: a point filtered without a commune is
# the hub's own point, its rows `unit` ''. On a commune server every row's unit is ''.
OWN_UNIT = ""


def at_point(model, point: str, unit: str | None):
    """The rows of reception point `point` of `unit` (None: this server's own)."""
    return (model.point == point) & (model.unit == (OWN_UNIT if unit is None else unit))


def _where(model, start: date, end: date, f: Filters, *, question_rows: bool):
    cond = (model.local_date >= start) & (model.local_date <= end)
    cond &= (model.question != "") if question_rows else (model.question == "")
    for name, value in (("unit", f.unit), ("point", f.point), ("officer", f.officer),
                        ("procedure", f.procedure), ("kiosk", f.kiosk), ("channel", f.channel),
                        ("questionnaire", f.questionnaire)):
        if value is not None:
            cond &= getattr(model, _COLUMN[name]) == value
    if f.point is not None and f.unit is None:
        cond &= model.unit == OWN_UNIT  # a point with no commune named: this server's own point
    if f.question is not None and question_rows:
        cond &= model.question == f.question
    return cond


def question_rows(model, start: date, end: date, f: Filters):
    """The WHERE of a rollup's answer rows (not the visits' '' rows) in the range and filters."""
    return _where(model, start, end, f, question_rows=True)


def segments(start: date, end: date, need_days: bool) -> list[tuple[type, date, date]]:
    """The rollup table and date span to read for each part of [start, end]: whole calendar
    months from RollupMonth, the days before and after them from RollupDay."""
    first = start if start.day == 1 else month_of(start)[1] + timedelta(days=1)
    last = end if end == month_of(end)[1] else end.replace(day=1) - timedelta(days=1)
    if need_days or first > last:
        return [(RollupDay, start, end)]
    out: list[tuple[type, date, date]] = []
    if start < first:
        out.append((RollupDay, start, first - timedelta(days=1)))
    out.append((RollupMonth, first, last))
    if last < end:
        out.append((RollupDay, last + timedelta(days=1), end))
    return out


# Partial responses (a session that timed out, K10) are counted apart wherever a total of responses
# is shown, always in these words (the pages translate PARTIAL; English in sync_server.i18n).
PARTIAL = "(trong đó {k} chưa trả lời hết)"
PARTIAL_HEADER = N_("Trong đó chưa trả lời hết")


def forms(n: int, partial: int, noun: str = "phiếu") -> str:
    """"492 phiếu (trong đó 12 chưa trả lời hết)"; "492 phiếu" when none was partial."""
    text = f"{fmt_count(n)} {noun}"
    return f"{text} {PARTIAL.format(k=fmt_count(partial))}" if partial else text


# The field rule, said under every table by field (docs/reports.md, "The field of a rating").
FIELD_RULE = (N_("Phiếu không ghi thủ tục được tính vào lĩnh vực của cán bộ tiếp nhận khi cán bộ đó chỉ "
              "phụ trách một lĩnh vực."))


@dataclass(frozen=True)
class FieldRule:
    """The field a rating counts under: its procedure's field; without a procedure, the field of
    the officer who served when that officer has exactly one; else '' (unknown)."""

    of_procedure: dict[str, str]
    of_officer: dict[str, str]  # only officers with exactly one field

    @classmethod
    def load(cls, unit: str | None = None) -> FieldRule:
        """This server's roster; at a province hub with `unit`, that commune's snapshot (its
        procedures and officers are its own: an equal code elsewhere is another one)."""
        if unit:
            return cls.of_unit(unit)
        known = {code for (code,) in Field.select(Field.code).tuples()}
        officers = {}
        for code, raw in Officer.select(Officer.code, Officer.fields).tuples():
            mine = {f for f in officer_codes(raw) if f in known}  # the tolerant reader of JSON lists
            if len(mine) == 1:
                officers[code] = mine.pop()
        procedures = Procedure.select(Procedure.code, Procedure.field).tuples()
        return cls({code: fld or "" for code, fld in procedures}, officers)

    @classmethod
    def of_unit(cls, unit: str) -> FieldRule:
        entries: dict[str, dict[str, Any]] = {"field": {}, "officer": {}, "procedure": {}}
        for kind, code, data in (DownstreamRoster.select(DownstreamRoster.kind, DownstreamRoster.code,
                                                         DownstreamRoster.data)
                                 .where((DownstreamRoster.server_id == unit)
                                        & DownstreamRoster.kind.in_(list(entries))).tuples()):
            try:
                entries[kind][code] = json.loads(data)
            except ValueError:
                entries[kind][code] = {}
        known = set(entries["field"])
        officers = {}
        for code, e in entries["officer"].items():
            listed = e.get("fields")
            mine = {f for f in listed if isinstance(f, str) and f in known} if isinstance(listed, list) \
                else set()
            if len(mine) == 1:
                officers[code] = mine.pop()
        return cls({code: str(e.get("field") or "") for code, e in entries["procedure"].items()}, officers)

    def field(self, procedure: str, officer: str) -> str:
        if procedure:
            return self.of_procedure.get(procedure, "")
        return self.of_officer.get(officer, "")


def figures(f: Filters, by: tuple[str, ...] = ()) -> dict[tuple[Any, ...], Cell]:
    """{group key: Cell} for the range and filters, grouped by the dimensions in `by` (in that
    order; () gives one total under the key ())."""
    for name in by:
        if name not in DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}: one of {', '.join(DIMENSIONS)}")
    # Read at the finest grain `by` needs, then fold (field and month are derived in Python).
    base = [n for n in by if n in _COLUMN]
    if "field" in by:
        base += [n for n in ("procedure", "officer") if n not in base]
    if "place" in by:
        base += [n for n in ("kiosk", "counter") if n not in base]
    if "month" in by and "day" not in base:
        base.append("day")
    out: dict[tuple[Any, ...], Cell] = defaultdict(Cell)
    if _by_unit_only(f, base):
        return _unit_figures(f, by, base, out)
    fields = FieldRule.load(f.unit) if "field" in by else None
    places = Places.load(f.unit) if "place" in by else None
    has_question_dim = "question" in by
    for model, start, end in segments(f.start, f.end, need_days="day" in by):
        columns = [getattr(model, _COLUMN[n]) for n in base]
        sums = [fn.SUM(getattr(model, c)) for c in ("responses", "partial", "n1", "n2", "n3", "n4", "n5")]
        for question_rows in (False, True):
            if has_question_dim and not question_rows:
                continue  # a response is not "per question": only answers are
            query = model.select(*columns, *sums).where(_where(model, start, end, f,
                                                               question_rows=question_rows))
            if columns:
                query = query.group_by(*columns)
            for row in query.tuples():
                _fold(out, by, base, row, fields, places, question_rows)
    return dict(out)


# The per-unit rollups hold no point, officer, procedure, counter, channel, questionnaire or question.
_UNIT_GRAIN = {"unit", "day"}
_UNIT_TABLE = {RollupDay: RollupUnitDay, RollupMonth: RollupUnitMonth}


def _by_unit_only(f: Filters, base: list[str]) -> bool:
    """True when the per-(day or month, unit) rollups hold all `figures` needs: grouped by unit,
    day or month only, filtered by the date range and at most a unit."""
    return set(base) <= _UNIT_GRAIN and all(
        v is None for v in (f.officer, f.procedure, f.kiosk, f.channel, f.questionnaire, f.question,
                            f.point))


def _unit_figures(f: Filters, by: tuple[str, ...], base: list[str],
                  out: dict[tuple[Any, ...], Cell]) -> dict[tuple[Any, ...], Cell]:
    """`figures` from RollupUnitMonth (whole months) and RollupUnitDay (the edge days): a row a
    commune a month — a year by commune reads 12 rows a commune, not a row a visit."""
    for model, start, end in segments(f.start, f.end, need_days="day" in by):
        table = _UNIT_TABLE[model]
        cond = (table.local_date >= start) & (table.local_date <= end)
        if f.unit is not None:
            cond &= table.unit == f.unit
        columns = [getattr(table, _COLUMN[n]) for n in base]
        sums = [fn.SUM(getattr(table, c)) for c in ("responses", "partial", "n1", "n2", "n3", "n4", "n5")]
        query = table.select(*columns, *sums).where(cond)
        if columns:
            query = query.group_by(*columns)
        for row in query.tuples():
            _fold(out, by, base, row, None, None, False)
            _fold(out, by, base, row, None, None, True)
    return dict(out)


def _fold(out: dict[tuple[Any, ...], Cell], by: tuple[str, ...], base: list[str], row: tuple,
          fields: FieldRule | None, places: Places | None, question_rows: bool) -> None:
    values = dict(zip(base, row[:len(base)], strict=True))
    responses, partial, *n = row[len(base):]
    key = []
    for name in by:
        if name == "field" and fields is not None:
            key.append(fields.field(values["procedure"], values["officer"]))
        elif name == "place" and places is not None:
            key.append(places.place(values["kiosk"], values["counter"]))
        elif name in ("day", "month"):
            day = as_date(values["day"])
            key.append(day.replace(day=1) if name == "month" else day)
        else:
            key.append(values[name])
    cell = out[tuple(key)]
    if question_rows:
        cell.counts = cell.counts + Counts.of(*n)
    else:
        cell.responses += int(responses or 0)
        cell.partial += int(partial or 0)


def as_date(value: Any) -> Any:
    """A date column as a date: SQLite hands raw or aggregated ones back as ISO text. None stays."""
    return value if value is None or isinstance(value, date) else date.fromisoformat(str(value))


def hour_grid(start: date, end: date) -> dict[tuple[int, int], tuple[int, int]]:
    """{(weekday 0=Monday, hour): (responses, responses with an answer of 1–2)} over the range,
    from RollupHour (at most 24 rows a day)."""
    grid: dict[tuple[int, int], tuple[int, int]] = {}
    query = (RollupHour.select(RollupHour.local_date, RollupHour.hour, RollupHour.responses, RollupHour.low)
             .where((RollupHour.local_date >= start) & (RollupHour.local_date <= end)).tuples())
    for day, hour, n, low in query:
        key = (as_date(day).weekday(), int(hour))
        before = grid.get(key, (0, 0))
        grid[key] = (before[0] + n, before[1] + low)
    return grid


def total(f: Filters) -> Cell:
    return figures(f).get((), Cell())


# --- date ranges ------------------------------------------------------------------------------

def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday around `day`."""
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def report_week(day: date, close_weekday: int = 3) -> tuple[date, date]:
    """The weekly report's window that ends on the last `close_weekday` (Thursday = 3) on or
    before `day` — seed 000's cycle: figures to Thursday, report on Friday."""
    end = day - timedelta(days=(day.weekday() - close_weekday) % 7)
    return end - timedelta(days=6), end


def month_of(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    following = (start + timedelta(days=32)).replace(day=1)
    return start, following - timedelta(days=1)


def quarter_of(day: date) -> tuple[date, date]:
    """The calendar quarter around `day` (Q1 = January to March)."""
    start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return start, month_of(date(start.year, start.month + 2, 1))[1]


def year_of(day: date) -> tuple[date, date]:
    return date(day.year, 1, 1), date(day.year, 12, 31)
