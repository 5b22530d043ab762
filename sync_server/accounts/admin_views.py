"""Admin pages: office accounts (create, role, password, switch off) and, for staff, the audit
log. Every change is written to the audit log in the same transaction as the change."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.security import generate_password_hash

from sync_server.accounts import audit
from sync_server.accounts.access import audit_here, role_required, session_mark
from sync_server.db import write_transaction
from sync_server.db.models import User
from sync_server.extensions import get_config
from sync_server.i18n import N_

bp = Blueprint("admin", __name__, url_prefix="/admin")

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")  # as `hailong-server create-admin`
MIN_PASSWORD = 10
PAGE = 100
ROLE_NAMES = {"admin": N_("Quản trị"), "staff": N_("Cán bộ phụ trách"), "viewer": N_("Chỉ xem")}


def _back(message: str, category: str = "ok"):
    flash(message, category)
    return redirect(url_for("admin.users"))


def _other_active_admins(user: User) -> int:
    return User.select().where((User.role == "admin") & User.active & (User.id != user.id)).count()


def _user(user_id: int) -> User:
    user = User.get_or_none(User.id == user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/users")
@role_required("admin")
def users():
    return render_template("accounts/users.html", users=User.select().order_by(User.username),
                           roles=User.ROLES, role_names=ROLE_NAMES, min_password=MIN_PASSWORD)


@bp.post("/users")
@role_required("admin")
def create_user():
    username = request.form.get("username", "").strip()
    role = request.form.get("role", "")
    password = request.form.get("password", "")
    if not USERNAME.match(username):
        return _back(_("Tên đăng nhập chỉ gồm chữ không dấu, số, '.', '_', '-', '@' (tối đa 64)."), "error")
    if role not in User.ROLES:
        return _back(_("Vai trò không hợp lệ."), "error")
    if len(password) < MIN_PASSWORD:
        return _back(_("Mật khẩu phải có ít nhất %(n)s ký tự.", n=MIN_PASSWORD), "error")
    with write_transaction():
        if User.select().where(User.username == username).exists():
            return _back(_("Tên đăng nhập '%(name)s' đã có.", name=username), "error")
        User.create(username=username, password_hash=generate_password_hash(password), role=role)
        audit_here("user.create", username, {"role": role})
    return _back(_("Đã tạo tài khoản '%(name)s'.", name=username))


@bp.post("/users/<int:user_id>/role")
@role_required("admin")
def set_role(user_id: int):
    role = request.form.get("role", "")
    if role not in User.ROLES:
        return _back(_("Vai trò không hợp lệ."), "error")
    with write_transaction():
        user = _user(user_id)
        if user.role == "admin" and role != "admin" and not _other_active_admins(user):
            return _back(_("Phải còn ít nhất một quản trị đang hoạt động."), "error")
        if role != user.role:
            User.update(role=role).where(User.id == user.id).execute()
            audit_here("user.role", user.username, {"from": user.role, "to": role})
    return _back(_("Đã đổi vai trò của '%(name)s'.", name=user.username))


@bp.post("/users/<int:user_id>/password")
@role_required("admin")
def set_password(user_id: int):
    password = request.form.get("password", "")
    if len(password) < MIN_PASSWORD:
        return _back(_("Mật khẩu phải có ít nhất %(n)s ký tự.", n=MIN_PASSWORD), "error")
    with write_transaction():
        user = _user(user_id)
        hashed = generate_password_hash(password)
        User.update(password_hash=hashed).where(User.id == user.id).execute()
        audit_here("user.password", user.username)  # never the password itself
    if user.id == g.user.id:  # other sessions of this account end; this one goes on
        session["mark"] = session_mark(User.get_by_id(user.id))
    return _back(_("Đã đặt lại mật khẩu cho '%(name)s'.", name=user.username))


@bp.post("/users/<int:user_id>/active")
@role_required("admin")
def set_active(user_id: int):
    active = request.form.get("active") == "1"
    with write_transaction():
        user = _user(user_id)
        if not active and user.role == "admin" and not _other_active_admins(user):
            return _back(_("Phải còn ít nhất một quản trị đang hoạt động."), "error")
        if active != user.active:
            User.update(active=active).where(User.id == user.id).execute()
            audit_here("user.activate" if active else "user.deactivate", user.username)
    return _back(_("Đã cập nhật tài khoản '%(name)s'.", name=user.username))


def _audit_filter() -> tuple[audit.Filter, dict[str, str]]:
    """The filter the form asks for, and an error per field that a person can correct."""
    args, errors = request.args, {}
    f = audit.Filter(actor=args.get("who", "").strip()[:64], action=args.get("action", "").strip()[:32])
    if f.action and f.action not in audit.ACTIONS:
        errors["action"] = _("Không có việc này trong nhật ký.")
        f.action = ""
    for name in ("start", "end"):
        raw = args.get(name, "").strip()[:16]
        if raw:
            try:
                setattr(f, name, date.fromisoformat(raw))
            except ValueError:
                errors[name] = _("Ngày không hợp lệ: hãy chọn một ngày (năm-tháng-ngày).")
    if f.start and f.end and f.end < f.start:
        errors["end"] = _("“Đến ngày” đứng trước “Từ ngày”.")
    return f, errors


@bp.get("/audit")
@role_required("staff")
def audit_log():
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    f, errors = _audit_filter()
    rows = [] if errors else list(audit.select(f, get_config().tz).offset((page - 1) * PAGE).limit(PAGE + 1))
    kept = {k: v for k, v in request.args.items() if k in ("who", "action", "start", "end") and v}
    actions = sorted(audit.ACTIONS, key=lambda a: audit.describe_action(a, _))
    return render_template("accounts/audit.html", rows=rows[:PAGE], page=page, more=len(rows) > PAGE,
                           kept=kept, errors=errors, actors=audit.actors(), actions=actions,
                           role_names=ROLE_NAMES,
                           audit_action=lambda action: audit.describe_action(action, _),
                           audit_actor=lambda actor: audit.describe_actor(actor, _),
                           audit_detail=lambda detail: audit.describe_detail(detail, _))
