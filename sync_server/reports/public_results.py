"""What a centre publishes about a month (NĐ 118/2025 Điều 34.1: at the centre and on its
website): the responses and the share satisfied per field and overall, per officer only when the
unit turns that on (`[board] show_officers`, the fair officer figure). The lobby board and the
printed monthly poster both show this. No Flask."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date

from sync_server.config import ServerConfig
from sync_server.db.models import Field
from sync_server.i18n import N_
from sync_server.reports import queries as reports
from sync_server.reports.officers import officer_cells
from sync_server.roster.names import officer_names

OTHER = N_("Khác")  # the responses whose field is not known


@dataclass
class Line:
    code: str
    name: str
    responses: int
    pct: float | None


@dataclass
class MonthResults:
    start: date
    end: date  # the last day counted (today while the month runs)
    responses: int
    partial: int
    pct: float | None
    fields: list[Line] = field(default_factory=list)
    officers: list[Line] = field(default_factory=list)


def vn_key(name: str) -> str:
    """Vietnamese alphabetical order: letters without their marks first, Đ right after D."""
    base = unicodedata.normalize("NFD", name.casefold().replace("đ", "d\uffff"))
    return "".join(c for c in base if not unicodedata.combining(c))


def _lines(cells: dict, names: dict[str, str], definition: str, unknown: str) -> list[Line]:
    out = [Line(code, names.get(code, unknown if not code else code), cell.responses,
                cell.counts.pct(definition))
           for (code,), cell in cells.items() if cell.counts.total]
    return sorted(out, key=lambda x: (not x.code, vn_key(x.name), x.name))  # "Khác" last


def month_results(start: date, end: date, config: ServerConfig, point: str | None = None) -> MonthResults:
    """The whole centre's month, or one reception point's (an outlying point's own lobby screen
    and poster)."""
    f = reports.Filters(start, end, point=point)
    definition = config.satisfaction_definition
    total = reports.total(f)
    out = MonthResults(start, end, total.responses, total.partial, total.counts.pct(definition))
    out.fields = _lines(reports.figures(f, ("field",)), {x.code: x.name for x in Field.select()},
                        definition, OTHER)
    if config.board_show_officers:
        names = officer_names(active_only=True)
        cells = {(code,): cell for code, cell in officer_cells(f).items()}
        out.officers = [x for x in _lines(cells, names, definition, "") if x.code in names]  # never "unknown"
    return out
