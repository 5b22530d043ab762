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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from peewee import Database, PostgresqlDatabase, SqliteDatabase

from sync_server.exc import ServerError

# The modules, in order; the number in the name is the version it brings the schema to.
_MODULES = ("m0001_initial", "m0002_pull_integrity", "m0003_audit", "m0004_reports",
            "m0005_roster_fleet", "m0006_service", "m0007_qr", "m0008_local_hours",
            "m0009_kiosk_photos", "m0010_addendum", "m0011_pull_messages")
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


def migrations() -> list[Migration]:
    found = []
    for module_name in _MODULES:
        module = importlib.import_module(f"{__name__}.{module_name}")
        found.append(Migration(int(module_name[1:5]), module_name[6:], module.up))
    assert [m.version for m in found] == list(range(1, len(found) + 1)), "numbered 1, 2, 3 …"
    return found


LATEST = len(_MODULES)


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
