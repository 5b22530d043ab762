"""The Flask extensions the app and its blueprints share, and the app's config: made here, not
in app.py, so that a blueprint never imports the module that imports it (flaskr's rule)."""

from __future__ import annotations

from flask import current_app
from flask_babel import Babel, Domain, get_locale
from flask_wtf.csrf import CSRFProtect

from sync_server.config import ServerConfig
from sync_server.i18n import DEFAULT, TRANSLATIONS

csrf = CSRFProtect()
babel = Babel()
# What pulls say is written in English (the journal's language) and rendered from this domain.
pull_domain = Domain(translation_directories=str(TRANSLATIONS), domain="pull")


def get_config() -> ServerConfig:
    """The ServerConfig of the running app (create_app keeps it in app.extensions)."""
    return current_app.extensions["hailong"]


def reader_locale() -> str:
    """The language the page is written in ("vi", "en"): its numbers follow it (i18n.number)."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT
