"""sync_server.ops.backup on real databases: round trip, consistency under writes, pruning, refusals."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sync_server import config as server_config
from sync_server.db import init_db
from sync_server.exc import Refused
from sync_server.ops import backup as bk
from tests.deploy.support import ROOT, free_port

NIGHT = dt.datetime(2026, 11, 22, 2, 30, 0)


def write_config(tmp_path: Path, database_url: str = "") -> Path:
    path = tmp_path / "server.toml"
    path.write_text(textwrap.dedent(f"""\
        [server]
        data_dir = "{(tmp_path / 'data').as_posix()}"
        database_url = "{database_url}"
        host = "127.0.0.1"
        port = {free_port()}
        """), encoding="utf-8")
    return path


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    """A server config with a real database: the project's schema plus rows of our own."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    cfg = server_config.load(write_config(tmp_path))
    db = init_db(cfg)  # the server's real tables (and its WAL pragmas)
    db.close()
    con = sqlite3.connect(cfg.sqlite_path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE probe (id INTEGER PRIMARY KEY, name TEXT, blob BLOB)")
    with con:
        con.executemany("INSERT INTO probe (name, blob) VALUES (?, ?)",
                        [(f"Nguyễn Văn {i}", os.urandom(200)) for i in range(2000)])
    con.close()
    return cfg


def table_counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' "
                                           "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        con.close()


def dump(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path.as_posix()}?mode=ro", uri=True)
    try:
        return list(con.iterdump())
    finally:
        con.close()


# --- backup ------------------------------------------------------------------------------------

def test_backup_is_a_complete_checked_single_file(cfg):
    result = bk.backup(cfg, now=NIGHT)
    assert result.path == cfg.data_dir / "backups" / "hailong-20261122-023000.db"
    assert result.check == "integrity ok"
    assert dump(result.path) == dump(cfg.sqlite_path)
    assert len(table_counts(result.path)) > 5 and table_counts(result.path)["probe"] == 2000
    con = sqlite3.connect(result.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # no -wal needed beside it
    con.close()
    leftovers = sorted(p.name for p in result.path.parent.iterdir())
    assert leftovers == [".lock", result.path.name], "no temp file, no -wal/-shm next to the backup"
    if os.name != "nt":
        assert result.path.stat().st_mode & 0o777 == 0o640
        assert result.path.parent.stat().st_mode & 0o777 == 0o750


def test_two_backups_in_the_same_second_do_not_overwrite(cfg):
    first = bk.backup(cfg, now=NIGHT).path
    second = bk.backup(cfg, now=NIGHT).path
    assert first != second and first.exists() and second.name == "hailong-20261122-023000-2.db"


def test_backup_includes_commits_still_in_the_wal(cfg):
    """The server's last commits may sit in server.db-wal; a file copy would miss them."""
    writer = sqlite3.connect(cfg.sqlite_path, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")  # keep them in the WAL, as a busy server may
    writer.execute("INSERT INTO probe (name) VALUES ('in the wal only')")
    try:
        naive = cfg.data_dir / "naive-copy.db"
        shutil.copyfile(cfg.sqlite_path, naive)  # the control: what `cp server.db` would give
        assert table_counts(naive)["probe"] == 2000
        result = bk.backup(cfg, now=NIGHT)
        assert table_counts(result.path)["probe"] == 2001
    finally:
        writer.close()


WRITER = textwrap.dedent("""\
    import sqlite3, sys, time
    con = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE IF NOT EXISTS pair_a (id INTEGER PRIMARY KEY, v BLOB)")
    con.execute("CREATE TABLE IF NOT EXISTS pair_b (id INTEGER PRIMARY KEY, v BLOB)")
    print("ready", flush=True)
    n, deadline = 0, time.monotonic() + float(sys.argv[2])
    while time.monotonic() < deadline:
        con.execute("BEGIN IMMEDIATE")
        for _ in range(20):  # both tables always grow together, in one transaction
            n += 1
            con.execute("INSERT INTO pair_a VALUES (?, randomblob(300))", (n,))
            con.execute("INSERT INTO pair_b VALUES (?, randomblob(300))", (n,))
        con.execute("COMMIT")
    print(n, flush=True)
""")


def test_backups_taken_while_another_process_writes_are_consistent(cfg):
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(cfg.sqlite_path), "6"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "ready"
        seen = []
        for i in range(8):
            time.sleep(0.3)
            result = bk.backup(cfg, now=NIGHT + dt.timedelta(seconds=i), keep_days=None)
            assert result.check == "integrity ok"
            counts = table_counts(result.path)
            # A torn copy would show one table ahead of the other, or a count not a multiple of 20.
            assert counts["pair_a"] == counts["pair_b"], counts
            assert counts["pair_a"] % 20 == 0
            seen.append(counts["pair_a"])
        out, err = writer.communicate(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
    assert writer.returncode == 0, err  # the writer was never blocked into an error by a backup
    assert seen == sorted(seen) and seen[-1] > seen[0] > 0, f"writes did not overlap the backups: {seen}"
    assert int(out.strip()) >= seen[-1]


def test_a_missing_database_is_an_error_and_leaves_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    cfg = server_config.load(write_config(tmp_path))
    with pytest.raises(bk.BackupError, match="no database at"):
        bk.backup(cfg, now=NIGHT)
    assert not cfg.sqlite_path.exists(), "a backup must never create an empty database"
    assert [p.name for p in bk.backup_dir(cfg).iterdir()] == [".lock"]


def test_a_copy_failing_the_integrity_check_is_not_kept_and_nothing_is_pruned(cfg, monkeypatch):
    old = bk.backup_dir(cfg) / "hailong-20200101-000000.db"
    bk.backup_dir(cfg).mkdir(parents=True, exist_ok=True)
    old.write_bytes(b"old")
    monkeypatch.setattr(bk, "_integrity", lambda path: "*** in database main ***\nPage 3: btree")
    with pytest.raises(bk.BackupError, match="integrity_check"):
        bk.backup(cfg, now=NIGHT, keep_days=1)
    assert sorted(p.name for p in bk.backup_dir(cfg).iterdir()) == [".lock", old.name]


def test_a_second_backup_while_one_runs_is_refused(cfg):
    with bk._lock(bk.backup_dir(cfg)):
        with pytest.raises(bk.Refused, match="another backup or restore"):
            bk.backup(cfg, now=NIGHT)


# --- pruning -----------------------------------------------------------------------------------

def make_backups(directory: Path, stamps: list[str]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for stamp in stamps:
        (directory / f"hailong-{stamp}.db").write_bytes(b"x")


def test_prune_keeps_the_newest_n_days_that_have_backups(tmp_path):
    d = tmp_path / "backups"
    # A PC switched off from 5 to 20 November: the gap must not wipe the history.
    make_backups(d, ["20261101-023000", "20261102-023000", "20261102-120000", "20261103-023000",
                     "20261104-090000", "20261121-081500", "20261122-023000", "20261122-023000-pre-restore"])
    (d / "notes.txt").write_text("mine")
    (d / "hailong-latest.db").write_bytes(b"not ours to delete")
    removed = bk.prune(d, keep_days=3)  # 6 days have backups: 1-4, 21, 22 November
    assert sorted(p.name for p in removed) == ["hailong-20261101-023000.db", "hailong-20261102-023000.db",
                                               "hailong-20261102-120000.db", "hailong-20261103-023000.db"]
    assert [p.name for p in bk.list_backups(d)] == [
        "hailong-20261104-090000.db", "hailong-20261121-081500.db",
        "hailong-20261122-023000-pre-restore.db", "hailong-20261122-023000.db"]
    assert (d / "notes.txt").exists() and (d / "hailong-latest.db").exists()


def test_backup_prunes_after_success(cfg):
    make_backups(bk.backup_dir(cfg), [f"202611{day:02d}-023000" for day in range(1, 11)])
    result = bk.backup(cfg, now=NIGHT, keep_days=7)
    assert len(result.pruned) == 4  # 11 days with backups, the newest 7 kept
    days = sorted({p.name[8:16] for p in bk.list_backups(bk.backup_dir(cfg))})
    assert days == ["20261104", "20261105", "20261106", "20261107", "20261108", "20261109", "20261110",
                    "20261122"][-7:]
    assert result.path.exists()


def test_keep_days_below_one_is_refused(tmp_path):
    with pytest.raises(bk.BackupError, match="at least 1"):
        bk.prune(tmp_path, 0)


# --- restore -----------------------------------------------------------------------------------

def test_restore_round_trip_keeps_what_was_there(cfg):
    before = dump(cfg.sqlite_path)
    taken = bk.backup(cfg, now=NIGHT).path
    con = sqlite3.connect(cfg.sqlite_path)
    with con:  # the day after: a mistake deletes data, some new data arrives
        con.execute("DELETE FROM probe WHERE id > 100")
        con.execute("INSERT INTO probe (name) VALUES ('after the backup')")
    con.close()
    damaged = dump(cfg.sqlite_path)
    assert damaged != before

    safety = bk.restore(cfg, taken, now=NIGHT + dt.timedelta(hours=8))
    assert dump(cfg.sqlite_path) == before
    assert safety is not None and safety.name == "hailong-20261122-103000-pre-restore.db"
    assert dump(safety) == damaged  # the restore can itself be undone
    con = sqlite3.connect(cfg.sqlite_path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # as the server runs it
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    # The server's own code opens the restored database and sees its tables.
    db = init_db(cfg)
    assert "probe" in db.get_tables()
    db.close()


def test_restore_into_a_live_wal_database_leaves_no_stale_wal(cfg):
    taken = bk.backup(cfg, now=NIGHT).path
    writer = sqlite3.connect(cfg.sqlite_path, isolation_level=None)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("INSERT INTO probe (name) VALUES ('only in the wal')")
    writer.close()  # may leave server.db-wal behind, as a killed server would
    bk.restore(cfg, taken, force=True, now=NIGHT + dt.timedelta(hours=1))
    assert table_counts(cfg.sqlite_path)["probe"] == 2000


def test_restore_refuses_while_the_server_port_answers(cfg):
    taken = bk.backup(cfg, now=NIGHT).path
    with socket.socket() as listener:
        listener.bind((cfg.host, cfg.port))
        listener.listen()
        with pytest.raises(bk.Refused, match="server seems to be running"):
            bk.restore(cfg, taken)
        assert len(bk.list_backups(bk.backup_dir(cfg))) == 1, "refused before touching anything"
        bk.restore(cfg, taken, force=True, now=NIGHT + dt.timedelta(hours=1))


def test_restore_refuses_a_file_that_is_not_a_sound_database(cfg, tmp_path):
    bad = tmp_path / "hailong-20261122-023000.db"
    bad.write_bytes(b"SQLite format 3\x00" + os.urandom(5000))
    before = dump(cfg.sqlite_path)
    with pytest.raises(bk.BackupError, match="not a sound SQLite database"):
        bk.restore(cfg, bad)
    with pytest.raises(bk.BackupError, match=r"needs a \.db"):
        bk.restore(cfg, tmp_path / "server.toml")
    with pytest.raises(bk.BackupError, match="no backup file"):
        bk.restore(cfg, tmp_path / "nothing.db")
    assert dump(cfg.sqlite_path) == before


def test_restore_into_a_fresh_data_dir(cfg, tmp_path, monkeypatch):
    """A new office PC: no database yet, so no safety copy; the restored one just appears."""
    taken = bk.backup(cfg, now=NIGHT).path
    (tmp_path / "new-pc").mkdir()
    new = server_config.load(write_config(tmp_path / "new-pc"))
    assert bk.restore(new, taken) is None
    assert dump(new.sqlite_path) == dump(cfg.sqlite_path)


# --- command line ------------------------------------------------------------------------------

def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "sync_server", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_cli_backup_list_restore(cfg):
    out = run_cli("backup", "--config", str(cfg.path), "--keep-days", "3")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("backup: ") and "integrity ok" in out.stdout
    listing = run_cli("backups", "--config", str(cfg.path))
    assert listing.returncode == 0 and listing.stdout.count("hailong-") == 1
    taken = listing.stdout.split()[0]
    restored = run_cli("restore", "--config", str(cfg.path), taken)
    assert restored.returncode == 0, restored.stderr
    assert "pre-restore" in restored.stdout


def test_cli_exit_codes(cfg, tmp_path):
    assert run_cli("backup", "--config", str(tmp_path / "missing.toml")).returncode == 2  # the config
    failed = run_cli("restore", "--config", str(cfg.path), str(tmp_path / "x.db"))
    assert failed.returncode == bk.BackupError.exit_status == 1 and failed.stderr.startswith("failed: ")
    taken = bk.backup(cfg, now=NIGHT).path
    with socket.socket() as listener:
        listener.bind((cfg.host, cfg.port))
        listener.listen()
        out = run_cli("restore", "--config", str(cfg.path), str(taken))
    assert out.returncode == Refused.exit_status == 3 and out.stderr.startswith("refused: ")


def test_pg_backup_never_puts_the_password_on_a_command_line(tmp_path, monkeypatch):
    calls = []

    def fake_run(args, env, capture_output, text):
        calls.append((args, env))
        if "--file" in " ".join(args):
            Path(next(a for a in args if a.startswith("--file=")).split("=", 1)[1]).write_bytes(b"PGDMP")
        listing = "; header\n1; 2615 2200 SCHEMA - public\n"
        return subprocess.CompletedProcess(args, 0, stdout=listing, stderr="")

    monkeypatch.setattr(bk.subprocess, "run", fake_run)
    monkeypatch.setattr(bk.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    cfg = server_config.load(write_config(tmp_path, "postgresql://hailong:s3cret-pw@127.0.0.1/hailong"))
    result = bk.backup(cfg, now=NIGHT)
    assert result.path.name == "hailong-20261122-023000.dump"
    assert result.check == "pg_restore --list ok, 1 entries"
    assert [c[0][0] for c in calls] == ["/usr/bin/pg_dump", "/usr/bin/pg_restore"]
    for args, env in calls:
        assert "s3cret-pw" not in " ".join(args)
        assert env["PGPASSWORD"] == "s3cret-pw"


PG_URL = os.environ.get("HAILONG_TEST_PG_URL", "").strip()
PG_TEST_DB = "hailong_backup_test"


@pytest.fixture
def pg_cfg(tmp_path, monkeypatch):
    """A database of our own on the test PostgreSQL (never the one the server tests reset)."""
    if not PG_URL:
        pytest.skip("PostgreSQL backup test skipped: HAILONG_TEST_PG_URL is not set "
                    "(sh tests/server/postgres.sh prints it)")
    for tool in ("pg_dump", "pg_restore", "psql"):
        if not shutil.which(tool):
            pytest.skip(f"{tool} not found: apt-get install postgresql-client")
    env = bk.pg_environment(PG_URL)
    owner = env.get("PGUSER", "hailong")
    exists = subprocess.run(["psql", "-d", env["PGDATABASE"], "-qAtc",
                             f"SELECT 1 FROM pg_database WHERE datname = '{PG_TEST_DB}'"],
                            env=env, capture_output=True, text=True)
    if exists.stdout.strip() != "1":
        made = subprocess.run(["psql", "-d", env["PGDATABASE"], "-qc", f"CREATE DATABASE {PG_TEST_DB}"],
                              env=env, capture_output=True, text=True)
        if made.returncode != 0 and os.geteuid() == 0 and shutil.which("runuser"):
            made = subprocess.run(["runuser", "-u", "postgres", "--", "psql", "-p", env.get("PGPORT", "5432"),
                                   "-qc", f"CREATE DATABASE {PG_TEST_DB} OWNER {owner}"],
                                  capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"cannot create database {PG_TEST_DB}: {made.stderr.strip()}")
    url = PG_URL.rsplit("/", 1)[0] + f"/{PG_TEST_DB}"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    cfg = server_config.load(write_config(tmp_path, url))
    psql(cfg, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"
              "CREATE TABLE probe (id serial PRIMARY KEY, name text);"
              "INSERT INTO probe (name) SELECT 'Trần Thị ' || g FROM generate_series(1, 500) g;")
    return cfg


def psql(cfg, sql: str) -> str:
    env = bk.pg_environment(cfg.database_url)
    out = subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-qAtc", sql], env=env, capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_postgres_backup_and_restore_round_trip(pg_cfg):
    taken = bk.backup(pg_cfg, now=NIGHT)
    assert taken.path.suffix == ".dump" and taken.check.startswith("pg_restore --list ok")
    psql(pg_cfg, "DELETE FROM probe WHERE id > 10; INSERT INTO probe (name) VALUES ('later')")
    assert psql(pg_cfg, "SELECT count(*) FROM probe") == "11"
    safety = bk.restore(pg_cfg, taken.path, now=NIGHT + dt.timedelta(hours=1))
    assert psql(pg_cfg, "SELECT count(*), max(name) FROM probe") == "500|Trần Thị 99"
    assert safety is not None and safety.suffix == ".dump"
