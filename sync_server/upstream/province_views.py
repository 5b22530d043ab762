"""The province hub's page of its communes (/province), and enrolling a commune server there (the
token shown once). Only sync_server.app imports this module."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts.access import login_required, role_required
from sync_server.db.models import utcnow
from sync_server.exc import InputError
from sync_server.extensions import get_config
from sync_server.reports import figures
from sync_server.reports.overview import local_today
from sync_server.upstream import enrol, province

bp = Blueprint("province", __name__, url_prefix="/province")


def _page(new: tuple[str, str] | None = None, form: dict[str, str] | None = None, status: int = 200):
    config = get_config()  # on a commune server (no [[downstream]]): an empty list that says so
    communes = province.communes(config, local_today(config.tz), utcnow())
    return render_template("upstream/province.html", communes=communes,
                           silent_days=province.SILENT_DAYS, target=config.satisfaction_target * 100,
                           fmt_pct=figures.fmt_pct, definition=config.satisfaction_definition,
                           new=new, form=form or {}, hub_url=request.host_url.rstrip("/"),
                           drill=[("officer", _("Cán bộ")), ("procedure", _("Thủ tục")),
                                  ("field", _("Lĩnh vực"))]), status


@bp.get("")
@login_required
def overview():
    return _page()


@bp.post("/enrol")
@role_required("admin")
def enrol_commune():
    form = {"server_id": request.form.get("server_id", ""), "name": request.form.get("name", "")}
    try:
        token = enrol.enrol(get_config(), form["server_id"], form["name"], g.user.username, role=g.user.role,
                            ip=request.remote_addr, now=utcnow())
    except InputError as e:
        flash(e.message(_), "error")
        return _page(form=form, status=400)
    # The token is in this page only: never stored in clear, never in a redirect or a log.
    return _page(new=(form["server_id"].strip(), token))


@bp.post("/<server_id>/revoke")
@role_required("admin")
def revoke(server_id: str):
    try:
        enrol.revoke(server_id, g.user.username, role=g.user.role, ip=request.remote_addr)
    except InputError as e:
        flash(e.message(_), "error")
    else:
        flash(_("Đã thu hồi: máy chủ xã %(id)s không gửi lên được nữa.", id=server_id), "ok")
    return redirect(url_for("province.overview"))
