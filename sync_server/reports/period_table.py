"""The period report's table by a grouping (procedure, field, counter, point, channel, unit):
one row per group with its visits, answers, mean, share and the five levels, then the total.
No Flask here; sync_server.reports.views chooses the groups and lays the table out."""

from __future__ import annotations

from typing import Any

from sync_server.i18n import N_
from sync_server.reports import exports, figures
from sync_server.reports import queries as reports

UNIT_HEADERS = [N_("Mã đơn vị"), N_("Tên đơn vị")]
CODE_HEADER = N_("Mã thủ tục")


def by_unit(table: exports.Table, codes: list[str], names: dict[str, str]) -> exports.Table:
    """The table by commune with its code and its name as two columns (DESIGN.md §6)."""
    rows = [[code, names.get(code, code), *r[1:]] for code, r in zip(codes, table.rows, strict=False)]
    rows.append([table.rows[-1][0], "", *table.rows[-1][1:]])
    return exports.Table(table.title, table.notes, [*UNIT_HEADERS, *table.headers[1:]], rows,
                         table.below_target_rows, table.after)


def row(label: str, cell: reports.Cell, definition: str) -> list[Any]:
    c = cell.counts
    three = list(c.three_level()) if definition == "three_level" else []
    return [label, cell.responses, cell.partial, c.total, figures.fmt_mean(c.mean),
            figures.fmt_pct(c.pct(definition)), *three, *reversed(c.n)]


# The visits, and next to them how many of those were partial (K10: counted apart); the five
# levels in the kiosk's words; the three-level columns only when that view is chosen.
HEADERS = ["", N_("Lượt đánh giá"), reports.PARTIAL_HEADER, N_("Câu trả lời"), N_("Điểm trung bình"),
           N_("Tỷ lệ hài lòng")]
SHARE_COLUMN = HEADERS.index("Tỷ lệ hài lòng")


def headers_for(first: str, definition: str) -> list[str]:
    three = list(figures.THREE_LEVEL_HEADERS) if definition == "three_level" else []
    return [first, *HEADERS[1:], *three, *figures.LEVELS]


def build(title: str, first_header: str, labelled: list[tuple[str, reports.Cell]], total: reports.Cell,
          notes: list[str], definition: str, target: float, codes: list[str] | None = None) -> exports.Table:
    """`codes`: a column of codes after the names (procedures: their national code)."""
    rows, below = [], set()
    for i, (label, cell) in enumerate(labelled):
        rows.append(row(label, cell, definition))
        if codes is not None:
            rows[-1].insert(1, codes[i])
        if cell.counts.below(target, definition):
            below.add(i)
    rows.append(row("Tổng cộng", total, definition))
    headers = headers_for(first_header, definition)
    if codes is not None:
        rows[-1].insert(1, "")
        headers.insert(1, CODE_HEADER)
    return exports.Table(title, notes, headers, rows, below)
