"""Migration 13: the unit as it is since NĐ 118/2025 and the two-level local government.

unit: `kind` (xa, phuong, dac_khu, diem_tiep_nhan, chi_nhanh, tinh), `place` (the commune's own
name), `superior` (the People's Committee above it), `province`, `province_code` and
`commune_code` (the national list of administrative units), `signer_title` (who signs its
reports). Existing rows become a commune centre with these left blank, so the letterhead keeps
the unit's name until an admin fills them in on /roster.
"""

from __future__ import annotations

from peewee import CharField

from sync_server.db.migrations.frozen import add_column


def up(db) -> None:
    add_column(db, "unit", "kind", CharField(max_length=16), default_sql="'xa'")
    for name in ("place", "superior", "province"):
        add_column(db, "unit", name, CharField(max_length=200), default_sql="''")
    for name in ("province_code", "commune_code"):
        add_column(db, "unit", name, CharField(max_length=8), default_sql="''")
    add_column(db, "unit", "signer_title", CharField(max_length=200), default_sql="'Giám đốc'")
