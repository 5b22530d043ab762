"""The per-officer sheet of a month or a quarter, for the civil servants' KPI (NĐ 335/2025) and
the yearly grading: the officer table (sync_server.reports.officer_table) with three columns
more — the change of the share from the previous period, the visits whose officer score was 1 or
2, and the topics those visits chose. Read from the raw responses for the topics (only bodies
that chose one are parsed). No Flask here."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sync_server.db.models import Response
from sync_server.i18n import N_, Day, Figure, Msg
from sync_server.reports import exports, officer_table, officers, queries, topics

EXTRA_HEADERS = [N_("So với kỳ trước (điểm %)"), N_("Không hài lòng (mức 2, 1)"),
                 N_("Chủ đề người dân chọn khi không hài lòng")]


@dataclass(frozen=True)
class SheetPeriod:
    kind: str  # "month" | "quarter"
    start: date
    end: date

    @property
    def arg(self) -> str:
        """As the page's URL writes it: 2026-12 or 2026-Q4."""
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    def previous(self) -> SheetPeriod:
        before = self.start - timedelta(days=1)
        if self.kind == "quarter":
            return quarter(before)
        return SheetPeriod("month", *queries.month_of(before))


def quarter(day: date) -> SheetPeriod:
    return SheetPeriod("quarter", *queries.quarter_of(day))


def parse(raw: str) -> SheetPeriod:
    """'2026-12' (a month) or '2026-Q4' (a quarter); ValueError otherwise."""
    raw = raw.strip()
    if len(raw) == 7 and raw[4:6].upper() == "-Q" and raw[6] in "1234" and raw[:4].isdigit():
        return quarter(date(int(raw[:4]), 3 * int(raw[6]) - 2, 1))
    month = raw[5:]
    if len(raw) == 7 and raw[4] == "-" and raw[:4].isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return SheetPeriod("month", *queries.month_of(date(int(raw[:4]), int(raw[5:]), 1)))
    raise ValueError(raw)


def low_topics(start: date, end: date, unit: str | None = None,
               point: str | None = None) -> dict[str, Counter]:
    """{officer ('' = none): Counter of topic codes} over the visits whose officer score (the
    answer to their form's first officer question) was 1 or 2 and that chose a topic."""
    keys = officers.officer_questions(unit)
    out: dict[str, Counter] = {}
    query = (Response.select(Response.body)
             .where((Response.local_date >= start) & (Response.local_date <= end) & ~Response.excluded
                    & ~Response.body.contains(topics.NO_REASONS)))
    if unit is not None:  # at a province hub: one commune's officers (sync_server.reports.units)
        query = query.where(Response.unit == unit)
    if point is not None:  # one reception point's visits (sync_server.roster.points)
        query = query.where(queries.at_point(Response, point, unit))
    for (body,) in query.tuples().iterator():
        r = json.loads(body)
        score = (r.get("answers") or {}).get(keys.get(r.get("questionnaire"), ""))
        if score in (1, 2):
            chosen = [c for c in r.get("reasons") or [] if isinstance(c, str)]
            out.setdefault(r.get("officer") or "", Counter()).update(chosen)
    return out


def _change(now: queries.Cell | None, before: queries.Cell | None, definition: str) -> str:
    a = now.counts.pct(definition) if now else None
    b = before.counts.pct(definition) if before else None
    if a is None or b is None:
        return "—"
    return _arrow(a - b)


def _arrow(points: float) -> str:
    """"↑ 2,2" / "↓ 1,5" / "= 0,0" percentage points: no "+" or "-" first, which a spreadsheet
    would read as a formula."""
    size = abs(points)
    return Figure(size, "dec1", "= " if round(size, 1) == 0 else "↑ " if points > 0 else "↓ ")


def build(period: SheetPeriod, definition: str, target: float, min_visits: int,
          names: dict[str, str], unit: str | None = None, unit_label: str = "",
          point: str | None = None) -> exports.Table:
    """`unit`: at a province hub, the commune whose officers these are (`unit_label` names it);
    `point`: one reception point's visits only (this period's and the previous one's)."""
    f = queries.Filters(period.start, period.end, unit=unit, point=point)
    cells = officers.officer_cells(f)
    prev = period.previous()
    before = officers.officer_cells(queries.Filters(prev.start, prev.end, unit=unit, point=point))
    chosen = low_topics(period.start, period.end, unit, point)
    topic_names = topics.names()
    if period.kind == "quarter":
        title = Msg(N_("Kết quả đánh giá mức độ hài lòng đối với cán bộ, công chức quý %(quarter)s"),
                    quarter=f"{(period.start.month - 1) // 3 + 1}/{period.start.year}")
    else:
        title = Msg(N_("Kết quả đánh giá mức độ hài lòng đối với cán bộ, công chức tháng %(month)s"),
                    month=Day(period.start, kind="monthname"))
    when = Msg(N_("Từ %(start)s đến %(end)s; kỳ trước để so sánh: %(pstart)s – %(pend)s."),
               start=Day(period.start), end=Day(period.end), pstart=Day(prev.start), pend=Day(prev.end))
    if unit is not None:
        when = Msg(N_("Đơn vị: %(name)s. Từ %(start)s đến %(end)s; kỳ trước để so sánh: %(pstart)s – "
                      "%(pend)s."), name=unit_label, start=Day(period.start),
                   end=Day(period.end), pstart=Day(prev.start), pend=Day(prev.end))
    table = officer_table.build(title, when, cells, names, definition, target, min_visits)
    table.headers += EXTRA_HEADERS
    order = [r.code for r in officers.ranking(cells, names, definition, min_visits)]
    for row, code in zip(table.rows, order, strict=False):
        low = cells[code].counts.low
        said = chosen.get(code, Counter())
        words = "; ".join(f"{topic_names.get(c, topics.GONE_NAME)}: {n}" for c, n in said.most_common())
        row += [_change(cells[code], before.get(code), definition), low, words]
    total = officers.total(cells)
    table.rows[-1] += [_change(total, officers.total(before) if before else None, definition),
                       total.counts.low, ""]
    table.notes.append(N_("Chủ đề: những điều người dân chọn ở câu “Điều gì Ông/Bà quan tâm nhất hôm nay?” "
                          "trong các lượt cho cán bộ mức 2 hoặc 1; một lượt có thể chọn nhiều chủ đề."))
    return table

