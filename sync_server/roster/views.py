"""Roster pages: unit, fields (lĩnh vực), procedures, officers (with photo), counters. Everyone
logged in reads them; admins change them. Every change is audited and bumps the roster version
(`roster.touch`) in the same transaction, so the kiosks get it at their next pull."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WsgiResponse

from sync_server.accounts.access import login_required, role_required
from sync_server.db import write_transaction
from sync_server.db.models import Counter, Field, Officer, Procedure, utcnow
from sync_server.exc import InputError
from sync_server.extensions import get_config
from sync_server.roster import edit as roster_edit
from sync_server.roster import photos, points
from sync_server.roster import unit as roster_unit
from sync_server.roster.build import current_version
from sync_server.roster.changes import changed
from sync_server.roster.counters import officer_codes
from sync_server.roster.kiosks import active_ids

bp = Blueprint("roster", __name__, url_prefix="/roster")


def _saved(endpoint: str, version: int, **args: Any):
    flash(_("Đã lưu. Phiên bản danh mục gửi ki-ốt: %(v)s.", v=version))
    return redirect(url_for(endpoint, **args))


TYPED_CHARS = 300  # per value kept for the form shown again (the session is a cookie)


def _failed(endpoint: str, e: InputError, **args: Any):
    """Say what is wrong and show the form again with what was typed (kept for one page view)."""
    flash(e.message(_), "error")
    typed: dict[str, Any] = {"_form": request.endpoint}
    for key, value in _form().items():
        typed[key[:32]] = [v[:64] for v in value][:50] if isinstance(value, list) else value[:TYPED_CHARS]
    session["typed"] = typed
    return redirect(url_for(endpoint, **args))


def _typed() -> dict[str, Any]:
    """What a failed form had typed in, once: the page's forms are filled with it."""
    return session.pop("typed", None) or {}


def _form() -> dict[str, Any]:
    data: dict[str, Any] = {k: v for k, v in request.form.items() if k != "csrf_token"}
    for many in ("fields", "officers"):
        if many in request.form:
            data[many] = request.form.getlist(many)
    return data


# --- unit, fields, counters ---------------------------------------------------------------------

@bp.get("")
@login_required
def overview():
    unit = roster_unit.current(get_config())
    counters = list(Counter.select().order_by(Counter.sort, Counter.code))
    editing = next((c for c in counters if c.code == request.args.get("counter")), None)
    return render_template(
        "roster/roster.html", unit=unit, kinds=roster_unit.KINDS,
        fields=Field.select().order_by(Field.sort, Field.code), counters=counters,
        counter_officers={c.code: officer_codes(c.officers) for c in counters}, editing=editing,
        officers=list(Officer.select().order_by(Officer.sort, Officer.code)),
        points=points.names() if points.several() else None,
        kiosk_ids=active_ids(get_config()), version=current_version(), tab="overview", typed=_typed())


@bp.post("/unit")
@role_required("admin")
def save_unit():
    try:
        values = roster_unit.values(_form())
    except InputError as e:
        return _failed("roster.overview", e)
    with write_transaction():
        roster_unit.save(values)
        version = changed("unit.save", values["name"], {k: v for k, v in values.items() if k != "name"})
    return _saved("roster.overview", version)


@bp.post("/fields")
@role_required("admin")
def save_field():
    try:
        values = roster_edit.field_values(_form())
    except InputError as e:
        return _failed("roster.overview", e)
    with write_transaction():
        new = roster_edit.upsert(Field, values)
        version = changed("field.create" if new else "field.update", values["code"], values)
    return _saved("roster.overview", version)


