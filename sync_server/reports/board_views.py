"""The public results board (seed 001: results are published at the desk and on the commune's
website): this month's satisfaction per field — per officer only when the unit turns that on
([board] show_officers) — for a lobby screen. No login; it shows nothing that is not already
meant to be public, and it reloads itself every few minutes without JavaScript."""

from __future__ import annotations

from flask import Blueprint, render_template

from sync_server.db.models import Field, Officer
from sync_server.extensions import get_config
from sync_server.i18n import N_
from sync_server.reports import figures
from sync_server.reports import queries as reports
from sync_server.reports.officers import OFFICER_RULE, officer_cells
from sync_server.reports.overview import local_today

bp = Blueprint("board", __name__, url_prefix="/board")
REFRESH_S = 300


def _rows(cells: dict, names: dict[str, str], definition: str, unknown: str) -> list[dict]:
    rows = []
    for (code,), cell in cells.items():
        if not cell.counts.total:
            continue
        rows.append({"code": code, "name": names.get(code, unknown if not code else code),
                     "responses": cell.responses, "pct": cell.counts.pct(definition), "known": bool(code)})
    return sorted(rows, key=lambda r: (not r["known"], r["name"]))


@bp.get("")
def board():
    config = get_config()
    today = local_today(config.tz)
    start, end = reports.month_of(today)
    f = reports.Filters(start, min(end, today))
    definition = config.satisfaction_definition
    fields = _rows(reports.figures(f, ("field",)), {x.code: x.name for x in Field.select()}, definition,
                   N_("Khác"))
    officers = []
    if config.board_show_officers:
        names = {o.code: o.name for o in Officer.select().where(Officer.active)}
        cells = {(code,): cell for code, cell in officer_cells(f).items()}  # the fair officer figure
        officers = [r for r in _rows(cells, names, definition, "")
                    if r["code"] in names]  # active officers only; never "unknown"
    total = reports.total(f)
    return render_template("reports/board.html", fields=fields, officers=officers, total=total.responses,
                           partial=total.partial,
                           pct=total.counts.pct(definition), rule=figures.RULES[definition],
                           field_rule=reports.FIELD_RULE, officer_rule=OFFICER_RULE,
                           start=start, today=today, target=config.satisfaction_target * 100,
                           refresh=REFRESH_S)
