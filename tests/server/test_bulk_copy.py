"""The bulk paths of sync_server.db (COPY on PostgreSQL, executemany on SQLite) store every value
exactly as given: backslashes, tabs, newlines and carriage returns inside a JSON body, non-ASCII
text, NULL, booleans, dates and times — and an upsert adds to what is there."""

from __future__ import annotations

from datetime import date, datetime

from sync_server.db import bulk_insert, upsert_values, write_transaction
from sync_server.db.models import Conflict, RollupHour
from sync_server.reports.queries import as_date

BODIES = ['{"a":"back\\\\slash \\\\N \\\\t"}', "tab\there\nnew line\r\nCR", "Nguyễn Thị Lan — ✓", "\\N", ""]


def test_bulk_insert_and_upsert_keep_every_value_as_given(make_config):
    make_config()
    when = datetime(2026, 3, 4, 5, 6, 7, 890000)
    rows = [("quay-1", "s-1", i, f"u-{i}", "h" * 64, body, None if i % 2 else i, when)
            for i, body in enumerate(BODIES)]
    with write_transaction():
        bulk_insert(Conflict, ("kiosk_id", "store_id", "seq", "uuid", "hash", "body", "existing_id",
                               "received_at"), rows)
    got = [(c.seq, c.body, c.existing_id, c.received_at) for c in Conflict.select().order_by(Conflict.seq)]
    assert got == [(i, body, None if i % 2 else i, when) for i, body in enumerate(BODIES)]

    cols = ("local_date", "hour", "responses", "low")
    for delta in ((3, 1), (4, 2)):
        with write_transaction():
            upsert_values("rollup_hour", cols, ("local_date", "hour"),
                          '"responses" = "rollup_hour"."responses" + excluded."responses", '
                          '"low" = "rollup_hour"."low" + excluded."low"',
                          [("2026-03-04", 9, *delta), ("2026-03-05", 9, 1, 0)])
    held = {(as_date(r.local_date), r.hour): (r.responses, r.low) for r in RollupHour.select()}
    assert held == {(date(2026, 3, 4), 9): (7, 3), (date(2026, 3, 5), 9): (2, 0)}
