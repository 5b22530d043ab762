"""Import pages (admin): upload a CSV/XLSX of procedures or officers → preview with every row
checked → confirm. The upload waits under <data_dir>/imports between the two steps; confirming
checks it again and writes all rows in one transaction, or none."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from sync_server.accounts.access import role_required
from sync_server.db import write_transaction
from sync_server.db.models import Field
from sync_server.exc import InputError
from sync_server.extensions import get_config
from sync_server.roster import importer as roster_import
from sync_server.roster.changes import changed

bp = Blueprint("imports", __name__, url_prefix="/roster/import")
KIND_NAMES = {"procedures": "Thủ tục", "officers": "Cán bộ"}
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
KEEP_S = 24 * 3600  # an upload never confirmed is removed after a day


def _folder() -> Path:
    folder = get_config().data_dir / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _path(token: str, kind: str) -> Path:
    if not _TOKEN.match(token) or kind not in roster_import.KINDS:
        abort(400, description=_("Yêu cầu không hợp lệ."))
    return _folder() / f"{token}-{kind}.upload"


def _sweep(folder: Path) -> None:
    now = time.time()
    for old in folder.glob("*.upload"):
        if now - old.stat().st_mtime > KEEP_S:
            old.unlink(missing_ok=True)


def _render(kind: str, plan: roster_import.Plan | None = None, token: str = "",
            errors: list[str] | None = None, status: int = 200):
    field_names = {f.code: f.name for f in Field.select()}
    return render_template("roster/import.html", kind=kind, kinds=KIND_NAMES, plan=plan, token=token,
                           errors=errors or [], field_names=field_names, tab="import"), status


@bp.get("")
@role_required("admin")
def form():
    return _render(request.args.get("kind", "procedures"))


@bp.post("")
@role_required("admin")
def preview():
    kind = request.form.get("kind", "")
    if kind not in roster_import.KINDS:
        abort(400, description=_("Loại danh sách không hợp lệ."))
    upload = request.files.get("file")
    data = upload.read(roster_import.MAX_BYTES + 1) if upload else b""
    if not data:
        return _render(kind, errors=[_("Chưa chọn tệp.")], status=400)
    try:
        plan = roster_import.plan(kind, roster_import.read_table(data))
    except InputError as e:
        return _render(kind, errors=[e.message(_)], status=400)
    if not plan.ok:
        return _render(kind, plan, errors=[e.message(_) for e in plan.errors], status=400)
    folder = _folder()
    _sweep(folder)
    token = secrets.token_hex(16)
    _path(token, kind).write_bytes(data)
    return _render(kind, plan, token)


@bp.post("/confirm")
@role_required("admin")
def confirm():
    kind, token = request.form.get("kind", ""), request.form.get("token", "")
    path = _path(token, kind)
    if not path.exists():
        flash(_("Tệp đã tải lên không còn: vui lòng tải lên lại."), "error")
        return redirect(url_for("imports.form", kind=kind))
    data = path.read_bytes()
    try:
        with write_transaction():
            # Checked again: the roster may have changed since the preview.
            plan = roster_import.plan(kind, roster_import.read_table(data))
            if plan.errors:
                raise InputError("Tệp không còn hợp lệ: %(problem)s", {"problem": plan.errors[0]})
            counts = roster_import.apply(plan)
            version = changed(f"import.{kind}", f"{len(plan.rows)} rows",
                              {**counts, "sha256": hashlib.sha256(data).hexdigest()})
    except InputError as e:
        flash(e.message(_), "error")
        return redirect(url_for("imports.form", kind=kind))
    path.unlink(missing_ok=True)
    flash(_("Đã nhập %(new)s dòng mới, cập nhật %(updated)s dòng. Phiên bản danh mục gửi ki-ốt: %(v)s.",
            new=counts["new"], updated=counts["updated"], v=version))
    return redirect(url_for("roster.procedures" if kind == "procedures" else "roster.officers"))
