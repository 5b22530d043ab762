"""The survey programme's pages: sampling quotas with their progress (seed 002) and the yearly
report of seed 004 Appendix 2 (on screen, print, CSV, XLSX, DOCX). The figures come from
sync_server.reports.quotas and sync_server.reports.yearly; this module reads the request and lays them out."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts.access import role_required
from sync_server.db.models import Field
from sync_server.exc import InputError
from sync_server.extensions import get_config
from sync_server.reports import exports, figures, quotas, yearly
from sync_server.reports import queries as reports
from sync_server.reports.downloads import definition_arg, letterhead, point_arg, send_report
from sync_server.reports.overview import local_today
from sync_server.roster import points as roster_points

bp = Blueprint("survey", __name__, url_prefix="/reports")


@bp.get("/quotas")
@role_required("staff")
def quota_list():
    today = local_today(get_config().tz)
    return render_template("reports/quotas.html", rows=quotas.progress(today), today=today,
                           fields=list(Field.select().order_by(Field.name)), field_rule=reports.FIELD_RULE)


@bp.post("/quotas")
@role_required("admin")
def quota_add():
    user = g.user
    try:
        quotas.add(request.form.to_dict(), user.username, role=user.role, ip=request.remote_addr)
    except InputError as e:
        flash(e.message(_), "error")
    else:
        flash(_("Đã thêm chỉ tiêu."), "ok")
    return redirect(url_for("survey.quota_list"))


@bp.post("/quotas/<int:quota_id>/delete")
@role_required("admin")
def quota_delete(quota_id: int):
    user = g.user
    try:
        quotas.delete(quota_id, user.username, role=user.role, ip=request.remote_addr)
    except InputError as e:
        flash(e.message(_), "error")
    else:
        flash(_("Đã xóa chỉ tiêu."), "ok")
    return redirect(url_for("survey.quota_list"))


def _year() -> int:
    raw = request.args.get("year") or request.form.get("year") or str(local_today(get_config().tz).year)
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        abort(400, description=_("Năm không hợp lệ: ví dụ 2026."))
    return int(raw)


@bp.get("/year")
@role_required("staff")
def year_report():
    year, definition, point = _year(), definition_arg(), point_arg()
    fmt = request.args.get("fmt", "html")
    report = yearly.build(year, definition, point)
    title = ("Kết quả khảo sát, lấy ý kiến người dân, tổ chức đã giao dịch, nhận kết quả giải quyết "
             f"TTHC năm {year}")
    table = exports.Table(
        title, ["1. Kết quả triển khai"], ["STT", "Nội dung", "Kết quả thực hiện"],
        [[n, content, result] for n, content, result, _key in report.rows],
        after=[(heading, text) for _key, heading, text in report.sections])
    today = local_today(get_config().tz)
    head = letterhead(today, point)  # one reception point: named under the title
    point_part = f"-{point}" if point else ""
    sent = send_report(table, fmt, f"hailong-bao-cao-nam{point_part}-{year}", official=True, day=today,
                       head=head)
    if sent is not None:
        return sent
    return render_template("reports/yearly.html", report=report, title=title, hints=yearly.HINTS, year=year,
                           definition=definition, definitions=figures.NAMES, print_view=fmt == "print",
                           letterhead=head, args=request.args, point=point or "",
                           points=roster_points.names() if roster_points.several() else None)


@bp.post("/year")
@role_required("staff")
def year_save():
    year = _year()
    user = g.user
    point = request.form.get("point", "").strip()[:64] or None  # that point's own text
    if point is not None and point not in roster_points.names():
        abort(400, description=_("Không có điểm tiếp nhận “%(point)s” (ô “point”).", point=point))
    try:
        yearly.save_text(year, request.form.to_dict(), user.username, role=user.role, ip=request.remote_addr,
                         point=point)
    except InputError as e:
        flash(e.message(_), "error")
    else:
        flash(_("Đã lưu báo cáo năm."), "ok")
    return redirect(url_for("survey.year_report", year=year, point=point))
