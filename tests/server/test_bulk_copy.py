"""The bulk paths of sync_server.db (COPY on PostgreSQL, executemany on SQLite) store every value
exactly as given: backslashes, tabs, newlines and carriage returns inside a JSON body, non-ASCII
text, NULL, booleans, dates and times (the rollups' upserts: tests/server/test_hub_rollups.py)."""

from __future__ import annotations

from datetime import datetime

from sync_server.db import bulk_insert, write_transaction
from sync_server.db.models import Conflict

BODIES = ['{"a":"back\\\\slash \\\\N \\\\t"}', "tab\there\nnew line\r\nCR", "Nguyễn Thị Lan — ✓", "\\N", ""]


def test_bulk_insert_keeps_every_value_as_given(make_config):
    make_config()
    when = datetime(2026, 3, 4, 5, 6, 7, 890000)
    rows = [("quay-1", "s-1", i, f"u-{i}", "h" * 64, body, None if i % 2 else i, when)
            for i, body in enumerate(BODIES)]
    with write_transaction():
        bulk_insert(Conflict, ("kiosk_id", "store_id", "seq", "uuid", "hash", "body", "existing_id",
                               "received_at"), rows)
    got = [(c.seq, c.body, c.existing_id, c.received_at) for c in Conflict.select().order_by(Conflict.seq)]
    assert got == [(i, body, None if i % 2 else i, when) for i, body in enumerate(BODIES)]

