"""Numbered migrations on SQLite and PostgreSQL: a fresh database, a database made before
migrations existed (with data in it), a database from a newer hailong, two processes at once,
and the models agreeing with what the migrations built."""

from __future__ import annotations

import ast
import importlib
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from peewee import PostgresqlDatabase, SqliteDatabase

from kiosk.shared.protocol import GENESIS_HASH, canonical_json, seal
from sync_server import config as server_config
from sync_server.collect.puller import pull_kiosk
from sync_server.db import database, init_db
from sync_server.db.migrations import LATEST, MigrationError, current_version, migrate, migrations
from sync_server.db.migrations import m0001_initial as v1
from sync_server.db.models import ALL_MODELS, Answer, Epoch, ReceptionPoint, Response, RollupDay
from tests.support.fake_kiosk import FakeKiosk
from tests.support.server import TOKEN, server_toml

REPO = Path(__file__).resolve().parents[2]
V0_SCHEMA = Path(__file__).parent / "data" / "schema_v0.sqlite.sql"


def versions() -> list[tuple[int, str]]:
    return list(database.execute_sql(
        'SELECT "version", "name" FROM "schema_version" ORDER BY "version"').fetchall())


def chain(store_id: str, n: int) -> list[dict]:
    out, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        r = {"store_id": store_id, "seq": seq, "uuid": f"bbbbbbbb-0000-4000-8000-{seq:012d}",
             "kiosk_id": "quay-1", "officer": "nv-lan", "procedure": None, "questionnaire": "overall",
             "questionnaire_version": 1, "answers": {"q1": 5 - seq % 2}, "reasons": [],
             "channel": "touch", "partial": False, "flags": [],
             "recorded_at": f"2026-11-2{seq % 3}T08:00:00.000+07:00", "boot_id": "b", "uptime_ms": seq}
        out.append(seal(r, prev))
        prev = out[-1]["hash"]
    return out


def test_backend_is_the_one_named(make_config, backend):
    make_config()
    expected = PostgresqlDatabase if backend else SqliteDatabase
    assert isinstance(database.obj, expected)


def test_fresh_database_gets_every_migration_once(make_config):
    make_config()
    assert versions() == [(m.version, m.name) for m in migrations()]
    assert [m.version for m in migrations()] == list(range(1, LATEST + 1))
    assert migrate(database.obj) == []  # idempotent: a second start applies nothing
    assert versions() == [(m.version, m.name) for m in migrations()]


def test_models_match_the_migrated_schema(make_config):
    """models.py and the migrations describe the same tables: same columns, same NULL-ability."""
    make_config()
    db = database.obj
    with database.connection_context():
        for model in ALL_MODELS:
            table = model._meta.table_name
            in_db = {c.name: c.null for c in db.get_columns(table)}
            in_model = {f.column_name: f.null for f in model._meta.sorted_fields}
            assert in_db == in_model, table


