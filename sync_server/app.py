"""The staff web app: `create_app()` builds it; `hailong-server serve` runs it on waitress.

Never starts the pull loop: importing or testing the app must not reach out to kiosks
(engineering notes §7). Session cookies are not `Secure`, because the office LAN is plain HTTP.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

from sync_server import config as server_config
from sync_server import web
from sync_server.accounts.admin_views import bp as admin_bp
from sync_server.accounts.login_views import bp as auth_bp
from sync_server.collect.fleet_views import bp as fleet_bp
from sync_server.collect.minutes_views import bp as minutes_bp
from sync_server.collect.views import bp as monitor_bp
from sync_server.config import ServerConfig
from sync_server.db import init_db
from sync_server.qr.contact_views import bp as qr_contacts_bp
from sync_server.qr.staff_views import bp as qr_staff_bp
from sync_server.qr.views import bp as qr_bp
from sync_server.reports.board_views import bp as board_bp
from sync_server.reports.dossier_views import bp as dossiers_bp
from sync_server.reports.overdue_views import bp as overdue_bp
from sync_server.reports.service_views import bp as service_bp
from sync_server.reports.survey_views import bp as survey_bp
from sync_server.reports.views import bp as reports_bp
from sync_server.roster.import_views import bp as import_bp
from sync_server.roster.points_views import bp as points_bp
from sync_server.roster.questionnaire_views import bp as questionnaire_bp
from sync_server.roster.views import bp as roster_bp
from sync_server.upstream.province_views import bp as province_bp
from sync_server.upstream.views import bp as upstream_bp
from sync_server.web.dashboard_views import bp as staff_bp

SESSION_HOURS = 8

# Every page, grouped by the package whose job it is (docs/architecture.md).
BLUEPRINTS = (auth_bp, admin_bp,  # accounts
              monitor_bp, minutes_bp, fleet_bp,  # collect
              roster_bp, questionnaire_bp, import_bp, points_bp,  # roster
              staff_bp, reports_bp, survey_bp, service_bp, board_bp, overdue_bp, dossiers_bp,  # reports
              qr_bp, qr_staff_bp, qr_contacts_bp,  # qr
              upstream_bp, province_bp)  # upstream: the hub's API for commune servers, its communes' page


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

    web.init_app(app, config)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    return app
