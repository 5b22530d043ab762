"""The province hub's page of its communes (/province). Only sync_server.app imports this module."""

from __future__ import annotations

from flask import Blueprint, render_template

from sync_server.accounts.access import login_required
from sync_server.db.models import utcnow
from sync_server.extensions import get_config
from sync_server.reports import figures
from sync_server.reports.overview import local_today
from sync_server.upstream import province

bp = Blueprint("province", __name__, url_prefix="/province")


@bp.get("")
@login_required
def overview():
    config = get_config()  # on a commune server (no [[downstream]]): an empty list that says so
    communes = province.communes(config, local_today(config.tz), utcnow())
    return render_template("upstream/province.html", communes=communes,
                           silent_days=province.SILENT_DAYS, target=config.satisfaction_target * 100,
                           fmt_pct=figures.fmt_pct, definition=config.satisfaction_definition)
