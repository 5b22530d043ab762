"""The fleet (admin changes, everyone reads): kiosks added on the web beside server.toml's,
edited and retired; a pairing code fills the add form (decoded on the server, so it works
without JavaScript). Tokens are never shown back nor written to the audit log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts.access import audit_here, login_required, role_required
from sync_server.collect import fleet_edit
from sync_server.db import write_transaction
from sync_server.db.models import FleetKiosk, utcnow
from sync_server.exc import InputError
from sync_server.extensions import get_config
from sync_server.i18n import N_
from sync_server.roster.counters import counter_for_kiosk
from sync_server.roster.kiosks import mask_token

bp = Blueprint("fleet", __name__, url_prefix="/fleet")


def _page(form: dict[str, Any] | None = None, errors: dict[str, str] | None = None, status: int = 200):
    config = get_config()
    rows = list(FleetKiosk.select().order_by(FleetKiosk.retired, FleetKiosk.created_at))
    return render_template("collect/fleet.html", configured=config.kiosks, rows=rows, mask=mask_token,
                           form=form or {"port": fleet_edit.DEFAULT_PORT}, errors=errors or {},
                           tab="fleet"), status


@bp.get("")
@login_required
def index():
    return _page()


def _fill(form: dict[str, Any]):
    try:
        p = fleet_edit.read_pairing(form.get("pairing_code", ""))
    except InputError as e:
        return _page(form, {"pairing_code": e.message(_)}, 400)
    address, port = fleet_edit.split_url(p.url)
    # The token stays inside the pairing code (sent back hidden): it is never put on the page.
    return _page({**form, "kiosk_id": p.kiosk_id, "address": address, "port": port,
                  "name": form.get("name") or p.kiosk_id, "token": ""})


@bp.post("")
@role_required("admin")
def add():
    form = {k: request.form.get(k, "")[:2000] for k in
            ("pairing_code", "kiosk_id", "name", "address", "port", "token")}
    if request.form.get("action") == "fill":
        return _fill(form)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    token = form["token"]
    if not token.strip() and form["pairing_code"].strip():
        try:
            token = fleet_edit.read_pairing(form["pairing_code"]).token
        except InputError as e:
            errors["pairing_code"] = e.message(_)
    for key, check in (("kiosk_id", lambda: fleet_edit.kiosk_id(form["kiosk_id"])),
                       ("name", lambda: fleet_edit.roster_edit.text(form["name"] or form["kiosk_id"],
                                                                    N_("tên"))),
                       ("address", lambda: fleet_edit.url_of(form["address"], form["port"])),
                       ("token", lambda: fleet_edit.token(token))):
        try:
            values[key] = check()
        except InputError as e:
            errors.setdefault(key, e.message(_))
    config = get_config()
    if "kiosk_id" in values and (config.kiosk(values["kiosk_id"]) or FleetKiosk.get_or_none(
            FleetKiosk.id == values["kiosk_id"])):
        errors["kiosk_id"] = _("Mã ki-ốt '%(id)s' đã có.", id=values["kiosk_id"])
    if errors:
        return _page({**form, "token": ""}, errors, 400)
    with write_transaction():
        FleetKiosk.create(id=values["kiosk_id"], name=values["name"], url=values["address"],
                          token=values["token"], created_at=utcnow())
        audit_here("kiosk.add", values["kiosk_id"], {"name": values["name"], "url": values["address"]})
    flash(_("Đã thêm ki-ốt '%(id)s': máy chủ sẽ lấy dữ liệu ở lần tới.", id=values["kiosk_id"]))
    return redirect(url_for("fleet.index"))


def _row(fleet_id: str) -> FleetKiosk:
    row = FleetKiosk.get_or_none(FleetKiosk.id == fleet_id)
    if row is None:
        abort(404)
    return row


@bp.get("/<fleet_id>")
@login_required
def edit(fleet_id: str):
    row = _row(fleet_id)
    address, port = fleet_edit.split_url(row.url)
    return render_template("collect/fleet_kiosk.html", row=row, address=address, port=port,
                           token_mask=mask_token(row.token), errors={}, tab="fleet",
                           counter=counter_for_kiosk(row.id))


@bp.post("/<fleet_id>")
@role_required("admin")
def save(fleet_id: str):
    row = _row(fleet_id)
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    try:
        changes["name"] = fleet_edit.roster_edit.text(request.form.get("name", ""), N_("tên"))
    except InputError as e:
        errors["name"] = e.message(_)
    try:
        changes["url"] = fleet_edit.url_of(request.form.get("address", ""), request.form.get("port", ""))
    except InputError as e:
        errors["address"] = e.message(_)
    new_token = request.form.get("token", "")
    if new_token.strip():  # empty: keep the stored token
        try:
            changes["token"] = fleet_edit.token(new_token)
        except InputError as e:
            errors["token"] = e.message(_)
    if errors:
        address, port = fleet_edit.split_url(row.url)
        return render_template("collect/fleet_kiosk.html", row=row, address=address, port=port,
                               token_mask=mask_token(row.token), errors=errors, tab="fleet",
                               counter=counter_for_kiosk(row.id)), 400
    with write_transaction():
        FleetKiosk.update(changes).where(FleetKiosk.id == fleet_id).execute()
        detail = {k: v for k, v in changes.items() if k != "token"}
        detail["token_changed"] = "token" in changes and changes["token"] != row.token  # never the token
        audit_here("kiosk.edit", fleet_id, detail)
    flash(_("Đã lưu ki-ốt '%(id)s'.", id=fleet_id))
    return redirect(url_for("fleet.edit", fleet_id=fleet_id))


@bp.post("/<fleet_id>/retire")
@role_required("admin")
def retire(fleet_id: str):
    with write_transaction():
        row = _row(fleet_id)
        if not row.retired:
            FleetKiosk.update(retired=True, retired_at=utcnow()).where(FleetKiosk.id == fleet_id).execute()
            audit_here("kiosk.retire", fleet_id, {"url": row.url})
    flash(_("Ki-ốt '%(id)s' đã ngừng dùng: không lấy dữ liệu nữa, các phiếu đã nhận vẫn giữ.", id=fleet_id))
    return redirect(url_for("fleet.index"))
