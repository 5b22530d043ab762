"""Numbered schema migrations, run at every start (`init_db`) before anything else touches the
database.

A `schema_version` table holds one row per applied migration. Each migration runs in its own
transaction under a lock (PostgreSQL: an advisory lock; SQLite: BEGIN IMMEDIATE), so two
processes starting at once (`serve` and a cron `pull --once`) apply it once. Migration 1 is the
schema as it was before migrations existed, written with CREATE ... IF NOT EXISTS, so a database
made by that older code is adopted as it is. Migrations define their own frozen tables and never
import `sync_server.db.models`: the models describe the newest schema only. The other way round,
runtime code never imports a migration module: what it needs it has in its own modules.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from peewee import Database, PostgresqlDatabase, SqliteDatabase

from sync_server.exc import ServerError

# A migration is a module here named mNNNN_name.py (found by name, as peewee's playhouse finds
# its own); NNNN is the version it brings the schema to. Adding one is adding the file.
_NAME = re.compile(r"^m(\d{4})_([a-z0-9_]+)\.py$")
_HERE = Path(__file__).resolve().parent
DEFAULT_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # the default of [server] timezone
_LOCK_KEY = 0x6861696C6F6E67  # "hailong": the advisory lock that serialises migrations on PostgreSQL

_CREATE_VERSION_TABLE = (
    'CREATE TABLE IF NOT EXISTS "schema_version" ('
    '"version" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(100) NOT NULL, '
    '"applied_at" VARCHAR(32) NOT NULL)'
)


class MigrationError(ServerError):
    """The database cannot be brought to this software's schema; str() says why and what to do."""

    prefix = "database error: "


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    up: Callable[..., None]  # up(db), or up(db, tz) for one that needs the unit's time zone

    def apply(self, db: Database, tz: ZoneInfo) -> None:
        if "tz" in inspect.signature(self.up).parameters:
            self.up(db, tz)
        else:
            self.up(db)


def module_names() -> list[str]:
    """The migration modules in this folder, in the order of their numbers."""
    return sorted(p.stem for p in _HERE.glob("m[0-9][0-9][0-9][0-9]_*.py") if _NAME.match(p.name))


def migrations() -> list[Migration]:
    found = []
    for module_name in module_names():
        module = importlib.import_module(f"{__name__}.{module_name}")
        found.append(Migration(int(module_name[1:5]), module_name[6:], module.up))
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise MigrationError(f"the migrations in {_HERE} are not numbered 1, 2, 3 … without a gap: "
                             f"{[m.version for m in found]}")
    return found


LATEST = len(module_names())


def _lock(db: Database) -> None:
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))


def _transaction(db: Database):
    # IMMEDIATE takes SQLite's write lock before the version is read, so the read and the DDL
    # cannot interleave with another process doing the same.
    return db.atomic("IMMEDIATE") if isinstance(db, SqliteDatabase) else db.atomic()


def current_version(db: Database) -> int:
    db.execute_sql(_CREATE_VERSION_TABLE)
    row = db.execute_sql('SELECT MAX("version") FROM "schema_version"').fetchone()
    return int(row[0] or 0)


def migrate(db: Database, tz: ZoneInfo | None = None) -> list[int]:
    """Apply every pending migration; return the versions applied now (empty when up to date).
    `tz` is the unit's time zone (`[server] timezone`, whose default it defaults to): a migration
    that computes local days or hours is handed it."""
    tz = tz or DEFAULT_ZONE
    applied: list[int] = []
    with db.connection_context():
        with _transaction(db):
            _lock(db)
            found = current_version(db)
        if found > LATEST:
            raise MigrationError(
                f"the database has schema version {found}, newer than this hailong-server "
                f"(knows up to {LATEST}): install the newer hailong-server that wrote it")
        for m in migrations():
            with _transaction(db):
                _lock(db)
                if current_version(db) >= m.version:
                    continue  # another process applied it meanwhile
                m.apply(db, tz)
                db.execute_sql(
                    'INSERT INTO "schema_version" ("version", "name", "applied_at") VALUES (%s, %s, %s)'
                    .replace("%s", db.param), (m.version, m.name, datetime.now(UTC).isoformat()))
            applied.append(m.version)
    return applied


__all__ = ["LATEST", "Migration", "MigrationError", "current_version", "migrate", "migrations"]
