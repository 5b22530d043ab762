"""Reports by reception point (sync_server.roster.points): the names a table uses, the column of the
commune a point was before the 2025 merger (the pre-merger map) with the visits its kiosks took
before that day, and the notes that say the same under the table by counter. The figures
themselves are the rollups' (`Filters.point`, the dimension "point"). No Flask here."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sync_server.i18n import N_, Day, Msg
from sync_server.reports import exports, units
from sync_server.reports import queries as reports
from sync_server.reports.figures import fmt_count
from sync_server.roster import points as roster_points

UNKNOWN = N_("(không rõ điểm tiếp nhận)")  # a QR response from an officer's code seated at several points
FORMER_HEADER = N_("Xã cũ (trước sáp nhập)")


def names() -> dict[str, str]:
    return roster_points.names() | {"": UNKNOWN}


def names_in(unit: str | None = None) -> dict[str, str]:
    """{code: name} of the points a report of `unit` filters by, in order: at a hub, a commune's
    (`unit` its server_id) as its roster snapshot names and orders them, for its responses carry
    its own point codes; else ('' the hub's own kiosks, None a commune server) this server's own."""
    return units.points(unit) if unit else roster_points.names()


def formers_in(unit: str | None = None) -> dict[str, roster_points.Former]:
    """The pre-merger map of `unit`'s points (as names_in)."""
    return units.formers(unit) if unit else roster_points.formers()


def several_in(unit: str | None = None) -> bool:
    """Whether `unit` has more than one point: only then do its pages offer the point filter."""
    return len(names_in(unit)) > 1 if unit else roster_points.several()


def before_merger(f: reports.Filters, point: str, former: roster_points.Former) -> int:
    """Visits the point's kiosks took in the report's range before the merger took effect."""
    if former.merged_on is None or f.start >= former.merged_on:
        return 0
    end = min(f.end, former.merged_on - timedelta(days=1))
    return reports.total(replace(f, start=f.start, end=end, point=point)).responses


def former_cell(f: reports.Filters, point: str, former: roster_points.Former) -> str:
    if former.merged_on is None:
        return former.label()
    day = Day(former.merged_on)  # the page writes it in its reader's language
    n = before_merger(f, point, former)
    if not n:
        return Msg(N_("%(former)s, sáp nhập từ %(day)s"), former=former.label(), day=day)
    return Msg(N_("%(former)s, sáp nhập từ %(day)s; %(n)s lượt đánh giá trước ngày đó"),
               former=former.label(), day=day, n=fmt_count(n))


def with_former(table: exports.Table, codes: list[str], f: reports.Filters,
                formers: dict[str, roster_points.Former] | None = None) -> exports.Table:
    """The table by point with a column naming, per point, the commune it was (none: no column);
    `formers`: a commune's at a hub (reports.units.formers), else this centre's own."""
    formers = roster_points.formers() if formers is None else formers
    if not any(code in formers for code in codes):
        return table
    rows = [[row[0], former_cell(f, code, formers[code]) if code in formers else "", *row[1:]]
            for code, row in zip(codes, table.rows, strict=False)]
    rows.append([table.rows[-1][0], "", *table.rows[-1][1:]])
    return replace(table, headers=[table.headers[0], FORMER_HEADER, *table.headers[1:]], rows=rows)


def former_notes(shown: set[str], unit: str | None = None) -> list[str]:
    """Under the table by counter: the points shown that were a commune before the merger (a
    commune's at a hub when `unit` names it)."""
    named = names_in(unit)
    return [Msg(N_("%(point)s: trước đây là %(former)s; phiếu ghi trước ngày sáp nhập vẫn tính cho trung "
                   "tâm."), point=named.get(code, code), former=former.label())
            for code, former in formers_in(unit).items() if code in shown]


__all__ = ["FORMER_HEADER", "UNKNOWN", "before_merger", "former_notes", "formers_in", "names", "names_in",
           "several_in", "with_former"]
