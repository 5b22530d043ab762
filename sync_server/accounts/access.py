"""Who is logged in and what they may do: the user of the request, the role decorators every
page uses, and the audit of a change made on a page. No default passwords: the first admin
comes only from `hailong-server create-admin`. No routes here (accounts.login_views).

Roles: admin > staff > viewer (`User.may`). Every page needs at least `viewer`; a view declares
more with `@role_required("staff")` or `("admin")`. Not logged in: redirect to the login page;
logged in without the role: 403."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from flask import abort, current_app, g, redirect, request, session, url_for
from werkzeug.security import generate_password_hash

from sync_server.accounts import audit
from sync_server.accounts.ratelimit import FailureLimiter
from sync_server.db.models import User

MAX_FAILURES, WINDOW_S = 5, 300
# Checked when the username does not exist, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")


def _limiter() -> FailureLimiter:
    return current_app.extensions.setdefault(
        "hailong.login_limiter", FailureLimiter(MAX_FAILURES, WINDOW_S))


def session_mark(user: User) -> str:
    """Ties the session to the password: changing it logs out every other session."""
    return user.password_hash[-16:]


def load_user() -> None:
    g.user = None
    uid = session.get("uid")
    if uid is None:
        return
    user = User.get_or_none(User.id == uid)
    if (user is None or not user.active
            or not hmac.compare_digest(session.get("mark", ""), session_mark(user))):
        session.clear()
        return
    g.user = user


def role_required(role: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    assert role in User.ROLES, role

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = g.get("user")
            if user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if not user.may(role):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_role = role  # type: ignore[attr-defined]  # read by the URL-map tests
        return wrapped

    return decorate


login_required = role_required("viewer")


def audit_here(action: str, target: str = "", detail: dict[str, Any] | None = None) -> None:
    """Record a change made by the logged-in user of this request."""
    user = g.get("user")
    audit.record(user.username if user else "?", action, target, detail,
                 role=user.role if user else None, ip=request.remote_addr)


def safe_next(target: str | None) -> str:
    """Only a path on this server: never an absolute URL, `//host` or a backslash trick."""
    default = url_for("staff.dashboard")
    if not target:
        return default
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(c) < 32 for c in target)):
        return default
    return target
