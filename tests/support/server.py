"""The office server under test: a server.toml for given kiosks, the PostgreSQL variant's
database, real kiosk APIs and fake ratings for it to pull, its command line, and a `serve`
process coming up."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from kiosk.api import ApiServer
from kiosk.store import Store
from tests.support.kiosk_process import free_port
from tests.support.xvfb import REPO

__all__ = ["PG_SKIP", "PG_URL", "REPO", "TOKEN", "KioskUnderTest", "free_port", "hailong", "know_officers",
           "rating", "reset_postgres", "server_toml", "wait_until_up"]

TOKEN = "k" * 24
PG_URL_ENV = "HAILONG_TEST_PG_URL"


def _connect(url: str):
    """A psycopg2 connection to the database a URL names (the tests' own, not the app's pool)."""
    import psycopg2
    from playhouse.db_url import parse

    params = parse(url, unquote_password=True, unquote_user=True)
    return psycopg2.connect(dbname=params.pop("database"), **params)


def _worker_database(url: str) -> str:
    """Under pytest-xdist each worker gets a database of its own (the tests reset `public`), named
    after the given one: hailong_test -> hailong_test_gw0, made on first use (the test role has
    CREATEDB: tests/server/postgres.sh grants it)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker:
        return url
    import psycopg2

    address, mark, query = url.partition("?")
    base, _, name = address.rpartition("/")
    own = f"{name}_{worker}"
    con = _connect(url)
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (own,))
            if cur.fetchone() is None:
                try:
                    cur.execute(f'CREATE DATABASE "{own}"')
                except psycopg2.Error as exc:
                    raise RuntimeError(
                        f"{PG_URL_ENV}: the test workers need CREATEDB to make {own} ({exc.pgerror or exc}); "
                        "run tests/server/postgres.sh again, or run the tests in one process (-n 0)") from exc
    finally:
        con.close()
    return f"{base}/{own}{mark}{query}"


PG_URL = _worker_database(os.environ.get(PG_URL_ENV, "").strip())
PG_SKIP = (f"PostgreSQL variant skipped: {PG_URL_ENV} is not set (run `sh tests/server/postgres.sh` "
           f"as root and export {PG_URL_ENV}=<the URL it prints>)")


def reset_postgres(url: str) -> None:
    """An empty `public` schema for the next test: each test starts from a fresh database."""
    con = _connect(url)
    try:
        con.autocommit = True
        with con.cursor() as cur:
            cur.execute("SET lock_timeout = '10s'")  # a leaked connection fails fast, not hangs
            cur.execute("DROP SCHEMA IF EXISTS public CASCADE")
            cur.execute("CREATE SCHEMA public")
    finally:
        con.close()


def rating(score: int = 5, officer: str | None = "nv-lan", **extra) -> dict:
    return {"questionnaire": "overall", "questionnaire_version": 1, "answers": {"q1": score},
            "channel": "touch", "officer": officer, **extra}


def know_officers(*codes: str) -> None:
    """Put officers in the server's roster tables without making a roster version (nothing is
    pushed), so responses naming them are not flagged as unknown."""
    from sync_server.db.models import Officer

    for code in codes:
        Officer.insert(code=code, name=code.upper()).on_conflict_ignore().execute()


def server_toml(data_dir: Path, kiosks: list[tuple[str, str, str]], port: int = 5000,
                extra: str = "", database_url: str = "") -> str:
    text = (f'[server]\ndata_dir = "{data_dir}"\nhost = "127.0.0.1"\nport = {port}\n'
            f'pull_interval_s = 1\ndatabase_url = "{database_url}"\n{extra}\n')
    for kid, url, token in kiosks:
        text += f'[[kiosks]]\nid = "{kid}"\nurl = "{url}"\ntoken = "{token}"\n'
    return text


@dataclass
class KioskUnderTest:
    """A real kiosk store and its LAN API on 127.0.0.1 (the `make_kiosk` fixture makes them)."""

    kiosk_id: str
    store: Store
    server: ApiServer

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def entry(self) -> tuple[str, str, str]:
        return (self.kiosk_id, self.url, TOKEN)


def hailong(*args: str, stdin: str = "", timeout: float = 60) -> subprocess.CompletedProcess:
    """`hailong-server ARGS` (as `python -m sync_server`) from the repository, its output captured."""
    return subprocess.run([sys.executable, "-m", "sync_server", *args], input=stdin, text=True,
                          capture_output=True, cwd=REPO, timeout=timeout)


def wait_until_up(proc: subprocess.Popen, url: str, timeout: float = 30) -> None:
    """Until `url` answers; fails if the `serve` process `proc` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"serve exited early: {proc.communicate()}")
        try:
            requests.get(url, timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("serve did not come up")
