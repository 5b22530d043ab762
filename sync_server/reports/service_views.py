"""Service alerts for staff: the list, and acknowledging one with a comment. The detection is in
sync_server.reports.service_alerts, which also gives the dashboard its open ones."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts.access import role_required
from sync_server.db.models import ServiceAlert, utcnow
from sync_server.exc import InputError
from sync_server.extensions import get_config
from sync_server.reports import service_alerts, yes_no

bp = Blueprint("service", __name__, url_prefix="/service-alerts")
PAGE = 100


@bp.get("")
@role_required("viewer")
def index():
    page_no = max(1, request.args.get("page", 1, type=int) or 1)
    done = list(ServiceAlert.select().where(ServiceAlert.acknowledged_at.is_null(False))
                .order_by(ServiceAlert.ended_utc.desc()).paginate(page_no, PAGE))
    return render_template("reports/service_alerts.html", open_rows=service_alerts.open_alerts(limit=500),
                           done_rows=done, names=service_alerts.subject_names(), page_no=page_no,
                           service_questions=yes_no.question_texts(),
                           more=len(done) == PAGE,
                           rule=get_config().service_alert_rule.describe(_))


@bp.post("/<int:service_alert_id>/ack")
@role_required("staff")
def acknowledge(service_alert_id: int):
    user = g.user
    try:
        service_alerts.acknowledge(service_alert_id, request.form.get("comment", ""), user.username, utcnow(),
                                   role=user.role, ip=request.remote_addr)
    except InputError as e:
        flash(e.message(_), "error")
    else:
        flash(_("Đã ghi nhận cảnh báo."), "ok")
    back = request.form.get("back", "")
    return redirect(back if back in ("/", "/service-alerts") else url_for("service.index"))
