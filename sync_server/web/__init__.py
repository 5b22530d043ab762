"""What every page shares: the request hooks, the error pages, the template filters, the context
every template gets, the redirects from URLs that moved (`init_app(app, config)` wires them; called
by create_app), and the one page that joins every package: the overview at `/`
(dashboard_views: kiosk health, today's figures, alerts). The web sits above the packages by job,
so it may read them all; none of them reads it."""

from __future__ import annotations

from typing import Any

from flask import Flask, g

from sync_server import i18n
from sync_server.config import ServerConfig
from sync_server.web import errors, filters, hooks, redirects


def init_app(app: Flask, config: ServerConfig) -> None:
    hooks.init_app(app)
    errors.init_app(app)
    filters.init_app(app, config.tz)
    redirects.init_app(app)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        from sync_server.roster.unit import current

        unit = current(config)
        g.unit_info = unit  # the QR page's privacy notice names it too: one read of the row a page
        return {"unit_name": unit.name, "unit_info": unit, "current_user": g.get("user"),
                "lang": g.get("lang", i18n.DEFAULT),
                "is_hub": bool(config.downstream)}  # a province hub: the communes' page in the menu
