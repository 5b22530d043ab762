"""The staff web app: `create_app()` builds it; `hailong-server serve` runs it on waitress.

Never starts the pull loop: importing or testing the app must not reach out to kiosks
(engineering notes §7). Session cookies are not `Secure`, because the office LAN is plain HTTP.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, abort, g, render_template, request, session
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from sync_server import config as server_config
from sync_server import i18n
from sync_server.collect import messages as pull_messages
from sync_server.config import ServerConfig
from sync_server.db import database, init_db
from sync_server.extensions import babel, csrf, pull_domain

SESSION_HOURS = 8


def load_secret_key(data_dir: Path) -> str:
    """The session key, made once and kept (mode 0600): a new key at every start would log
    everyone out and void every open form."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
        raise RuntimeError(f"{path}: too short to be a secret key; delete it to make a new one") from None
    key = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key


def _pct(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",") + " %"


def _size(n: int | None) -> str:
    if n is None:
        return "—"
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}".replace(".", ",")
        n /= 1024
    return ""


def _seconds(value: float | None) -> str:
    """A clock skew such as "+6 phút 5 giây" / "−3 ngày"; "—" when unknown."""
    if value is None:
        return "—"
    sign = "+" if value >= 0 else "−"
    s = abs(round(value))
    if s < 120:
        return f"{sign}{s} s"
    if s < 7200:
        return f"{sign}{s // 60} min"
    if s < 172800:
        return f"{sign}{s // 3600} h"
    return f"{sign}{s // 86400} d"


NUL = "\x00"


def _field_with_nul(items: Iterable[tuple[str, Any]]) -> str | None:
    """The name of the first field whose name or text value holds a NUL character."""
    for name, value in items:
        if NUL in name or (isinstance(value, str) and NUL in value):
            return name
    return None


def _json_nul(value: Any, name: str = "JSON") -> str | None:
    """The key under which a JSON body holds a NUL character (in a key or a string), or None."""
    if isinstance(value, str):
        return name if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = name if NUL in key else _json_nul(item, key)
            if found is not None:
                return found
    if isinstance(value, list):
        for item in value:
            found = _json_nul(item, name)
            if found is not None:
                return found
    return None


def refuse_nul() -> None:
    """PostgreSQL cannot hold a NUL character in text (psycopg2 refuses the query), and no honest
    form or link carries one: refuse it at the edge, as an unknown page (404) when it is in the
    path, as a bad field (400) in the query, the form or a JSON body — before any view reads it."""
    if NUL in request.path:
        abort(404)
    name = _field_with_nul(request.args.items(multi=True))
    within_limit = (request.content_length or 0) <= (request.max_content_length or float("inf"))
    if name is None and within_limit and request.method not in ("GET", "HEAD", "OPTIONS"):
        if request.is_json:
            name = _json_nul(request.get_json(silent=True))
        else:
            name = (_field_with_nul(request.form.items(multi=True))
                    or _field_with_nul((k, f.filename or "") for k, f in request.files.items(multi=True)))
    if name is not None:
        abort(400, description=_("Dữ liệu gửi lên có ký tự không hợp lệ (ký tự NUL) ở ô “%(name)s”.",
                                 name=name.replace(NUL, "␀")[:64]))


