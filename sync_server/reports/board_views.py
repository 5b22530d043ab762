"""What a centre publishes (seed 001; NĐ 118/2025 Điều 34.1): the public results board for a
lobby screen (`/board`, no login, this month so far, reloading itself every few minutes without
JavaScript) and the monthly results poster staff print and post at the centre (`/board/poster`,
A4 or A3, a whole month). Per field and overall; per officer only when the unit turns that on
([board] show_officers). Neither shows anything that is not meant to be public."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, render_template, request
from flask_babel import gettext as _

from sync_server.accounts.access import login_required
from sync_server.extensions import get_config
from sync_server.reports import figures
from sync_server.reports import queries as reports
from sync_server.reports.downloads import point_arg
from sync_server.reports.officers import OFFICER_RULE
from sync_server.reports.overview import local_today
from sync_server.reports.public_results import month_results
from sync_server.roster import points as roster_points

bp = Blueprint("board", __name__, url_prefix="/board")
REFRESH_S = 300
SIZES = ("a4", "a3")


def _texts(config, point: str | None) -> dict:
    """What both pages show besides the figures, and the reception point (`point`: one point's
    figures, its name under the unit's; a point's own lobby screen opens /board?point=<code>)."""
    several = roster_points.several()
    return {"rule": figures.RULES[config.satisfaction_definition], "field_rule": reports.FIELD_RULE,
            "officer_rule": OFFICER_RULE, "target": config.satisfaction_target * 100,
            "point": point or "", "point_name": roster_points.names()[point] if point else "",
            "points": roster_points.names() if several else None}


@bp.get("")
def board():
    config = get_config()
    today = local_today(config.tz)
    start, end = reports.month_of(today)
    point = point_arg()
    results = month_results(start, min(end, today), config, point)
    return render_template("reports/board.html", r=results, today=today, refresh=REFRESH_S,
                           **_texts(config, point))


def _month(raw: str, today: date) -> tuple[date | None, str]:
    """The month asked for (default: the last whole month), or an error to show by the field."""
    if not raw:
        first = today.replace(day=1)
        return (first.replace(year=first.year - 1, month=12) if first.month == 1
                else first.replace(month=first.month - 1)), ""
    if not re.fullmatch(r"\d{4}-\d{2}", raw) or not 1 <= int(raw[5:]) <= 12:
        return None, _("Tháng không hợp lệ: hãy chọn một tháng (năm-tháng).")
    month = date(int(raw[:4]), int(raw[5:]), 1)
    if month > today:
        return None, _("Tháng này chưa đến.")
    return month, ""


@bp.get("/poster")
@login_required
def poster():
    config = get_config()
    today = local_today(config.tz)
    size = request.args.get("size", "a4")
    size = size if size in SIZES else "a4"
    raw = request.args.get("month", "").strip()[:16]
    month, error = _month(raw, today)
    point = point_arg()
    results, whole = None, False
    if month is not None:
        start, end = reports.month_of(month)
        results, whole = month_results(start, min(end, today), config, point), end < today
    return render_template("reports/poster.html", r=results, size=size, sizes=SIZES, raw=raw, error=error,
                           month=month, today=today, whole=whole, **_texts(config, point))
