"""The page where staff import the province's monthly overdue-dossier counts (reports.overdue)
for the Decision-766-style estimate, and see the months already imported."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts.access import role_required
from sync_server.exc import InputError
from sync_server.extensions import reader_locale
from sync_server.reports import overdue
from sync_server.reports.overdue import ImportErrors
from sync_server.roster.importer import MAX_BYTES

bp = Blueprint("overdue", __name__, url_prefix="/reports/overdue")


def _render(errors: list[str] | None = None, status: int = 200):
    return render_template("reports/overdue.html", months=overdue.imported(), errors=errors or [],
                           title=_("Số hồ sơ quá hạn theo tháng")), status


@bp.get("")
@role_required("staff")
def page():
    return _render()


@bp.post("")
@role_required("staff")
def upload():
    file = request.files.get("file")
    data = file.read(MAX_BYTES + 1) if file else b""
    if not data:
        return _render([_("Chưa chọn tệp.")], 400)
    try:
        rows = overdue.parse(data)
    except ImportErrors as e:
        return _render([err.message(_, reader_locale()) for err in e.errors], 400)
    except InputError as e:  # from read_table: too big, not UTF-8, not a table
        return _render([e.message(_, reader_locale())], 400)
    counts = overdue.store(rows, g.user.username, (file.filename or "") if file else "", role=g.user.role,
                           ip=request.remote_addr)
    flash(_("Đã nhập %(new)s tháng mới, thay thế %(replaced)s tháng đã có.", **counts), "ok")
    return redirect(url_for("overdue.page"))