@bp.post("/fields/<field_code>/delete")
@role_required("admin")
def delete_field(field_code: str):
    with write_transaction():
        row = Field.get_or_none(Field.code == field_code)
        if row is None:
            abort(404)
        used = (Procedure.select().where(Procedure.field == field_code).count()
                + sum(field_code in officer_codes(o.fields) for o in Officer.select(Officer.fields)))
        if used:
            flash(_("Lĩnh vực '%(code)s' đang được %(n)s thủ tục/cán bộ dùng: chưa xóa được.",
                    code=field_code, n=used), "error")
            return redirect(url_for("roster.overview"))
        Field.delete().where(Field.code == field_code).execute()
        version = changed("field.delete", field_code, {"name": row.name})
    return _saved("roster.overview", version)


@bp.post("/counters")
@role_required("admin")
def save_counter():
    try:
        values = roster_edit.counter_values(_form())
    except InputError as e:
        return _failed("roster.overview", e)
    with write_transaction():
        if roster_edit.counter_kiosk_taken(values["kiosk_id"], values["code"]):
            flash(_("Ki-ốt '%(kiosk)s' đã đặt ở quầy khác.", kiosk=values["kiosk_id"]), "error")
            return redirect(url_for("roster.overview"))
        new = roster_edit.upsert(Counter, values)
        version = changed("counter.create" if new else "counter.update", values["code"],
                          {**values, "officers": json.loads(values["officers"])})
    return _saved("roster.overview", version)


@bp.post("/counters/<counter_code>/delete")
@role_required("admin")
def delete_counter(counter_code: str):
    with write_transaction():
        row = Counter.get_or_none(Counter.code == counter_code)
        if row is None:
            abort(404)
        Counter.delete().where(Counter.code == counter_code).execute()
        version = changed("counter.delete", counter_code, {"name": row.name, "kiosk_id": row.kiosk_id})
    return _saved("roster.overview", version)


# --- procedures ---------------------------------------------------------------------------------

@bp.get("/procedures")
@login_required
def procedures():
    fields = list(Field.select().order_by(Field.sort, Field.code))
    return render_template("roster/procedures.html",
                           fields=fields, field_names={f.code: f.name for f in fields},
                           procedures=Procedure.select().order_by(Procedure.sort, Procedure.code),
                           version=current_version(), tab="procedures", typed=_typed())


@bp.post("/procedures")
@role_required("admin")
def save_procedure():
    data = _form()
    data.setdefault("active", "0")  # an unticked checkbox sends nothing
    try:
        values = roster_edit.procedure_values(data)
    except InputError as e:
        return _failed("roster.procedures", e)
    with write_transaction():
        new = roster_edit.upsert(Procedure, values)
        version = changed("procedure.create" if new else "procedure.update", values["code"], values)
    return _saved("roster.procedures", version)


# --- officers -----------------------------------------------------------------------------------

@bp.get("/officers")
@login_required
def officers():
    fields = list(Field.select().order_by(Field.sort, Field.code))
    rows = list(Officer.select().order_by(Officer.sort, Officer.code))
    return render_template("roster/officers.html", officers=rows, fields=fields,
                           field_names={f.code: f.name for f in fields},
                           officer_fields={o.code: officer_codes(o.fields) for o in rows},
                           version=current_version(), tab="officers", typed=_typed())


@bp.get("/officers/<officer_code>")
@login_required
def officer(officer_code: str):
    row = Officer.get_or_none(Officer.code == officer_code)
    if row is None:
        abort(404)
    return render_template("roster/officer.html",
                           o=row, fields=Field.select().order_by(Field.sort, Field.code),
                           chosen=officer_codes(row.fields), max_mb=photos.MAX_BYTES // (1024 * 1024),
                           tab="officers", typed=_typed())


@bp.post("/officers")
@role_required("admin")
def save_officer():
    data = _form()
    data.setdefault("active", "0")
    data.setdefault("fields", [])
    back = request.form.get("back") == "officer"
    try:
        values = roster_edit.officer_values(data)
    except InputError as e:
        if back and Officer.get_or_none(Officer.code == data.get("code")):
            return _failed("roster.officer", e, officer_code=data["code"])
        return _failed("roster.officers", e)
    with write_transaction():
        new = roster_edit.upsert(Officer, values)
        version = changed("officer.create" if new else "officer.update", values["code"],
                          {**values, "fields": json.loads(values["fields"])})
    if back:
        return _saved("roster.officer", version, officer_code=values["code"])
    return _saved("roster.officers", version)


