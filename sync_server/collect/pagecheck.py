"""One page of a pull, fetched and checked (shape, sizes, store, seq continuity, hash chain)
before anything of it is stored — in this process, or, for a long catch-up, one page ahead in a
process of its own while the puller stores the page before (docs/server.md, "A long catch-up").

The checks are the same either way (sync_server.collect.checks); the other process only moves
their CPU off the puller's GIL. A page checked apart continues the chain at the head that the
previous page's check computed, and the puller stores it only if that is where its stored chain
ends: every link is verified, every page is stored in one transaction with its cursor, as
before. No Flask here.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from kiosk.shared.exc import ProtocolError
from sync_server.collect import checks, rows
from sync_server.collect.client import BadReply, KioskClient, KioskError, NotJson, Unreachable
from sync_server.config import KioskEntry
from sync_server.exc import Refused

log = logging.getLogger(__name__)

# A pull whose backlog is at least this many pages checks them in a process of its own: starting
# it costs ~0.1 s and a few MB, repaid from the third page of 5,000 (bench/RESULTS.md, issue 16).
APART_FROM_PAGES = 3
# Pages asked of that process ahead of the one being stored: with one, it waited for the puller
# to ask for each next page, and the puller for it (a fifth of a PostgreSQL catch-up, issue 16e).
AHEAD_PAGES = 2


@dataclass
class CheckedPage:
    after: tuple[int, str]  # the chain's head this page continues
    head: tuple[int, str]  # the chain's head after it
    responses: list[dict[str, Any]]
    bodies: list[str]  # their canonical JSON, stored as the bodies
    last_seq: int  # the kiosk's last seq, as the page says
    dossiers: dict[str, str]
    cpu_s: float = 0.0  # CPU time of the checking process for this page (0 when checked here)
    prepared: rows.Prepared | None = None  # its rows made ahead, apart (rows.prepare)


def fetch(client: KioskClient, after: int, limit: int) -> dict[str, Any]:
    try:
        return client.request("GET", "/responses", params={"after": after, "limit": limit})
    except NotJson as e:
        raise Refused("garbage", e.said) from None


def check(page: dict[str, Any], store_id: str, after: tuple[int, str]) -> CheckedPage:
    """The page's responses checked and chained onto `after`; Refused for anything that must not
    be stored."""
    responses, bodies, last_seq = checks.check_page(page, store_id, after[0])
    try:
        head = checks.verify_page(responses, bodies, *after)
    except ProtocolError as e:
        raise Refused("chain", str(e)) from None
    return CheckedPage(after, head, responses, bodies, last_seq, checks.page_dossiers(page, responses))


# --- the other process ---------------------------------------------------------------------

_ERRORS: dict[str, type[KioskError]] = {c.__name__: c for c in (Unreachable, BadReply, NotJson)}
_last_head: tuple[int, str] | None = None  # in the checking process: where its last page ended


def _fetch_and_check(entry: KioskEntry, timeouts: tuple[float, float], store_id: str,
                     after: tuple[int, str | None], limit: int,
                     source: rows.RowSource | None = None) -> CheckedPage | tuple[Any, ...]:
    """Run in the checking process. An error comes back as a tuple: an exception's pickled form
    keeps only its text, and the minutes need its message code and values. With a `source`, the
    page's rows are made here too (rows.prepare: COPY text, or rows on SQLite): the puller's
    thread then only sends them, if its transaction reads the same source. `after` = (seq, None):
    the page after `seq`, chained onto the head the page checked before it here ended at, if it
    ended at `seq`."""
    global _last_head
    if after[1] is None:
        if _last_head is None or _last_head[0] != after[0]:
            return ("Unchained",)
        after = _last_head
    _last_head = None
    started = time.process_time()
    client = KioskClient(entry, connect_timeout_s=timeouts[0], read_timeout_s=timeouts[1])
    try:
        checked = check(fetch(client, after[0], limit), store_id, after)
    except Refused as e:
        return ("Refused", e.reason, e.message, e.detail)
    except KioskError as e:
        return (type(e).__name__, e.said)
    finally:
        client.session.close()
    _last_head = checked.head
    if source is not None:
        checked.prepared = rows.prepare(checked.responses, checked.bodies, source)
    checked.cpu_s = time.process_time() - started
    return checked


def available() -> bool:
    """A fork server exists on Linux and macOS, not on Windows (where the office PC may run the
    server): there every page is checked in the puller's own process, as before."""
    return "forkserver" in multiprocessing.get_all_start_methods()


