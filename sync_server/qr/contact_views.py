"""/qr/contacts: the names and phone numbers citizens left on the QR page with consent, for the
unit to call back, and the erase of one on request (sync_server.qr.contacts). Admins only:
personal data (Law 91/2025), read by as few as need it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts.access import role_required
from sync_server.db.models import utcnow
from sync_server.exc import InputError
from sync_server.extensions import get_config
from sync_server.qr import contacts

bp = Blueprint("qr_contacts", __name__, url_prefix="/qr/contacts")


@bp.get("")
@role_required("admin")
def index():
    qr = get_config().qr
    query = request.args.get("q", "")[:100]
    return render_template("qr/contacts.html", contacts=contacts.listing(utcnow(), qr.contact_days, query),
                           query=query, days=qr.contact_days, asked=qr.ask_name or qr.ask_phone,
                           title=_("Thông tin liên hệ người dân để lại"))


@bp.post("/<int:contact_id>/erase")
@role_required("admin")
def erase(contact_id: int):
    if request.form.get("confirm") != "1":
        abort(400, description=_("Xin đánh dấu ô xác nhận trước khi xóa."))
    try:
        contacts.erase(contact_id, g.user.username, role=g.user.role, ip=request.remote_addr)
    except InputError as e:
        flash(e.message(_), "error")
    else:
        flash(_("Đã xóa họ tên và số điện thoại; đánh giá vẫn được giữ."))
    return redirect(url_for("qr_contacts.index"))
