"""Staff pages about the collection itself: kiosk health, alerts, and the pull log (every pull,
what it received; the biên bản an office signs are in minutes_views). All need a login."""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts.access import audit_here, login_required, role_required
from sync_server.collect import messages as pull_messages
from sync_server.collect import qr_health, upstream_health
from sync_server.collect.health import PULL_STATUS, kiosk_health, live_alerts
from sync_server.db import write_transaction
from sync_server.db.models import Alert, Conflict, PullLog, Response, utcnow
from sync_server.extensions import get_config
from sync_server.i18n import N_
from sync_server.reports.overview import local_today
from sync_server.roster.build import current_version
from sync_server.roster.kiosks import active_ids

bp = Blueprint("monitor", __name__)
PAGE = 50
ALERT_KINDS = {
    "chain": "Chuỗi niêm phong",
    "gap": "Số thứ tự",
    "garbage": N_("Dữ liệu không hợp lệ"),
    "conflict": N_("Trùng mã phiếu"),
    "unknown": "Mã chưa biết",
    "new_store": N_("Thẻ nhớ mới"),
    "two_units": N_("Một kho ở hai máy chủ xã"),  # at a province hub
}


@bp.get("/kiosks")
@login_required
def kiosks():
    config = get_config()
    health = kiosk_health(config)
    return render_template("collect/kiosks.html", health=health, server_roster=current_version(),
                           live_alerts=live_alerts(config, health, utcnow()), pull_status=PULL_STATUS,
                           clock_alert_s=config.clock_alert_s,
                           qr_health=qr_health.health(config.tz, utcnow()),
                           upstream=upstream_health.health(config))


@bp.get("/kiosks/<kiosk_id>")
@login_required
def kiosk(kiosk_id: str):
    config = get_config()
    h = next((x for x in kiosk_health(config) if x.id == kiosk_id), None)
    if h is None:
        abort(404)
    flagged = (Response.select().where((Response.kiosk_id == kiosk_id) & Response.unknown_refs.is_null(False))
               .order_by(Response.id.desc()).limit(200))
    conflicts = Conflict.select().where(Conflict.kiosk_id == kiosk_id).order_by(Conflict.id.desc()).limit(200)
    logs = PullLog.select().where(PullLog.kiosk_id == kiosk_id).order_by(PullLog.id.desc()).limit(20)
    return render_template("collect/kiosk.html", h=h, flagged=flagged, conflicts=conflicts, logs=logs,
                           pull_status=PULL_STATUS, server_roster=current_version(),
                           today=local_today(config.tz))


@bp.get("/alerts")
@login_required
def alerts():
    open_ = Alert.select().where(~Alert.resolved).order_by(Alert.id.desc())
    done = Alert.select().where(Alert.resolved).order_by(Alert.id.desc()).limit(200)
    return render_template("collect/alerts.html", open_alerts=open_, resolved=done, kinds=ALERT_KINDS,
                           can_resolve=g.user.may("staff"))


@bp.post("/alerts/<int:alert_id>/resolve")
@role_required("staff")
def resolve_alert(alert_id: int):
    with write_transaction():
        alert = Alert.get_or_none(Alert.id == alert_id)
        if alert is None:
            abort(404)
        if alert.resolved:
            flash(_("Cảnh báo này đã được xử lý trước đó."), "info")
        else:
            Alert.update(resolved=True, resolved_by=g.user.username, resolved_at=utcnow()).where(
                Alert.id == alert_id).execute()
            audit_here("alert.resolve", f"{alert.kiosk_id}#{alert.id}",
                       {"kind": alert.kind, "message": pull_messages.render(alert.message, str)[:200]})
            flash(_("Cảnh báo đã được đánh dấu là đã xử lý."), "ok")
    return redirect(url_for("monitor.alerts"))


@bp.get("/minutes")
@login_required
def minutes():
    config = get_config()
    kiosk_id = request.args.get("kiosk", "")
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    query = PullLog.select().order_by(PullLog.id.desc())
    if kiosk_id:
        query = query.where(PullLog.kiosk_id == kiosk_id)
    rows = list(query.offset((page - 1) * PAGE).limit(PAGE + 1))
    return render_template("collect/minutes.html", rows=rows[:PAGE], page=page, more=len(rows) > PAGE,
                           kiosk_id=kiosk_id, kiosk_ids=active_ids(config),
                           pull_status=PULL_STATUS)


@bp.get("/minutes/<int:log_id>")
@login_required
def minute(log_id: int):
    log = PullLog.get_or_none(PullLog.id == log_id)
    if log is None:
        abort(404)
    day = log.started_at.replace(tzinfo=UTC).astimezone(get_config().tz).date()
    return render_template("collect/minute.html", log=log, pull_status=PULL_STATUS, day=day)
