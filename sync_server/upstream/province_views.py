"""The province hub's page of its communes (/province), and enrolling a commune server there (the
token shown once). Only sync_server.app imports this module."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts.access import login_required, role_required
from sync_server.db.models import utcnow
from sync_server.exc import InputError
from sync_server.extensions import get_config
from sync_server.reports import figures, queries, units
from sync_server.reports.overview import local_today
from sync_server.upstream import enrol, pairing, province, ranking

bp = Blueprint("province", __name__, url_prefix="/province")


RANK_PERIODS = {"month": queries.month_of, "quarter": queries.quarter_of, "year": queries.year_of}


def _page(new: tuple[str, str, str] | None = None, form: dict[str, str] | None = None, status: int = 200):
    config = get_config()  # on a commune server (no [[downstream]]): an empty list that says so
    today, now = local_today(config.tz), utcnow()
    communes = province.communes(config, today, now)
    kind = request.args.get("rank", "month")
    if kind not in RANK_PERIODS:
        abort(400, description=_("Kỳ xếp hạng không hợp lệ (ô “rank”): month, quarter hoặc year."))
    start, end = RANK_PERIODS[kind](today)
    cells, days = ranking.period_cells(start, end), ranking.days_of(start, end, today)
    bands, unranked = ranking.rank(communes, cells, days, config.satisfaction_definition,
                                   config.province_silent_days, config.province_min_sample)
    return render_template("upstream/province.html", communes=communes,
                           alerts=province.alerts(communes, now), alert_kinds=province.KINDS,
                           bands=bands, unranked=unranked, rank_kind=kind, rank_start=start, rank_end=end,
                           min_sample=config.province_min_sample,
                           silent_days=config.province_silent_days, target=config.satisfaction_target * 100,
                           fmt_pct=figures.fmt_pct, definition=config.satisfaction_definition,
                           new=new, form=form or {}, hub_url=request.host_url.rstrip("/"), now=now,
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
    return _page(new=(form["server_id"].strip(), token,
                      pairing.code_for(request.host_url, form["server_id"].strip(), token)))


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


@bp.get("/<server_id>/officers/<officer_code>/photo.jpg")
@login_required
def officer_photo(server_id: str, officer_code: str) -> Response:
    """A commune officer's photo as the hub keeps it: only while the commune marks it public."""
    data = units.public_photo(get_config().data_dir, server_id[:64], officer_code[:64])
    if data is None:
        abort(404)
    response = Response(data, mimetype="image/jpeg")
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Withdrawn at the commune, it must go from the hub's pages: never kept by a browser.
    response.headers["Cache-Control"] = "private, no-store"
    return response