class Apart:
    """Pages fetched and checked in one worker process, started by a fork server (a fork of this
    process itself would copy its other threads' locks: waitress, the pull loop)."""

    def __init__(self, entry: KioskEntry, timeouts: tuple[float, float], store_id: str, limit: int) -> None:
        self.entry, self.timeouts, self.store_id, self.limit = entry, timeouts, store_id, limit
        context = multiprocessing.get_context("forkserver")
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=context)

    def submit(self, after: tuple[int, str | None],
               source: rows.RowSource | None = None) -> Future[CheckedPage | tuple[Any, ...]]:
        return self.pool.submit(_fetch_and_check, self.entry, self.timeouts, self.store_id, after, self.limit,
                                source)

    def result(self, future: Future[CheckedPage | tuple[Any, ...]]) -> CheckedPage | None:
        """The page checked; None if it was asked to follow a page that did not end there."""
        got = future.result()
        if isinstance(got, CheckedPage):
            return got
        if got[0] == "Unchained":
            return None
        if got[0] == "Refused":
            raise Refused(got[1], got[2], got[3])
        raise _ERRORS.get(got[0], BadReply)(got[1])

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


@dataclass
class _Asked:
    seq: int  # the page after this seq
    future: Future[Any]
    apart: bool  # a CheckedPage from the checking process, or a page fetched on the thread


class Pager:
    """The puller's pages in order from its cursor. While one is stored the next is fetched on a
    thread or, for a long catch-up, fetched and checked in the checking process (Apart), up to
    AHEAD_PAGES ahead: each chained there onto the page before it. A page from there is used
    only if it continues the chain exactly where the puller says the stored chain ends; anything
    else (or that process gone) is fetched and checked here."""

    def __init__(self, client: KioskClient, store_id: str, limit: int, fetcher: ThreadPoolExecutor,
                 apart: Apart | None = None, source: rows.RowSource | None = None) -> None:
        self.client, self.store_id, self.limit, self.fetcher = client, store_id, limit, fetcher
        self.apart, self.source = apart, source
        self.asked: deque[_Asked] = deque()
        self.checked_apart, self.cpu_s = 0, 0.0  # pages checked there, and its CPU time for them

    def page(self, at: tuple[int, str]) -> CheckedPage:
        """The page after `at`, checked and chained onto it."""
        self._forget_before(at[0])
        if self.asked:
            asked = self.asked.popleft()
            if not asked.apart:
                return check(asked.future.result(), self.store_id, at)
            if self.apart is not None:
                try:
                    page = self.apart.result(asked.future)
                except BrokenProcessPool:  # killed, or out of memory: the pull goes on without it
                    self._drop()
                else:
                    if page is not None and page.after == at:
                        self.checked_apart += 1
                        self.cpu_s += page.cpu_s
                        return page
        return check(fetch(self.client, at[0], self.limit), self.store_id, at)

    def ask_after(self, head: tuple[int, str], target: int) -> None:
        """Ask for what follows `head` (where the page about to be stored ends), up to `target`."""
        if head[0] >= target:
            return
        self._forget_before(head[0])
        if not self.asked:
            self.asked.append(self._ask((head[0], head[1])))
        while self.apart is not None and len(self.asked) < AHEAD_PAGES:
            seq = self.asked[-1].seq + self.limit  # if the page before it is full, as all but the last are
            if seq >= target:
                break
            self.asked.append(self._ask((seq, None)))

    def _forget_before(self, seq: int) -> None:
        while self.asked and self.asked[0].seq != seq:
            self.asked.popleft()  # asked on a guess that did not hold: never used

    def _ask(self, after: tuple[int, str | None]) -> _Asked:
        if self.apart is not None:
            try:
                return _Asked(after[0], self.apart.submit(after, self.source), True)
            except (BrokenProcessPool, OSError):  # it could not start: the pull goes on without it
                self._drop()
        return _Asked(after[0], self.fetcher.submit(fetch, self.client, after[0], self.limit), False)

    def _drop(self) -> None:
        assert self.apart is not None
        log.warning("the page checking process of %s is gone; checking here", self.client.entry.id)
        self.close()

    def close(self) -> None:
        if self.apart is not None:
            self.apart.close()
            self.apart = None
