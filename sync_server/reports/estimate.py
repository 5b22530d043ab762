"""A Decision-766-style figure beside ours: an ESTIMATE from the kiosks, never the official score
of index 766 (QĐ 766/QĐ-TTg, criterion 5.4 "mức độ hài lòng trong tiếp nhận, giải quyết TTHC").

The official 5.4 is computed per dossier by the provincial system:
    tỷ lệ = 100% − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ có PAKN hoặc đánh giá không hài lòng),
    điểm  = min(6, 6 × tỷ lệ / 90%).
Here a visit (one response) stands for a dossier: a visit is dissatisfied when any of its answers
is 1 or 2, every other visit is "not dissatisfied". With the province's overdue counts imported
for every month of the period (sync_server.reports.overdue) the page also reproduces 5.4; without
them it says which months are missing and shows no 5.4 figure (never a guess).
docs/reports.md has the formula, its source and what could not be verified. No Flask here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from peewee import Case, fn

from sync_server.db.models import Answer, OverdueMonth, Response
from sync_server.i18n import N_, Day, Figure, Msg
from sync_server.reports import queries
from sync_server.reports.figures import fmt_count, fmt_pct

FULL_AT = 0.90  # a share of 90 % or more earns all the points
MAX_POINTS = 6.0  # criterion 5.4 is worth 6 of index 766's 100 points

HEADING = N_("Ước tính kiểu Quyết định 766 (tiêu chí 5.4): ước tính từ ki-ốt, không phải điểm 766 "
             "chính thức")
RULE = N_("Một lượt đánh giá bị tính là không hài lòng khi có ít nhất một câu trả lời mức 2 (Không hài "
          "lòng) hoặc mức 1 (Rất không hài lòng); mọi lượt khác (tất cả câu trả lời từ mức 3 Bình "
          "thường trở lên) là lượt không có đánh giá không hài lòng.")
POINTS_RULE = N_("Điểm = 6 × tỷ lệ / 90%, tối đa 6 điểm (đạt từ 90% trở lên là đủ 6 điểm).")


def points(share: float | None) -> float | None:
    """The criterion's points for a share in [0, 1]: min(6, 6 × share / 0.9)."""
    if share is None:
        return None
    return min(MAX_POINTS, MAX_POINTS * max(0.0, share) / FULL_AT)


def fmt_points(value: float | None) -> str:
    return "—" if value is None else Figure(value, "points")


def months_of(start: date, end: date) -> list[date] | None:
    """The calendar months (first days) that [start, end] covers exactly, or None when the range
    does not start on a 1st and end on a month's last day (the import is monthly)."""
    if start.day != 1 or (end + timedelta(days=1)).day != 1:
        return None
    out, day = [], start
    while day <= end:
        out.append(day)
        day = (day + timedelta(days=32)).replace(day=1)
    return out


@dataclass
class Estimate:
    visits: int  # visits with at least one 1–5 answer, excluded ones left out
    dissatisfied: int  # of which some answer was 1 or 2
    months: list[date] | None  # the whole months of the period, None if it is not whole months
    imported: list[OverdueMonth] = field(default_factory=list)
    missing: list[date] = field(default_factory=list)  # months of the period with no import
    overdue_used: bool = True  # False at a province hub: the import is one commune's
    at_point: bool = False  # the ratings of one reception point only (the overdue counts are the centre's)

    @property
    def share(self) -> float | None:
        return (self.visits - self.dissatisfied) / self.visits if self.visits else None

    @property
    def settled(self) -> int:
        return sum(m.settled for m in self.imported)

    @property
    def complaints(self) -> int | None:
        if any(m.complaints is None for m in self.imported):
            return None
        return sum(m.complaints or 0 for m in self.imported)

    @property
    def share_54(self) -> float | None:
        """100% − (overdue rate + complaint rate + the kiosks' dissatisfied rate), or None when
        a month's counts are missing, nothing was settled or there is no rating."""
        if not self.months or self.missing or not self.settled or self.share is None:
            return None
        overdue = sum(m.overdue for m in self.imported) / self.settled
        complaints = (self.complaints or 0) / self.settled
        return max(0.0, 1.0 - (overdue + complaints + (1.0 - self.share)))


