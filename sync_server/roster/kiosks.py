"""The kiosks to pull: server.toml's [[kiosks]] and those added from the web (FleetKiosk), minus
the retired ones. A kiosk id in server.toml wins over a web entry of the same id (the web page
refuses to add one). It is part of the roster (what the office has: counters name these kiosks);
the puller reads it to know whom to pull. No Flask here: the pull loop and `pull --once` call
this too."""

from __future__ import annotations

from sync_server.config import KioskEntry, ServerConfig
from sync_server.db import connection
from sync_server.db.models import FleetKiosk


def web_entries(config: ServerConfig) -> list[KioskEntry]:
    configured = {k.id for k in config.kiosks}
    rows = FleetKiosk.select().where(~FleetKiosk.retired).order_by(FleetKiosk.created_at, FleetKiosk.id)
    return [KioskEntry(id=r.id, url=r.url, token=r.token) for r in rows if r.id not in configured]


def active_entries(config: ServerConfig) -> list[KioskEntry]:
    """Every kiosk to pull now, config ones first (needs a database connection)."""
    return list(config.kiosks) + web_entries(config)


def current(config: ServerConfig) -> list[KioskEntry]:
    """`active_entries` on this thread's own connection (the pull loop's thread)."""
    with connection():
        return active_entries(config)


def active_ids(config: ServerConfig) -> list[str]:
    return [k.id for k in active_entries(config)]


def mask_token(token: str) -> str:
    """What a page may show of a token: its length and last four characters."""
    return "•" * 8 + token[-4:] if len(token) >= 12 else "•" * 8


__all__ = ["active_entries", "active_ids", "current", "mask_token", "web_entries"]
