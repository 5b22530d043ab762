"""Which database the server uses: SQLite under data_dir by default, a peewee URL otherwise
(`database_url` in server.toml or `DATABASE_URL` in the environment, e.g. postgresql://…).

The models bind to one `DatabaseProxy`, so the same code runs on SQLite (one office PC) and on
PostgreSQL (a district or a province) chosen at start-up from the config. The schema is brought
up to date by the numbered migrations in `sync_server.db.migrations` on every start.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any

from peewee import Database, DatabaseProxy, Model, SqliteDatabase, __exception_wrapper__
from playhouse.db_url import connect as connect_url

from sync_server.config import ServerConfig

database = DatabaseProxy()

SQLITE_PRAGMAS = {
    # First: the pragmas are applied in this order, and switching a new file to WAL needs a lock
    # that another process starting at the same moment may hold.
    "busy_timeout": 10000,  # the puller threads and the web threads write concurrently
    "journal_mode": "wal",
    "synchronous": "normal",  # WAL + NORMAL is durable against a crash of the process
    "foreign_keys": 1,
    "cache_size": -32 * 1024,
    "wal_autocheckpoint": 16384,  # 64 MB of WAL between checkpoints: a catch-up commits each page
}


def open_database(config: ServerConfig) -> Database:
    if not config.database_url:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        return SqliteDatabase(str(config.sqlite_path), pragmas=SQLITE_PRAGMAS)
    # Percent-escapes in the user and password are decoded, as in any URL ("p%40ss" = "p@ss").
    if config.database_url.startswith("sqlite"):
        return connect_url(config.database_url, unquote_password=True, pragmas=SQLITE_PRAGMAS)
    # PostgreSQL through a pool: the web app opens the database per request (a push, a page),
    # and a new connection (a server process forked, SCRAM, the catalogue read again, the
    # rollups' scratch table made again) cost ~8–11 ms a request against ~3 ms in all with a
    # pooled one (a hub's /upstream/status on the dev VM). A connection is handed back with any
    # transaction rolled back, and one idle for 5 minutes is closed.
    scheme, rest = config.database_url.split("://", 1)
    url = (scheme if scheme.endswith("+pool") else scheme + "+pool") + "://" + rest
    return connect_url(url, unquote_password=True, unquote_user=True, **POOL)


# Up to 32 at once (waitress's 8 threads, the pull and push loops, the CLI's own); a request that
# finds them all busy waits up to 30 s for one rather than fail.
POOL = {"max_connections": 32, "stale_timeout": 300, "timeout": 30}


def init_db(config: ServerConfig, create: bool = True) -> Database:
    """Point the models at the configured database and bring its schema up to date."""
    from sync_server.db.migrations import migrate

    db = open_database(config)
    database.initialize(db)
    if create:
        migrate(db, config.tz)
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


def bulk_insert(model: type[Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]],
                page_size: int = 500) -> None:
    """INSERT many rows of `model` through the driver's fast path: sqlite3's executemany,
    psycopg2's execute_values. peewee's insert_many builds the SQL in Python, which costs more
    than the database's own work on a catch-up of 100,000 responses.

    `columns` are field names; each row is a tuple in that order, of values the driver takes as
    they are (str, int, float, bool, None, date, datetime; a foreign key as its id), which is
    also what peewee hands the driver for them. A unique index's refusal is peewee's
    IntegrityError on both databases."""
    if not rows:
        return
    if _pg_cursor() is not None:  # PostgreSQL: COPY, the bulk path (a third of INSERT … VALUES' cost)
        copy_in(model, columns, copy_text(rows))
        return
    names = ", ".join(f'"{model._meta.fields[c].column_name}"' for c in columns)
    insert_values(f'INSERT INTO "{model._meta.table_name}" ({names}) VALUES ', "", rows, len(columns),
                  page_size)


def _pg_cursor() -> Any:
    """A psycopg2 cursor of this thread's connection, or None on SQLite (or another driver)."""
    if is_sqlite():  # without the import below: a QR submit made it a dozen times (issue 16)
        return None
    cursor = database.obj.cursor()
    try:
        from psycopg2.extensions import cursor as pg_cursor
    except ImportError:
        return None
    return cursor if isinstance(cursor, pg_cursor) else None


# COPY's text format: backslash, tab, newline and carriage return escaped (bodies are JSON).
_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPED = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def copy_in(model: type[Model], columns: Sequence[str], text: str) -> None:
    """PostgreSQL only: rows of `model` already written as COPY text (`copy_text`), one line each.
    A unique index's refusal is raised as peewee's IntegrityError, as any other statement's."""
    names = ", ".join(f'"{model._meta.fields[c].column_name}"' for c in columns)
    with __exception_wrapper__:
        _pg_cursor().copy_expert(f'COPY "{model._meta.table_name}" ({names}) FROM STDIN', io.StringIO(text))


def copy_value(v: Any) -> str:
    kind = type(v)
    if kind is str:  # most values: nothing to escape, and the search is one pass in C
        return _SPECIAL.sub(lambda m: _ESCAPED[m.group()], v) if _SPECIAL.search(v) else v
    if v is None:
        return "\\N"
    if kind is bool:
        return "t" if v else "f"
    if kind is int:
        return str(v)
    return copy_value(v.isoformat() if isinstance(v, date | datetime) else str(v))


def copy_text(rows: Sequence[tuple[Any, ...]]) -> str:
    """The rows in COPY's text format, each line ended by a newline."""
    # Column by column: a column of one type (or that type and NULLs) is made text by one C-level
    # map (str, isoformat, …), and a column of strings is searched once for anything to escape;
    # a call per value was a fifth of a hub's ingest (issue 15). Anything else: per value.
    columns = [_copy_column(values) for values in zip(*rows, strict=True)]
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


_BOOL_TEXT = {True: "t", False: "f"}
_AS_TEXT = {int: str, bool: _BOOL_TEXT.__getitem__, datetime: datetime.isoformat, date: date.isoformat}


def _copy_column(values: tuple[Any, ...]) -> Sequence[str]:
    kinds = set(map(type, values))
    nulls = type(None) in kinds
    kinds.discard(type(None))
    if kinds <= {str}:
        strings = [v for v in values if v is not None] if nulls else values
        if _SPECIAL.search("".join(strings)):  # one search: a special character is one character
            return [copy_value(v) for v in values]
        return ["\\N" if v is None else v for v in values] if nulls else values
    as_text = _AS_TEXT.get(kinds.pop()) if len(kinds) == 1 else None
    if as_text is None:
        return [copy_value(v) for v in values]
    return ["\\N" if v is None else as_text(v) for v in values] if nulls else list(map(as_text, values))


def insert_values(head: str, tail: str, rows: Sequence[tuple[Any, ...]], width: int,
                  page_size: int = 500) -> None:
    """`head` + one VALUES tuple of `width` per row + `tail` (e.g. ON CONFLICT … DO UPDATE),
    through the driver's fast path: psycopg2's execute_values sends a page of rows per statement
    (its executemany is one round trip a row); sqlite3's executemany. On PostgreSQL the rows of
    one statement must not repeat a conflict key."""
    if not rows:
        return
    db = database.obj
    cursor = _pg_cursor()
    if cursor is not None:
        from psycopg2.extras import execute_values

        execute_values(cursor, head + "%s " + tail, rows, page_size=page_size)
    else:
        db.cursor().executemany(head + "(" + ", ".join([db.param] * width) + ") " + tail, rows)