def _photo_upload_limit(view):
    view.upload_limit = photos.MAX_BYTES + 64 * 1024  # read by app._upload_limit before the form
    return view


@bp.post("/officers/<officer_code>/photo")
@_photo_upload_limit
@role_required("admin")
def upload_photo(officer_code: str):
    row = Officer.get_or_none(Officer.code == officer_code)
    if row is None:
        abort(404)
    upload = request.files.get("photo")
    data = upload.read(photos.MAX_BYTES + 1) if upload else b""
    if not data:
        flash(_("Chưa chọn tệp ảnh."), "error")
        return redirect(url_for("roster.officer", officer_code=officer_code))
    try:
        jpeg = photos.reencode(data)
    except InputError as e:
        flash(e.message(_), "error")
        return redirect(url_for("roster.officer", officer_code=officer_code))
    config = get_config()
    name = photos.store(config.data_dir, officer_code, jpeg)
    with write_transaction():
        old = Officer.get_by_id(officer_code).photo_file
        Officer.update(photo_file=name, photo_sha256=photos.sha256(jpeg), photo_bytes=len(jpeg)).where(
            Officer.code == officer_code).execute()
        # A new photo of an officer whose photo is public reaches the kiosks (roster version).
        changed("officer.photo", officer_code, {"file": name, "bytes": len(jpeg)})
    if old and old != name:
        photos.remove(config.data_dir, old)
    flash(_("Đã lưu ảnh."))
    return redirect(url_for("roster.officer", officer_code=officer_code))


@bp.post("/officers/<officer_code>/photo-public")
@role_required("admin")
def photo_public(officer_code: str):
    """Allow or withdraw showing the officer's photo to the public (kiosk, QR page, posters):
    a photo is personal data (Law 91/2025), shown only once an admin has said so, and who said
    so and when is kept on the officer and in the audit log."""
    public = request.form.get("public") == "1"
    with write_transaction():
        row = Officer.get_or_none(Officer.code == officer_code)
        if row is None:
            abort(404)
        if public and not row.photo_file:
            flash(_("Chưa có ảnh để cho phép hiển thị."), "error")
            return redirect(url_for("roster.officer", officer_code=officer_code))
        if public and not row.photo_sha256:  # uploaded before migration 9: hash it now
            data = photos.read(get_config().data_dir, row.photo_file)
            if data is None:
                flash(_("Không đọc được tệp ảnh; xin tải ảnh lên lại."), "error")
                return redirect(url_for("roster.officer", officer_code=officer_code))
            Officer.update(photo_sha256=photos.sha256(data), photo_bytes=len(data)).where(
                Officer.code == officer_code).execute()
        Officer.update(photo_public=public, photo_public_by=g.user.username if public else None,
                       photo_public_at=utcnow() if public else None).where(
            Officer.code == officer_code).execute()
        version = changed("officer.photo_public" if public else "officer.photo_private", officer_code)
    return _saved("roster.officer", version, officer_code=officer_code)


@bp.get("/officers/<officer_code>/photo.jpg")
@login_required
def officer_photo_preview(officer_code: str) -> WsgiResponse:
    """Staff see the uploaded photo on the officer's page whether or not it is public."""
    row = Officer.get_or_none(Officer.code == officer_code)
    if row is None or not row.photo_file:
        abort(404)
    return _send_photo(row.photo_file, private=True)


def _send_photo(name: str, *, private: bool) -> WsgiResponse:
    response = send_from_directory(photos.photos_dir(get_config().data_dir), name,
                                   mimetype="image/jpeg", max_age=0 if private else 300)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response
