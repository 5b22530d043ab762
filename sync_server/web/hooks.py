"""The request hooks, in the order they must run: the upload limit and the language before
CSRFProtect reads the form, the NUL refusal before any view, then the database connection."""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, session
from flask.sessions import SecureCookieSessionInterface

from sync_server import i18n
from sync_server.db import database, is_sqlite
from sync_server.extensions import babel, csrf
from sync_server.web.nul import refuse_nul


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed session cookie, with its serializer made once per set of keys instead of
    on every request (making it serializes a test value and derives nothing: a twentieth of a QR
    submit's CPU, issue 16). The serializer keeps no state between calls; the keys, salt and
    signature are Flask's own."""

    _held: tuple[Any, Any] = (None, None)

    def get_signing_serializer(self, app: Flask) -> Any:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        held = self._held
        if held[0] != keys:
            held = self._held = (keys, super().get_signing_serializer(app))
        return held[1]


def init_app(app: Flask) -> None:
    app.session_interface = SessionCookies()

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
        # The hub's machine API checks its own JSON (collect.checks refuses a NUL in a response,
        # naming store and seq), and would otherwise parse a 32 MB batch twice.
        refuse_nul(json_body=request.blueprint != "upstream")

    csrf.init_app(app)

    @app.before_request
    def _connect() -> None:
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        # SQLite: the thread keeps its connection for its next request (waitress's threads are a
        # fixed pool). Closing the last connection to a WAL database checkpoints it and deletes
        # the WAL, and the next commit makes and syncs a new one: ~20 ms a request
        # (bench/qr_load.py). PostgreSQL: closed, so a connection the server dropped is not reused.
        if not database.is_closed() and not is_sqlite():
            database.close()
