"""Sealed responses stored on the server as one pull would store them (a test's data)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from kiosk.shared.protocol import GENESIS_HASH
from sync_server.collect import ingest
from sync_server.db import write_transaction
from sync_server.db.models import Epoch, utcnow


def store_chain(chain: list[dict[str, Any]], tz: ZoneInfo) -> None:
    """Store a whole chain (seq 1…n of one kiosk store) in one page, rollups included."""
    kiosk_id, store_id = chain[0]["kiosk_id"], chain[0]["store_id"]
    with write_transaction():
        epoch = Epoch.create(kiosk_id=kiosk_id, store_id=store_id)
    ingest.store_page(epoch.id, kiosk_id, chain, (0, GENESIS_HASH), (len(chain), chain[-1]["hash"]), tz=tz,
                      now=utcnow(), roster=ingest.Roster.load())


def staff_client(cfg):
    """A test client of the app on `cfg`, logged in as a new staff user."""
    from sync_server.app import create_app
    from tests.server.web import add_user, login

    client = create_app(cfg).test_client()
    add_user("staff", "staff")
    login(client, "staff")
    return client
