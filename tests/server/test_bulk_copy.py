"""The bulk paths of sync_server.db (COPY on PostgreSQL, executemany on SQLite) store every value
exactly as given: backslashes, tabs, newlines and carriage returns inside a JSON body, non-ASCII
text, NULL, booleans, dates and times (the rollups' upserts: tests/server/test_hub_rollups.py)."""

from __future__ import annotations

from datetime import date, datetime

from sync_server.db import bulk_insert, write_transaction
from sync_server.db.models import ClockAnchor, Conflict, OverdueMonth

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



def test_every_kind_of_column_goes_through_as_given(make_config):
    """COPY text is made a column at a time: columns of one kind, of one kind and NULLs, of strings
    with and without anything to escape, and of mixed kinds, each stored as given."""
    make_config()
    when = datetime(2026, 3, 4, 5, 6, 7, 890000)
    columns = ("kiosk_id", "boot_id", "uptime_ms", "server_utc", "kiosk_wall", "clock_synced")
    mixed = [("quay-1", f"b-{i}", 2**40 + i, when, wall, synced)
             for i, (wall, synced) in enumerate([("a\\b", True), ("x\ty", None), ("Nguyễn\r\n", False),
                                                 ("\\N", True)])]
    plain = [("quay-2", f"b-{i}", i, when, "2026-03-04T12:00:00+07:00", i % 2 == 0) for i in range(3)]
    months = [(date(2026, m, 1), 10 * m, m, None if m % 2 else m, when, "nv-lan", f"Tháng {m}\t.csv")
              for m in (1, 2, 3)]
    with write_transaction():
        bulk_insert(ClockAnchor, columns, mixed)
        bulk_insert(ClockAnchor, columns, plain)
        bulk_insert(OverdueMonth, ("month", "settled", "overdue", "complaints", "imported_at", "imported_by",
                                   "source"), months)
    got = [tuple(getattr(a, c) for c in columns) for a in ClockAnchor.select().order_by(ClockAnchor.id)]
    assert got == mixed + plain
    got = [(o.month, o.settled, o.overdue, o.complaints, o.imported_at, o.imported_by, o.source)
           for o in OverdueMonth.select().order_by(OverdueMonth.month)]
    assert got == months
