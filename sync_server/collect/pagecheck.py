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

import multiprocessing
import time
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from kiosk.shared.exc import ProtocolError
from sync_server.collect import checks, rows
from sync_server.collect.client import BadReply, KioskClient, KioskError, NotJson, Unreachable
from sync_server.config import KioskEntry
from sync_server.exc import Refused

# A pull whose backlog is at least this many pages checks them in a process of its own: starting
# it costs ~0.1 s and a few MB, repaid from the third page of 5,000 (bench/RESULTS.md, issue 16).
APART_FROM_PAGES = 3


@dataclass
class CheckedPage:
    after: tuple[int, str]  # the chain's head this page continues
    head: tuple[int, str]  # the chain's head after it
    responses: list[dict[str, Any]]
    bodies: list[str]  # their canonical JSON, stored as the bodies
    last_seq: int  # the kiosk's last seq, as the page says
    dossiers: dict[str, str]
    cpu_s: float = 0.0  # CPU time of the checking process for this page (0 when checked here)
    prepared: rows.Prepared | None = None  # its rows made ahead, apart (PostgreSQL)


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


def _fetch_and_check(entry: KioskEntry, timeouts: tuple[float, float], store_id: str,
                     after: tuple[int, str], limit: int,
                     source: rows.RowSource | None = None) -> CheckedPage | tuple[Any, ...]:
    """Run in the checking process. An error comes back as a tuple: an exception's pickled form
    keeps only its text, and the minutes need its message code and values. With a `source`, the
    page's rows are made here too, as COPY text (rows.prepare): the puller's thread then only
    sends them, if its transaction reads the same source."""
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

    def submit(self, after: tuple[int, str],
               source: rows.RowSource | None = None) -> Future[CheckedPage | tuple[Any, ...]]:
        return self.pool.submit(_fetch_and_check, self.entry, self.timeouts, self.store_id, after, self.limit,
                                source)

    def result(self, future: Future[CheckedPage | tuple[Any, ...]]) -> CheckedPage:
        got = future.result()
        if isinstance(got, CheckedPage):
            return got
        if got[0] == "Refused":
            raise Refused(got[1], got[2], got[3])
        raise _ERRORS.get(got[0], BadReply)(got[1])

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)