def create_app(config_or_path: ServerConfig | str | Path | None = None,
               test_config: dict[str, Any] | None = None) -> Flask:
    if isinstance(config_or_path, ServerConfig):
        config = config_or_path
    else:
        config = server_config.load(config_or_path or server_config.DEFAULT_PATH)
    init_db(config)

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=load_secret_key(config.data_dir),
        SESSION_COOKIE_NAME="hailong_session",
        SESSION_COOKIE_SECURE=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        # A token lives as long as the session: a login page left open for an hour still works.
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=1024 * 1024,
    )
    if test_config:
        app.config.update(test_config)
    app.extensions["hailong"] = config

    @app.before_request
    def _upload_limit() -> None:
        # Before CSRFProtect reads the form: a view marked `upload_limit` (a photo upload) may
        # take more than the 1 MB every other form is held to.
        limit = getattr(app.view_functions.get(request.endpoint or ""), "upload_limit", None)
        if limit:
            request.max_content_length = limit

    @app.before_request
    def _language() -> None:
        chosen = request.args.get("lang")
        if chosen in i18n.LANGS:
            session["lang"] = chosen
        g.lang = session.get("lang", i18n.DEFAULT)

    babel.init_app(app, default_locale=i18n.DEFAULT, locale_selector=lambda: g.get("lang", i18n.DEFAULT),
                   default_translation_directories=str(i18n.TRANSLATIONS))

    @app.before_request
    def _no_nul() -> None:
        # Before CSRF and before any view: the refusal is the same on every page and database.
        refuse_nul()

    csrf.init_app(app)

    @app.before_request
    def _connect() -> None:
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        if not database.is_closed():
            database.close()

    @app.errorhandler(CSRFError)
    def _csrf_error(e: CSRFError):
        return render_template(
            "error.html", title=_("Biểu mẫu đã hết hạn"),
            message=_("Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại."),
            detail=e.description), 400

    @app.errorhandler(400)
    def _bad_request(e):
        # The pages say what was wrong (abort(400, description=…)): never a traceback.
        return render_template("error.html", title=_("Yêu cầu không hợp lệ"),
                               message=getattr(e, "description", "") or _("Yêu cầu không hợp lệ.")), 400

    @app.errorhandler(413)
    def _too_large(_e):
        if request.blueprint == "qr":  # a citizen's phone: no "file" was sent
            return render_template("error.html", title=_("Yêu cầu không hợp lệ"),
                                   message=_("Dữ liệu gửi lên quá lớn.")), 413
        return render_template("error.html", title=_("Tệp quá lớn"),
                               message=_("Tệp gửi lên lớn quá giới hạn của trang này.")), 413

    @app.errorhandler(403)
    def _forbidden(_e):
        return render_template("error.html", title=_("Không có quyền"),
                               message=_("Tài khoản của bạn không có quyền xem hoặc làm việc này.")), 403

    @app.errorhandler(404)
    def _not_found(_e):
        return render_template("error.html", title=_("Không tìm thấy trang"),
                               message=_("Không tìm thấy trang này.")), 404

    tz = config.tz

    @app.template_filter("pct")
    def pct_filter(value: float | None) -> str:
        return _pct(value)

    @app.template_filter("localtime")
    def localtime_filter(value: datetime | None, seconds: bool = False) -> str:
        if value is None:
            return _("chưa có")
        fmt = "%H:%M:%S %d/%m/%Y" if seconds else "%H:%M %d/%m/%Y"
        return value.replace(tzinfo=UTC).astimezone(tz).strftime(fmt)

    @app.template_filter("say")
    def say_filter(message: Any) -> str:
        """A message made without a request (a msgid with its values, e.g. health.LiveAlert), in
        the page's language; escaped like any value."""
        return message.render(_)

    @app.template_filter("tr")
    def tr_filter(value: str | None) -> str:
        """A message chosen at run time (a status, a label from a table marked with N_), in the
        page's language; the result is escaped like any value (never `_(value)`: Jinja's gettext
        would mark it safe)."""
        return _(value) if value else (value or "")

    app.add_template_filter(_size, "size")
    app.add_template_filter(_seconds, "seconds")

    @app.template_filter("pullmsg")
    def pullmsg_filter(value: str | None) -> str:
        """A pull's stored messages in the page's language (the `pull` catalogue)."""
        return pull_messages.render(value, pull_domain.gettext)

    @app.template_filter("vndate")
    def vndate_filter(value) -> str:
        return value.strftime("%d/%m/%Y")

    @app.context_processor
    def _globals() -> dict[str, Any]:
        from sync_server.roster.build import unit_name

        return {"unit_name": unit_name(config), "current_user": g.get("user"),
                "lang": g.get("lang", i18n.DEFAULT)}

    from sync_server.accounts.auth import bp as auth_bp
    from sync_server.accounts.views import bp as admin_bp
    from sync_server.collect.fleet_views import bp as fleet_bp
    from sync_server.collect.views import bp as monitor_bp
    from sync_server.qr.staff_views import bp as qr_staff_bp
    from sync_server.qr.views import bp as qr_bp
    from sync_server.reports.board import bp as board_bp
    from sync_server.reports.dashboard import bp as staff_bp
    from sync_server.reports.service_views import bp as service_bp
    from sync_server.reports.survey_views import bp as survey_bp
    from sync_server.reports.views import bp as reports_bp
    from sync_server.roster.import_views import bp as import_bp
    from sync_server.roster.questionnaire_views import bp as questionnaire_bp
    from sync_server.roster.views import bp as roster_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(monitor_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(roster_bp)
    app.register_blueprint(questionnaire_bp)
    app.register_blueprint(import_bp)
    app.register_blueprint(fleet_bp)
    app.register_blueprint(service_bp)
    app.register_blueprint(survey_bp)
    app.register_blueprint(board_bp)
    app.register_blueprint(qr_bp)
    app.register_blueprint(qr_staff_bp)
    return app
