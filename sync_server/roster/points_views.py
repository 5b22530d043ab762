"""The reception points page (/roster/points): the centre's points, each with the commune it was
before the 2025 merger if any, and which point each counter and each kiosk at no counter belongs
to. Everyone logged in reads it; admins change it. Every change is audited; moving a counter or a
kiosk moves its future ratings only (sync_server.roster.points)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts.access import login_required, role_required
from sync_server.db import write_transaction
from sync_server.db.models import Counter, ReceptionPoint
from sync_server.exc import InputError
from sync_server.extensions import get_config
from sync_server.roster import edit as roster_edit
from sync_server.roster import points
from sync_server.roster.build import current_version
from sync_server.roster.changes import changed
from sync_server.roster.kiosks import active_ids

bp = Blueprint("points", __name__, url_prefix="/roster/points")


def _form() -> dict[str, str]:
    return {k: v[:400] for k, v in request.form.items() if k != "csrf_token"}


def _back(message: str, category: str = "ok"):
    flash(message, category)
    return redirect(url_for("points.index"))


@bp.get("")
@login_required
def index():
    at_counters = {c.kiosk_id for c in Counter.select(Counter.kiosk_id) if c.kiosk_id}
    loose = [k for k in active_ids(get_config()) if k not in at_counters]
    where = points.PointMap.load()  # once for the page, not once per kiosk
    return render_template("roster/points.html", points=points.ordered(),
                           counters=list(Counter.select().order_by(Counter.sort, Counter.code)),
                           kiosks=[(k, where.of_kiosk(k)) for k in loose], main=where.main(),
                           names=points.names(),
                           version=current_version(), tab="points")


@bp.post("")
@role_required("admin")
def save():
    try:
        values = points.values(_form())
    except InputError as e:
        return _back(e.message(_), "error")
    if request.form.get("new") == "1" and ReceptionPoint.get_or_none(ReceptionPoint.code == values["code"]):
        return _back(_("Đã có điểm tiếp nhận mã '%(code)s'.", code=values["code"]), "error")
    with write_transaction():
        new = roster_edit.upsert(ReceptionPoint, values)
        changed("point.create" if new else "point.update", values["code"],
                {**values, "merged_on": values["merged_on"].isoformat() if values["merged_on"] else ""})
    return _back(_("Đã lưu điểm tiếp nhận “%(name)s”.", name=values["name"]))


def _place(key: str, place, action: str) -> tuple[str, str] | InputError:
    """Move the counter or kiosk named by form field `key` to the form's point, audited."""
    target, point = request.form.get(key, "")[:64], request.form.get("point", "")[:64]
    try:
        with write_transaction():
            before = place(target, point)
            changed(action, target, {"from": before, "to": point})
    except InputError as e:
        return e
    return target, point


@bp.post("/counter")
@role_required("admin")
def place_counter():
    done = _place("counter", points.place_counter, "point.counter")
    if isinstance(done, InputError):
        return _back(done.message(_), "error")
    return _back(_("Đã chuyển quầy '%(code)s' sang điểm tiếp nhận '%(point)s'.", code=done[0], point=done[1]))


@bp.post("/kiosk")
@role_required("admin")
def place_kiosk():
    done = _place("kiosk", points.place_kiosk, "point.kiosk")
    if isinstance(done, InputError):
        return _back(done.message(_), "error")
    return _back(_("Đã chuyển ki-ốt '%(kiosk)s' sang điểm tiếp nhận '%(point)s'.", kiosk=done[0],
                   point=done[1]))
