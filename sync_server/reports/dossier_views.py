"""The per-dossier export page (reports.dossiers): staff choose a range and download the CSV
for the provincial system; every download is in the audit log."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _

from sync_server.accounts import audit
from sync_server.accounts.access import role_required
from sync_server.db import write_transaction
from sync_server.extensions import get_config
from sync_server.reports import dossiers, exports
from sync_server.reports.downloads import attachment
from sync_server.reports.overview import local_today
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
                          name=name)


@bp.get("")
@role_required("staff")
def export():
    config = get_config()
    first, last = month_of(local_today(config.tz))
    (start, bad_start), (end, bad_end) = _day("start", first), _day("end", last)
    error = bad_start or bad_end or (_("Ngày kết thúc đứng trước ngày bắt đầu.") if end < start else None)
    if error:
        return render_template("reports/dossiers.html", start=first, end=last, count=None, error=error,
                               title=_("Đánh giá theo mã hồ sơ")), 400
    lines = dossiers.rows(start, end, config.tz)
    if request.args.get("fmt") == "csv":
        with write_transaction():
            audit.record(g.user.username, "dossier.export", f"{start}..{end}",
                         {"start": start.isoformat(), "end": end.isoformat(), "rows": len(lines)},
                         role=g.user.role, ip=request.remote_addr)
        name = f"hailong-ma-ho-so-{start:%Y%m%d}-{end:%Y%m%d}.csv"
        return attachment(exports.plain_csv(dossiers.HEADERS, lines), name, "text/csv; charset=utf-8")
    return render_template("reports/dossiers.html", start=start, end=end, count=len(lines), error=None,
                           title=_("Đánh giá theo mã hồ sơ"))
