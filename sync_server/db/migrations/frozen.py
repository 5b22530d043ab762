"""Helpers for migrations: create frozen tables and add columns the same way on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence

from peewee import Database, Field, Model


def create(db: Database, tables: Sequence[type[Model]]) -> None:
    """CREATE TABLE / INDEX IF NOT EXISTS for frozen models, bound to `db` only for this call."""
    with db.bind_ctx(tables, bind_refs=False, bind_backrefs=False):
        db.create_tables(tables, safe=True)


def add_column(db: Database, table: str, name: str, field: Field, default_sql: str | None = None) -> None:
    """ALTER TABLE … ADD COLUMN; a NOT NULL column needs `default_sql` (a literal such as "0"),
    which fills existing rows in the same statement on both databases (no table rebuild)."""
    ctx = db.get_sql_context()
    ddl = db.get_sql_context().sql(field.ddl_datatype(ctx)).query()[0]
    sql = f'ALTER TABLE "{table}" ADD COLUMN "{name}" {ddl}'
    if not field.null:
        if default_sql is None:
            raise ValueError(f"{table}.{name}: a NOT NULL column needs a default")
        sql += f" NOT NULL DEFAULT {default_sql}"
    elif default_sql is not None:
        sql += f" DEFAULT {default_sql}"
    db.execute_sql(sql)


def add_index(db: Database, table: str, columns: Sequence[str], unique: bool = False) -> None:
    name = "_".join([table, *columns])
    cols = ", ".join(f'"{c}"' for c in columns)
    db.execute_sql(f'CREATE {"UNIQUE " if unique else ""}INDEX IF NOT EXISTS "{name}" ON "{table}" ({cols})')
