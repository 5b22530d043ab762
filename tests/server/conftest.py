"""Shared fixtures for the server tests: a config on disk, the database, real kiosk APIs.

Every test that uses `make_config` (or `backend`) runs twice: on SQLite and on a real
PostgreSQL named by HAILONG_TEST_PG_URL (`tests/server/postgres.sh` starts one and prints the
URL). Without that variable the PostgreSQL variant is skipped, saying so.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.api import ApiServer, create_api
from kiosk.store import Store
from sync_server import config as server_config
from sync_server.db import database, init_db

TOKEN = "k" * 24
PG_URL_ENV = "HAILONG_TEST_PG_URL"
PG_URL = os.environ.get(PG_URL_ENV, "").strip()
PG_SKIP = (f"PostgreSQL variant skipped: {PG_URL_ENV} is not set (run `sh tests/server/postgres.sh` "
           f"as root and export {PG_URL_ENV}=<the URL it prints>)")


def reset_postgres(url: str) -> None:
    """An empty `public` schema for the next test: each test starts from a fresh database."""
    import psycopg2
    from playhouse.db_url import parse

    params = parse(url, unquote_password=True, unquote_user=True)
    con = psycopg2.connect(dbname=params.pop("database"), **params)
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("SET lock_timeout = '10s'")  # a leaked connection fails fast, not hangs
            cur.execute("DROP SCHEMA IF EXISTS public CASCADE")
            cur.execute("CREATE SCHEMA public")
    finally:
        con.close()


@pytest.fixture(autouse=True)
def _no_database_url_from_outside(monkeypatch):
    """DATABASE_URL in the developer's shell must not redirect the tests (or their subprocesses)."""
    monkeypatch.delenv("DATABASE_URL", raising=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request) -> str:
    """The `database_url` for this variant: "" (SQLite under data_dir) or the PostgreSQL URL."""
    if request.param == "sqlite":
        return ""
    if not PG_URL:
        pytest.skip(PG_SKIP)
    reset_postgres(PG_URL)
    return PG_URL


def rating(score: int = 5, officer: str | None = "nv-lan", **extra) -> dict:
    return {"questionnaire": "overall", "questionnaire_version": 1, "answers": {"q1": score},
            "channel": "touch", "officer": officer, **extra}


def know_officers(*codes: str) -> None:
    """Put officers in the server's roster tables without making a roster version (nothing is
    pushed), so responses naming them are not flagged as unknown."""
    from sync_server.db.models import Officer

    for code in codes:
        Officer.insert(code=code, name=code.upper()).on_conflict_ignore().execute()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_toml(data_dir: Path, kiosks: list[tuple[str, str, str]], port: int = 5000,
                extra: str = "", database_url: str = "") -> str:
    text = (f'[server]\ndata_dir = "{data_dir}"\nhost = "127.0.0.1"\nport = {port}\n'
            f'pull_interval_s = 1\ndatabase_url = "{database_url}"\n{extra}\n')
    for kid, url, token in kiosks:
        text += f'[[kiosks]]\nid = "{kid}"\nurl = "{url}"\ntoken = "{token}"\n'
    return text


@dataclass
class KioskUnderTest:
    kiosk_id: str
    store: Store
    server: ApiServer

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def entry(self) -> tuple[str, str, str]:
        return (self.kiosk_id, self.url, TOKEN)


@pytest.fixture
def make_kiosk(tmp_path):
    """A real kiosk store + API on 127.0.0.1, port 0. `make_kiosk("quay-1")`."""
    made: list[KioskUnderTest] = []

    def make(kiosk_id: str = "quay-1", db_name: str | None = None) -> KioskUnderTest:
        store = Store(tmp_path / "kiosks" / (db_name or f"{kiosk_id}.db"), kiosk_id)
        server = ApiServer(create_api(store, kiosk_id=kiosk_id, token=TOKEN), "127.0.0.1", 0).start()
        k = KioskUnderTest(kiosk_id, store, server)
        made.append(k)
        return k

    yield make
    for k in made:
        k.server.stop()
        k.store.close()


@pytest.fixture
def make_config(tmp_path, backend):
    """Write server.toml for the given kiosks, load it and point the models at its database."""

    def make(kiosks: list[tuple[str, str, str]] = (), extra: str = "") -> server_config.ServerConfig:
        path = tmp_path / "server.toml"
        path.write_text(server_toml(tmp_path / "server-data", list(kiosks), extra=extra,
                                    database_url=backend), encoding="utf-8")
        cfg = server_config.load(path)
        init_db(cfg)
        return cfg

    yield make
    if not database.is_closed():
        database.close()
