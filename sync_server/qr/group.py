"""Group commit: many threads hand in work, one of them writes it all in one transaction.

Under load the QR page's submits queued on SQLite's write lock one by one, each a transaction of
its own, and the losers slept in SQLite's busy handler (sleeps of up to 100 ms each): p99 over a
second at 32 connections. Here a submitter first queues its item; then whoever holds the writer
lock (the *leader*) takes every item waiting and commits them together. A submitter whose item a
leader took finds it done when it gets the lock, and returns at once: each is answered only after
the transaction holding its row has committed (or with the error that kept it out).

No thread of our own: the leader is one of the request threads, on its own database connection.
No Flask, no database here: `commit` is given.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Item:
    """One submitter's work, and what became of it (set by `commit`, read after the lock)."""

    __slots__ = ("work", "result", "error", "done")

    def __init__(self, work: Any) -> None:
        self.work = work
        self.result: Any = None
        self.error: BaseException | None = None
        self.done = False

    def finish(self, result: Any = None, error: BaseException | None = None) -> None:
        self.result, self.error, self.done = result, error, True


class GroupCommit(Generic[T]):
    """`submit(work)` returns what `commit` made of it, or raises its error. `commit(items)` must
    `finish` every item it is given; one it leaves open is failed by `submit`."""

    def __init__(self, commit: Callable[[list[Item]], None]) -> None:
        self._commit = commit
        self._writer = threading.Lock()  # held by the leader while it commits a group
        self._queue = threading.Lock()  # guards `_waiting` only: held for microseconds
        self._waiting: list[Item] = []
        self.groups = 0  # how many groups were committed, and how many items: for tests and benchmarks
        self.items = 0

    def submit(self, work: T) -> Any:
        item = Item(work)
        with self._queue:
            self._waiting.append(item)
        with self._writer:
            if not item.done:  # no leader took it: lead, taking everything that waits now
                with self._queue:
                    group, self._waiting = self._waiting, []
                self._lead(group)
        if item.error is not None:
            raise item.error
        return item.result

    def _lead(self, group: list[Item]) -> None:
        self.groups += 1
        self.items += len(group)
        error: BaseException = RuntimeError("group commit left a submission unanswered")
        try:
            self._commit(group)
        except Exception as e:  # the group failed as a whole: each item still open fails with it
            error = e
        finally:  # even on KeyboardInterrupt no submitter is left without an answer
            for item in group:
                if not item.done:
                    item.finish(error=error)
