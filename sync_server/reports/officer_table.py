"""The officer table (sync_server.reports.officers laid out): the same columns on the page, in
print, CSV, XLSX and DOCX, for any period — the week's table by officer and the monthly ranking.
The five levels keep the kiosk's words. No Flask here."""

from __future__ import annotations

from typing import Any

from sync_server.i18n import N_, Msg
from sync_server.reports import exports, figures, officers, queries

LEVELS = figures.LEVELS
HEADERS = [N_("Cán bộ"), N_("Xếp hạng"), N_("Lượt đánh giá"), queries.PARTIAL_HEADER,
           N_("Lượt có điểm về cán bộ"), N_("Điểm trung bình"), N_("Tỷ lệ hài lòng"), *LEVELS]
SHARE_COLUMN = HEADERS.index("Tỷ lệ hài lòng")


def _row(label: str, rank: Any, cell: queries.Cell, definition: str) -> list[Any]:
    c = cell.counts
    return [label, rank, cell.responses, cell.partial, c.total, figures.fmt_mean(c.mean),
            figures.fmt_pct(c.pct(definition)), *reversed(c.n)]


def notes(period: str, definition: str, target: float, min_visits: int, has_unknown: bool) -> list[str]:
    out = [period, officers.OFFICER_RULE, figures.RULES[definition],
           Msg(N_("Xếp hạng theo tỷ lệ hài lòng, cùng tỷ lệ thì theo số lượt có điểm. “ít lượt”: dưới "
                  "%(n)s lượt có điểm về cán bộ trong kỳ — không xếp hạng vì quá ít để so sánh."),
               n=min_visits),
           figures.target_note(target)]
    if has_unknown:
        out.append(N_("Dòng “(không rõ cán bộ)”: lượt đánh giá không gắn với cán bộ nào (ví dụ ki-ốt dùng "
                      "chung khi người dân không chọn cán bộ); có trong tổng cộng."))
    return out


def build(title: str, period: str, cells: dict[str, queries.Cell], names: dict[str, str],
          definition: str, target: float, min_visits: int) -> exports.Table:
    rows, below = [], set()
    ranking = officers.ranking(cells, names, definition, min_visits)
    for i, r in enumerate(ranking):
        label = names.get(r.code, r.code) if r.code else officers.UNKNOWN
        rank: Any = r.rank if r.rank is not None else (officers.SMALL if r.small else "—")
        rows.append(_row(label, rank, r.cell, definition))
        if r.code and r.cell.counts.below(target, definition):
            below.add(i)
    rows.append(_row("Tổng cộng", "", officers.total(cells), definition))
    has_unknown = any(not r.code for r in ranking)
    return exports.Table(title, notes(period, definition, target, min_visits, has_unknown),
                         list(HEADERS), rows, below)