def test_migration_1_is_the_schema_of_the_code_before_migrations(tmp_path):
    """Migration 1 on SQLite writes exactly the schema that commit 3843dcb wrote."""
    old = {line.rstrip(";") for line in V0_SCHEMA.read_text().splitlines()
           if line and not line.startswith("--")}
    db = SqliteDatabase(str(tmp_path / "v1.db"))
    with db.connection_context():
        v1.up(db)
        made = {sql for (sql,) in db.execute_sql(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")}
    assert made == old


def _old_database(cfg: server_config.ServerConfig, backend: str, rows: list[dict]) -> None:
    """A database as the code before migrations left it: its tables, no schema_version, and
    `rows` already pulled (epoch cursor, responses, answers)."""
    if backend:
        db = PostgresqlDatabase(None)
        db.init(**_pg_params(backend))
        with db.connection_context():
            v1.up(db)
    else:
        cfg.data_dir.mkdir(parents=True)
        con = sqlite3.connect(cfg.sqlite_path)
        con.executescript(V0_SCHEMA.read_text())
        con.close()
        db = SqliteDatabase(str(cfg.sqlite_path))
    with db.bind_ctx(v1.TABLES), db.connection_context():
        epoch = v1.Epoch.create(kiosk_id="quay-1", store_id="store-a", last_seq=rows[-1]["seq"],
                                head_hash=rows[-1]["hash"], first_seen="2026-11-20 01:00:00",
                                last_seen="2026-11-20 01:00:00")
        for r in rows:
            resp = v1.Response.create(
                epoch=epoch, kiosk_id="quay-1", store_id="store-a", seq=r["seq"], uuid=r["uuid"],
                officer=r["officer"], procedure=None, questionnaire="overall", questionnaire_version=1,
                channel="touch", partial=False, recorded_at=r["recorded_at"],
                recorded_utc="2026-11-20 01:00:00", local_date="2026-11-20",
                body=canonical_json(r).decode(), hash=r["hash"], received_at="2026-11-20 01:00:00")
            v1.Answer.create(response=resp, question="q1", score=r["answers"]["q1"], officer="nv-lan",
                             local_date="2026-11-20")
        assert "schema_version" not in db.get_tables()
    db.close()


def _pg_params(url: str) -> dict:
    from playhouse.db_url import parse

    return parse(url, unquote_password=True, unquote_user=True)


def hourly() -> tuple[int, int]:
    from sync_server.db.models import RollupHour

    return (sum(h.responses for h in RollupHour.select()), sum(h.low for h in RollupHour.select()))


def test_a_database_from_before_migrations_is_adopted_and_pulls_continue(tmp_path, backend):
    full = chain("store-a", 5)
    fake = FakeKiosk("quay-1", "store-a", full)
    try:
        path = tmp_path / "server.toml"
        path.write_text(server_toml(tmp_path / "data", [("quay-1", fake.url, TOKEN)],
                                    database_url=backend), encoding="utf-8")
        cfg = server_config.load(path)
        _old_database(cfg, backend, full[:3])

        init_db(cfg)
        with database.connection_context():
            assert versions() == [(m.version, m.name) for m in migrations()]
            assert Response.select().count() == 3 and Answer.select().count() == 3
            assert Epoch.get().last_seq == 3
            # The migrations filled the hourly rollup from the rows already there (scores 4 and 5).
            assert hourly() == (3, 0)
            r = pull_kiosk(cfg.kiosks[0], cfg)
            assert (r.status, r.received, r.first_seq, r.last_seq) == ("ok", 2, 4, 5), r.message
            assert hourly() == (5, 0)  # and the pull keeps it
            # Migration 18: the ratings already stored, and those pulled since, are the main point's.
            assert [(p.code, p.name) for p in ReceptionPoint.select()] == [("chinh", "Trụ sở chính")]
            assert {x.point for x in Response.select()} == {"chinh"}
            assert {x.point for x in RollupDay.select()} == {"chinh"}
            assert [x.seq for x in Response.select().order_by(Response.seq)] == [1, 2, 3, 4, 5]
            assert Response.get(Response.seq == 2).body == canonical_json(full[1]).decode()
    finally:
        fake.stop()
        database.close()


def test_a_database_from_a_newer_hailong_is_refused(make_config, tmp_path, backend):
    cfg = make_config()
    database.execute_sql('INSERT INTO "schema_version" ("version", "name", "applied_at") '
                         f"VALUES ({LATEST + 1}, 'future', 'x')")
    database.close()
    with pytest.raises(MigrationError, match=f"schema version {LATEST + 1}, newer than"):
        migrate(database.obj)
    proc = subprocess.run([sys.executable, "-m", "sync_server", "init-db", "--config", str(cfg.path)],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith("database error: the database has schema version")
    assert "Traceback" not in proc.stderr


def test_two_processes_migrating_at_once_apply_each_version_once(tmp_path, backend):
    path = tmp_path / "server.toml"
    path.write_text(server_toml(tmp_path / "data", [], database_url=backend), encoding="utf-8")
    procs = [subprocess.Popen([sys.executable, "-m", "sync_server", "init-db", "--config", str(path)],
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        assert f"(schema version {LATEST})" in out
    init_db(server_config.load(path), create=False)
    with database.connection_context():
        assert versions() == [(m.version, m.name) for m in migrations()]
        assert current_version(database.obj) == LATEST
    database.close()


def test_unreachable_postgres_is_one_line_without_the_password(tmp_path):
    path = tmp_path / "server.toml"
    url = "postgresql://hailong:s3cret-pw@127.0.0.1:1/hailong"
    path.write_text(server_toml(tmp_path / "data", [], database_url=url), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "sync_server", "init-db", "--config", str(path)],
                          capture_output=True, text=True, cwd=REPO, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.startswith("database error: ") and "Connection refused" in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert "s3cret-pw" not in proc.stderr + proc.stdout


def test_migrations_are_found_by_name_numbered_without_a_gap_and_say_their_number():
    from sync_server.db import migrations as package

    names = package.module_names()
    assert names[0] == "m0001_initial" and len(names) == LATEST
    for version, name in enumerate(names, start=1):
        assert name.startswith(f"m{version:04d}_"), (version, name)
        module = importlib.import_module(f"sync_server.db.migrations.{name}")
        assert module.__doc__.startswith(f"Migration {version}:"), name


def test_a_gap_in_the_numbering_is_refused(tmp_path, monkeypatch):
    from sync_server.db import migrations as package

    monkeypatch.setattr(package, "module_names", lambda: ["m0001_initial", "m0003_audit"])
    with pytest.raises(MigrationError, match="without a gap"):
        migrations()


def test_runtime_code_never_imports_a_migration_module():
    """Migrations are frozen history (they may import the small runner, never be imported by the
    application): a test or the runner itself are the only ones to load them."""
    server = REPO / "sync_server"
    for path in server.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                assert not any(re.search(r"migrations\.m\d{4}_", n) for n in names), (path, node.module)
