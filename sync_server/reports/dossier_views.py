"""The per-dossier export page (reports.dossiers): staff choose a range and download the CSV
for the provincial system; every download is in the audit log."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts import audit
from sync_server.accounts.access import role_required
from sync_server.db import write_transaction
from sync_server.db.models import utcnow
from sync_server.exc import InputError
from sync_server.extensions import get_config
from sync_server.reports import dossier_links, dossiers, exports
from sync_server.reports.downloads import attachment
from sync_server.reports.overview import local_today
from sync_server.reports.period_form import DATE_LABELS
from sync_server.reports.queries import month_of

bp = Blueprint("dossiers", __name__, url_prefix="/reports/dossiers")


def _day(name: str, default: date) -> tuple[date, str | None]:
    raw = request.args.get(name, "").strip()[:10]
    if not raw:
        return default, None
    try:
        return date.fromisoformat(raw), None
    except ValueError:
        return default, _("Ngày không hợp lệ ở ô “%(name)s”: dùng dạng năm-tháng-ngày, ví dụ 2026-11-23.",
                          name=_(DATE_LABELS[name]) if name in DATE_LABELS else name)


@bp.get("")
@role_required("staff")
def export():
    config = get_config()
    first, last = month_of(local_today(config.tz))
    (start, bad_start), (end, bad_end) = _day("start", first), _day("end", last)
    error = bad_start or bad_end or (_("Ngày kết thúc đứng trước ngày bắt đầu.") if end < start else None)
    if error:
        return render_template("reports/dossiers.html", start=first, end=last, count=None, error=error,
                               days=config.dossier_days,
                               title=_("Đánh giá theo mã hồ sơ")), 400
    dossier_links.purge(utcnow(), config.dossier_days)  # nothing past its period is exported
    lines = dossiers.rows(start, end, config.tz)
    if request.args.get("fmt") == "csv":
        with write_transaction():
            audit.record(g.user.username, "dossier.export", f"{start}..{end}",
                         {"start": start.isoformat(), "end": end.isoformat(), "rows": len(lines)},
                         role=g.user.role, ip=request.remote_addr)
        name = f"hailong-ma-ho-so-{start:%Y%m%d}-{end:%Y%m%d}.csv"
        return attachment(exports.plain_csv(dossiers.HEADERS, lines), name, "text/csv; charset=utf-8")
    return render_template("reports/dossiers.html", start=start, end=end, count=len(lines), error=None,
                           days=config.dossier_days, title=_("Đánh giá theo mã hồ sơ"))


@bp.route("/erase", methods=["GET", "POST"])
@role_required("admin")
def erase():
    """Erase one dossier's links on a citizen's request: look the code up, see the ratings it is
    linked to, tick the confirmation, erase. Both steps are POSTs: the code never sits in a URL
    (nor in the server's or a proxy's access log)."""
    config = get_config()
    code, found, error = "", None, None
    if request.method == "POST":
        raw = request.form.get("code", "")[:200]
        try:
            if request.form.get("step") == "erase":
                if request.form.get("confirm") != "1":
                    abort(400, description=_("Xin đánh dấu ô xác nhận trước khi xóa."))
                n = dossier_links.erase(raw, g.user.username, role=g.user.role, ip=request.remote_addr)
                flash(_("Đã xóa mã hồ sơ khỏi %(n)s lượt đánh giá; các đánh giá vẫn được giữ.", n=n))
                return redirect(url_for("dossiers.erase"))
            code, found = dossier_links.find(raw, config.dossier_days)
        except InputError as e:
            error = e.message(_)
    page = render_template("reports/dossier_erase.html", code=code, found=found, error=error,
                           days=config.dossier_days, title=_("Xóa mã hồ sơ theo yêu cầu"))
    return page, 400 if error else 200