def estimate(start: date, end: date, unit: str | None = None, with_overdue: bool = True,
             point: str | None = None) -> Estimate:
    """The estimate of [start, end] (local dates); `unit` and `point` as in queries.Filters (a hub's
    commune, a reception point). At one point the ratings are that point's, as the table beside it
    is, and criterion 5.4 in full is not worked out: the overdue dossiers imported are the whole
    centre's."""
    lowest = (Answer.select(Answer.response, fn.MIN(Answer.score).alias("low"))
              .where((Answer.local_date >= start) & (Answer.local_date <= end))
              .group_by(Answer.response))
    cond = (Response.local_date >= start) & (Response.local_date <= end) & ~Response.excluded
    if unit is not None:
        cond &= Response.unit == unit
    if point is not None:
        cond &= queries.at_point(Response, point, unit)
        with_overdue = False
    visits, low = (Response.select(fn.COUNT(Response.id), fn.SUM(Case(None, [(lowest.c.low <= 2, 1)], 0)))
                   .join(lowest, on=(lowest.c.response_id == Response.id)).where(cond).tuples().get())
    months = months_of(start, end)
    result = Estimate(int(visits or 0), int(low or 0), months, overdue_used=with_overdue,
                      at_point=point is not None)
    if months and with_overdue:
        by_month = {m.month: m for m in OverdueMonth.select().where(OverdueMonth.month.in_(months))}
        result.imported = [by_month[m] for m in months if m in by_month]
        result.missing = [m for m in months if m not in by_month]
    return result


def lines(e: Estimate) -> list[str]:
    """The estimate in sentences (Vietnamese, each a Msg the page translates): for the page, and
    as one closing section of the CSV, XLSX and DOCX of the period report."""
    share = None if e.share is None else 100 * e.share
    out = [Msg(N_("Tỷ lệ lượt không có đánh giá không hài lòng: %(share)s (%(ok)s trên %(n)s lượt đánh "
                  "giá); điểm ước tính: %(points)s/6."), share=fmt_pct(share),
               ok=fmt_count(e.visits - e.dissatisfied), n=fmt_count(e.visits),
               points=fmt_points(points(e.share))),
           RULE, POINTS_RULE]
    if not e.visits:
        out.append(N_("Chưa có lượt đánh giá nào trong thời gian này: không có ước tính."))
    out.extend(_line_54(e))
    out.append(N_("Đây là ước tính từ ki-ốt, không phải điểm 766 chính thức: điểm chính thức do hệ "
                  "thống giải quyết TTHC của tỉnh tính theo từng hồ sơ."))
    return out


def _line_54(e: Estimate) -> list[str]:
    if e.at_point:
        return [N_("Chỉ tính các lượt đánh giá tại điểm tiếp nhận đã chọn; tiêu chí 5.4 đầy đủ (có hồ sơ quá "
                   "hạn) tính cho cả trung tâm: bỏ chọn điểm tiếp nhận để xem.")]
    if not e.overdue_used:
        return [N_("Tiêu chí 5.4 đầy đủ (có hồ sơ quá hạn) chỉ tính ở máy chủ của từng xã, phường.")]
    if e.months is None:
        return [N_("Tiêu chí 5.4 đầy đủ cần số hồ sơ quá hạn theo tháng: chọn kỳ là tháng, quý hoặc năm.")]
    if e.missing:
        return [Msg(N_("Tiêu chí 5.4 đầy đủ: chưa tính được vì thiếu số hồ sơ quá hạn của tháng %(months)s "
                       "(nhập tệp CSV từ hệ thống giải quyết TTHC của tỉnh)."),
                    months=Day(*e.missing, kind="month", sep=", "))]
    if not e.settled:
        return [N_("Tiêu chí 5.4 đầy đủ: không có hồ sơ nào được giải quyết trong thời gian này.")]
    overdue = sum(m.overdue for m in e.imported)
    out = [Msg(N_("Hồ sơ quá hạn (số liệu nhập từ hệ thống của tỉnh): %(overdue)s trên %(settled)s hồ sơ "
                  "đã giải quyết (%(pct)s)."), overdue=fmt_count(overdue), settled=fmt_count(e.settled),
               pct=fmt_pct(100 * overdue / e.settled))]
    if e.complaints is None:
        out.append(N_("Tệp nhập không có số hồ sơ có phản ánh, kiến nghị (PAKN): tính như 0."))
    else:
        out.append(Msg(N_("Hồ sơ có phản ánh, kiến nghị (PAKN): %(n)s (%(pct)s)."), n=fmt_count(e.complaints),
                       pct=fmt_pct(100 * e.complaints / e.settled)))
    share = e.share_54
    out.append(Msg(N_("Tiêu chí 5.4 tính lại: 100%% − (tỷ lệ quá hạn + tỷ lệ có PAKN + tỷ lệ không hài lòng "
                      "ở ki-ốt) = %(share)s; điểm ước tính: %(points)s/6."),
                   share=fmt_pct(None if share is None else 100 * share), points=fmt_points(points(share))))
    return out
