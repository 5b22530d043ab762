"""Migration 22 on a database that has rollups: the daily and monthly rollups lose their `id`, their
key becomes the primary key, and every row is kept as it was (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from peewee import IntegrityError

from sync_server import config as server_config
from sync_server.db import database, init_db
from sync_server.db.migrations import LATEST, current_version, migrate, migrations
from sync_server.reports.rollup import COUNTS, KEY
from tests.support.server import server_toml

ROWS = [  # key, then counts; '' for none, as the rollups keep it
    ("2026-03-02", "", "chinh", "nv-lan", "1.000001", "quay-1", "", "touch", "overall", "",
     3, 1, 0, 0, 0, 0, 0),
    ("2026-03-02", "", "chinh", "nv-lan", "1.000001", "quay-1", "", "touch", "overall", "q1",
     0, 0, 0, 1, 0, 1, 1),
    ("2026-03-02", "xa-001", "", "", "", "qr", "quay-2", "qr", "overall", "q1", 0, 0, 2, 0, 0, 0, 0),
    ("2026-03-03", "xa-001", "", "nv-bình", "", "quay-1", "", "buttons", "đánh-giá", "q2",
     0, 0, 0, 0, 5, 0, 0),
]
COLUMNS = ", ".join(f'"{c}"' for c in (*KEY, *COUNTS))


def _at_version_21(backend: str, tmp_path) -> None:
    path = tmp_path / "server.toml"
    path.write_text(server_toml(tmp_path / "data", [], database_url=backend), encoding="utf-8")
    cfg = server_config.load(path)
    init_db(cfg, create=False)
    db = database.obj
    current_version(db)
    for m in migrations()[:21]:
        with db.atomic():
            m.apply(db, cfg.tz)
            db.execute_sql('INSERT INTO "schema_version" ("version", "name", "applied_at") VALUES '
                           f'({m.version}, \'{m.name}\', \'{datetime.now(UTC).isoformat()}\')')


def _rows(table: str) -> list[tuple]:
    rows = database.execute_sql(f'SELECT {COLUMNS} FROM "{table}"').fetchall()
    return sorted(tuple(str(v) for v in r) for r in rows)


@pytest.fixture
def migrated(tmp_path, backend):
    _at_version_21(backend, tmp_path)
    marks = ", ".join([database.obj.param] * len(ROWS[0]))
    for table in ("rollup_day", "rollup_month"):
        assert "id" in [c.name for c in database.obj.get_columns(table)]
        for row in ROWS:
            database.execute_sql(f'INSERT INTO "{table}" ({COLUMNS}) VALUES ({marks})', row)
    assert migrate(database.obj) == list(range(22, LATEST + 1))
    yield
    database.close()


def test_rows_are_kept_and_the_key_is_the_primary_key(migrated):
    want = sorted(tuple(str(v) for v in r) for r in ROWS)
    for table in ("rollup_day", "rollup_month"):
        assert _rows(table) == want
        assert "id" not in [c.name for c in database.obj.get_columns(table)]
        assert database.obj.get_primary_keys(table) == list(KEY)


def test_unit_point_and_counter_keep_their_default(migrated):
    """Rows written without them (migration 17's refill, a commune's own rows of old) get ''."""
    for table in ("rollup_day", "rollup_month"):
        database.execute_sql(f'INSERT INTO "{table}" ("local_date", "officer", "procedure", "kiosk_id", '
                             '"channel", "questionnaire", "question", "responses", "partial", "n1", "n2", '
                             "\"n3\", \"n4\", \"n5\") VALUES ('2026-04-01', 'nv-lan', '', 'quay-1', 'touch', "
                             "'overall', '', 1, 0, 0, 0, 0, 0, 0)")
        got = database.execute_sql(f'SELECT "unit", "point", "counter" FROM "{table}" '
                                   "WHERE \"local_date\" = '2026-04-01'").fetchall()
        assert [tuple(r) for r in got] == [("", "", "")]


def test_the_key_still_refuses_a_second_row(migrated):
    marks = ", ".join([database.obj.param] * len(ROWS[0]))
    for table in ("rollup_day", "rollup_month"):
        with pytest.raises(IntegrityError), database.atomic():
            database.execute_sql(f'INSERT INTO "{table}" ({COLUMNS}) VALUES ({marks})', ROWS[0])
        assert len(_rows(table)) == len(ROWS)
