"""The login and logout pages (no login needed to see them); every other page loads its user
through accounts.access.load_user, run before each request."""

from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from sync_server.accounts import audit
from sync_server.accounts.access import _DUMMY_HASH, _limiter, load_user, safe_next, session_mark
from sync_server.db import write_transaction
from sync_server.db.models import User, utcnow

bp = Blueprint("auth", __name__)
bp.before_app_request(load_user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = request.values.get("next", "")
    no_users = not User.select().exists()
    if request.method == "GET":
        if g.user is not None:
            return redirect(safe_next(next_url))
        return render_template("accounts/login.html", next=next_url, no_users=no_users)

    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    key = (request.remote_addr or "?", username.lower())
    wait = _limiter().retry_after(key)
    if wait > 0:
        minutes = max(1, round(wait / 60))
        return render_template(
            "accounts/login.html", next=next_url, username=username, no_users=no_users,
            error=_("Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau khoảng %(minutes)s phút.",
                    minutes=minutes)), 429
    user = User.get_or_none(User.username == username) if username else None
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if user is None or not ok or not user.active:  # a switched-off account reads as a wrong password
        _limiter().fail(key)
        return render_template("accounts/login.html", next=next_url, username=username, no_users=no_users,
                               error=_("Tên đăng nhập hoặc mật khẩu không đúng.")), 401
    _limiter().reset(key)
    session.clear()  # a fresh session: nothing from before the login carries over
    session.permanent = True
    session["uid"] = user.id
    session["mark"] = session_mark(user)
    with write_transaction():
        User.update(last_login=utcnow()).where(User.id == user.id).execute()
        audit.record(user.username, "login", user.username, role=user.role, ip=request.remote_addr)
    return redirect(safe_next(next_url))


@bp.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth.login"))

