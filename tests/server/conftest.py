"""Shared fixtures for the server tests: a config on disk, the database, real kiosk APIs
(helpers that tests import live in tests/support/).

Every test that uses `make_config` (or `backend`) runs twice: on SQLite and on a real
PostgreSQL named by HAILONG_TEST_PG_URL (`tests/server/postgres.sh` starts one and prints the
URL). Without that variable the PostgreSQL variant is skipped, saying so.
"""

from __future__ import annotations

import pytest

from kiosk.api import ApiServer, create_api
from kiosk.store import Store
from sync_server import config as server_config
from sync_server.db import database, init_db
from tests.support.server import PG_SKIP, PG_URL, TOKEN, KioskUnderTest, reset_postgres, server_toml


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
