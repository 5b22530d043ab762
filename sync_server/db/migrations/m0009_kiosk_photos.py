"""Migration 9: what the roster now tells a kiosk (the procedure question, the month figures) and
officers' photos on the kiosks.

- counter, kiosk_setting: `ask_procedure`, `show_stats` (the kiosk asks which procedure the
  citizen came for; its idle screen shows this month's figures);
- officer: `photo_sha256` and `photo_bytes` (the photo as the kiosks receive it, by content
  hash), `photo_public` with who allowed it and when: a photo is shown to the public (kiosk,
  QR page, posters) only once an admin has marked it so. Photos uploaded before this migration
  start unmarked.
"""

from __future__ import annotations

from peewee import BooleanField, CharField, DateTimeField, IntegerField

from sync_server.db.migrations.frozen import add_column


def up(db) -> None:
    for table in ("counter", "kiosk_setting"):
        add_column(db, table, "ask_procedure", BooleanField(), default_sql="FALSE")
        add_column(db, table, "show_stats", BooleanField(), default_sql="FALSE")
    add_column(db, "officer", "photo_sha256", CharField(max_length=64, null=True))
    add_column(db, "officer", "photo_bytes", IntegerField(null=True))
    add_column(db, "officer", "photo_public", BooleanField(), default_sql="FALSE")
    add_column(db, "officer", "photo_public_by", CharField(max_length=64, null=True))
    add_column(db, "officer", "photo_public_at", DateTimeField(null=True))
