"""The overview page for office staff, at `/`: satisfaction per officer and what needs attention
(kiosks from sync_server.collect, figures and service alerts from sync_server.reports). It lives
in sync_server.web because it joins packages that do not import each other's views."""

from __future__ import annotations

from flask import Blueprint, render_template

from sync_server.accounts.access import login_required
from sync_server.collect.health import PULL_STATUS, kiosk_health, live_alerts
from sync_server.db.models import Alert, utcnow
from sync_server.extensions import get_config
from sync_server.reports.officers import OFFICER_RULE
from sync_server.reports.overview import kiosk_lines, local_today, officer_summary
from sync_server.reports.service_alerts import dashboard_alerts
from sync_server.roster.kiosks import active_ids

bp = Blueprint("staff", __name__)

# Pull status -> the words shown (Vietnamese; English through sync_server.i18n).
@bp.get("/")
@login_required
def dashboard():
    config = get_config()
    summary = officer_summary(local_today(config.tz))
    return render_template(
        "dashboard.html",
        summary=summary,
        target_pct=config.satisfaction_target * 100,
        officer_rule=OFFICER_RULE,
        kiosks=kiosk_lines(active_ids(config)),
        pull_status=PULL_STATUS,
        live_alerts=live_alerts(config, kiosk_health(config), utcnow()),
        open_alerts=Alert.select().where(~Alert.resolved).count(),
        **dashboard_alerts(get_config().service_alert_rule),
    )
