"""Which database the server uses: SQLite under data_dir by default, any peewee URL otherwise.

The models bind to one `DatabaseProxy`, so the same code runs on SQLite (one office PC) and on
PostgreSQL (a district or a province) chosen at start-up from the config.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from peewee import Database, DatabaseProxy, SqliteDatabase
from playhouse.db_url import connect as connect_url

from sync_server.config import ServerConfig

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "normal",  # WAL + NORMAL is durable against a crash of the process
    "foreign_keys": 1,
    "busy_timeout": 10000,  # the puller threads and the web threads write concurrently
    "cache_size": -32 * 1024,
}


def open_database(config: ServerConfig) -> Database:
    if not config.database_url:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(str(config.sqlite_path), pragmas=SQLITE_PRAGMAS)
    if config.database_url.startswith("sqlite"):
        return connect_url(config.database_url, pragmas=SQLITE_PRAGMAS)
    return connect_url(config.database_url)


def init_db(config: ServerConfig, create: bool = True) -> Database:
    """Point the models at the configured database and create missing tables."""
    from sync_server.models import ALL_MODELS

    db = open_database(config)
    database.initialize(db)
    if create:
        with database.connection_context():
            database.create_tables(ALL_MODELS, safe=True)
    return db


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)


def write_transaction():
    """A transaction that takes the write lock at once on SQLite: two deferred transactions
    that both read and then write would otherwise fail with 'database is locked'."""
    if is_sqlite():
        return database.atomic("IMMEDIATE")
    return database.atomic()


@contextlib.contextmanager
def connection() -> Iterator[None]:
    """This thread's connection for the duration of the block (reused if already open)."""
    opened = database.is_closed()
    database.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if opened and not database.is_closed():
            database.close()
