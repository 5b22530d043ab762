"""The minutes (biên bản) an office signs: one per kiosk per day and one for the QR page
(`/minutes/day`), and one for each collection a staff member opens by hand on a kiosk's page,
before witnesses. Each is a print view in the NĐ 30 frame and a DOCX. Pulls stay in the pull log
(`/minutes`, sync_server.collect.views)."""

from __future__ import annotations

import dataclasses
from datetime import date

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts.access import audit_here, login_required, role_required
from sync_server.collect import minutes, minutes_doc
from sync_server.collect.puller import pull_kiosk
from sync_server.config import QR_KIOSK_ID, ServerConfig
from sync_server.db import write_transaction
from sync_server.db.models import Counter, PullLog
from sync_server.extensions import get_config
from sync_server.reports import docx_report
from sync_server.reports.downloads import DOCX, letterhead
from sync_server.reports.overview import local_today
from sync_server.roster.kiosks import active_entries, active_ids

bp = Blueprint("minutes", __name__, url_prefix="/minutes")
MAX_WITNESSES = 600  # characters: a few names, one a line


def _counter_names() -> dict[str, str]:
    return {c.kiosk_id: c.name for c in Counter.select(Counter.kiosk_id, Counter.name) if c.kiosk_id}


def _head(config: ServerConfig) -> docx_report.Letterhead:
    head = letterhead(local_today(config.tz))
    return dataclasses.replace(head, number=head.number.replace("/BC", "/BB", 1))


def _document(table, stem: str):
    """The print view, or with ?fmt=docx the DOCX: the same text in the same frame."""
    config = get_config()
    head = _head(config)
    fmt = request.args.get("fmt", "html")
    if fmt == "docx":
        data = docx_report.to_docx(table, head, kind="BIÊN BẢN", signers=minutes_doc.SIGNERS)
        response = Response(data, mimetype=DOCX)
        response.headers["Content-Disposition"] = f"attachment; filename={stem}.docx"
        return response
    if fmt != "html":
        abort(400, description=_("Định dạng tệp không hợp lệ."))
    return render_template("collect/bien_ban.html", table=table, letterhead=head,
                           signers=minutes_doc.SIGNERS, print_view=True, stem=stem)


@bp.get("/day")
@login_required
def days():
    config = get_config()
    raw = request.args.get("date", "").strip()
    day, error = local_today(config.tz), ""
    if raw:
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            error = _("Ngày không hợp lệ: hãy chọn một ngày (năm-tháng-ngày).")
    known = active_ids(config) + [QR_KIOSK_ID]
    rows = [] if error else [minutes.for_day(k, day, config.tz)
                             for k in minutes.kiosks_of_day(day, config.tz, known)]
    return render_template("collect/days.html", rows=rows, day=day, raw=raw, error=error,
                           counters=_counter_names(), qr=QR_KIOSK_ID,
                           title=_("Biên bản thu nhận phiếu theo ngày"))


@bp.get("/day/<kiosk_id>/<day>")
@login_required
def day_document(kiosk_id: str, day: str):
    config = get_config()
    try:
        when = date.fromisoformat(day)
    except ValueError:
        abort(404)
    if kiosk_id not in minutes.kiosks_of_day(when, config.tz, active_ids(config) + [QR_KIOSK_ID]):
        abort(404)
    m = minutes.for_day(kiosk_id, when, config.tz)
    table = minutes_doc.day_table(m, _counter_names().get(kiosk_id, ""), _head(config).unit, config.tz)
    return _document(table, f"bien-ban-{kiosk_id}-{when:%Y-%m-%d}")


@bp.get("/opened/<int:opened_id>")
@login_required
def opened_document(opened_id: int):
    log = PullLog.get_or_none((PullLog.id == opened_id) & PullLog.opened_by.is_null(False))
    if log is None:
        abort(404)
    config = get_config()
    table = minutes_doc.pull_table(log, _counter_names().get(log.kiosk_id, ""), _head(config).unit, config.tz)
    return _document(table, f"bien-ban-mo-hom-{log.kiosk_id}-{log.id}")


@bp.post("/open/<kiosk_id>")
@role_required("staff")
def open_collection(kiosk_id: str):
    """Collect from one kiosk now, by hand, before witnesses: its own minutes."""
    config = get_config()
    entry = next((e for e in active_entries(config) if e.id == kiosk_id), None)
    if entry is None:
        abort(404)
    witnesses = request.form.get("witnesses", "")
    if len(witnesses) > MAX_WITNESSES:
        abort(400, description=_("Tên người chứng kiến dài quá %(n)s ký tự.", n=MAX_WITNESSES))
    witnesses = "\n".join(w.strip() for w in witnesses.splitlines() if w.strip())
    result = pull_kiosk(entry, config, opened=(g.user.username, witnesses))
    if result.log_id is None:  # the database refused the minutes: nothing to show
        abort(503)
    with write_transaction():
        audit_here("collection.open", kiosk_id, {"received": result.received, "status": result.status})
    return redirect(url_for("minutes.opened_document", opened_id=result.log_id))
