"""What the QR page reads of the roster on every request, kept while the roster is unchanged.

Each QR submit read the code's officer or counter, the active procedures, the codes the server
knows and the reception points: a dozen queries of rows that change a few times a year, a fifth
of the submit's CPU (issue 16). Here a value read once is kept under the roster's mark: the
setting `roster_changes`, which triggers on every roster table set to a new random value in the
same transaction as any change to them (migration 21), whoever makes it. Every use reads the mark
(one primary-key lookup) and reads the tables again when it moved.

Why this is never stale: the mark is read before the tables, so a value is kept under a mark no
newer than what it holds; a change committed in between moves the mark, and the next use reads
again. Without the mark (a database that lost the row), nothing is kept. What is handed out is
shared by every thread: callers only read it. No Flask here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sync_server.db import database

KEY = "roster_changes"
MAX_VALUES = 2000  # one per code the QR page was opened with, and a few more: codes are the roster's
T = TypeVar("T")

_lock = threading.Lock()
_held: tuple[str, dict[Hashable, Any]] = ("", {})  # (mark, {name: value})


def mark() -> str | None:
    """The roster's current mark, as this transaction sees it; None without one."""
    row = database.execute_sql(f'SELECT "value" FROM "setting" WHERE "key" = {database.obj.param}',
                               (KEY,)).fetchone()
    return row[0] if row else None


def cached(name: Hashable, load: Callable[[], T]) -> T:
    """`load()`, or what it returned earlier under the same roster mark. `load` must read only
    the roster tables (those migration 21 watches) and what `name` says. None is never kept: a
    code nobody has (anyone may type one) must not fill the room of the real ones."""
    global _held
    now = mark()
    if not now:
        return load()
    with _lock:
        if _held[0] != now:
            _held = (now, {})
        values = _held[1]
        if name in values:
            return values[name]
    value = load()
    with _lock:
        if value is not None and len(values) < MAX_VALUES:  # a mark gone by: dropped with its dict
            values[name] = value
    return value


def forget() -> None:
    """Drop every value kept (tests)."""
    global _held
    with _lock:
        _held = ("", {})


__all__ = ["KEY", "cached", "forget", "mark"]
