"""Migration 15: the minutes (biên bản) of a collection opened by hand, and of a day.

pull_log: `opened_by` (the staff member who opened the collection by hand on the kiosk's page;
null for the background pulls) and `witnesses` (the names typed in when it was opened, one a
line; the printed minutes keep blank lines for the signatures anyway). response: an index on
(kiosk_id, received_at), so a day's minutes per kiosk read only that day's responses.
"""

from __future__ import annotations

from peewee import CharField, TextField

from sync_server.db.migrations.frozen import add_column, add_index


def up(db) -> None:
    add_column(db, "pull_log", "opened_by", CharField(max_length=64, null=True))
    add_column(db, "pull_log", "witnesses", TextField(), default_sql="''")
    add_index(db, "response", ["kiosk_id", "received_at"])
