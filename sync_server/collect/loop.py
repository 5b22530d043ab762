"""`serve`'s background puller (and `pull` without --once).

Each kiosk has its own schedule: it is pulled every pull_interval_s, and after n failures in a
row it waits interval·2ⁿ (at most max_backoff_s) before the next try. Pulls run in a thread
pool and the loop never waits for one: a dead or slow kiosk (up to its timeouts) holds only its
own thread, never the others' turns. No Flask here.

The kiosks come from `kiosks()` (serve passes `fleet.current`: server.toml's plus those added on
the web, minus retired ones), read again every REFRESH_S, so a kiosk added or retired on the web
is picked up without a restart.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from sync_server.collect.puller import PullResult, pull_kiosk
from sync_server.config import KioskEntry, ServerConfig

log = logging.getLogger(__name__)
TICK_S = 0.2
MAX_THREADS = 32
REFRESH_S = 5.0


@dataclass(frozen=True)
class Backoff:
    interval_s: float
    max_s: float

    def delay(self, failures: int) -> float:
        """Seconds until the next pull after `failures` failures in a row (0 = it went well)."""
        if failures <= 0:
            return self.interval_s
        return min(self.interval_s * 2 ** failures, max(self.max_s, self.interval_s))


class PullLoop:
    def __init__(self, config: ServerConfig, *, clock: Callable[[], float] = time.monotonic,
                 pull: Callable[..., PullResult] = pull_kiosk,
                 kiosks: Callable[[], list[KioskEntry]] | None = None) -> None:
        self.config = config
        self._kiosks = kiosks or (lambda: list(config.kiosks))
        self.backoff = Backoff(config.pull_interval_s, config.max_backoff_s)
        self.clock, self._pull = clock, pull
        self.failures: dict[str, int] = {}
        self.next_due: dict[str, float] = {}
        self.pulls: dict[str, int] = {}  # finished pulls per kiosk (for tests and logs)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pull-loop", daemon=True)

    def start(self) -> PullLoop:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Ask running pulls to stop after their current page, and wait for them."""
        self._stop.set()
        self._thread.join(timeout)

    def _finished(self, entry: KioskEntry, future: Future) -> None:
        try:
            ok = future.result().status == "ok"
        except Exception:  # pull_kiosk does not raise; a bug must not end the loop
            log.exception("pull of %s", entry.id)
            ok = False
        n = 0 if ok else self.failures.get(entry.id, 0) + 1
        self.failures[entry.id] = n
        self.pulls[entry.id] = self.pulls.get(entry.id, 0) + 1
        self.next_due[entry.id] = self.clock() + self.backoff.delay(n)
        if n:
            log.info("%s: %d failure(s) in a row, next try in %.0f s", entry.id, n,
                     self.backoff.delay(n))

    def _refresh(self, kiosks: list[KioskEntry]) -> list[KioskEntry]:
        try:
            return self._kiosks()
        except Exception:  # the database is down: keep pulling the kiosks known so far
            log.exception("reading the kiosk list")
            return kiosks

    def _run(self) -> None:
        kiosks: list[KioskEntry] = []
        refreshed = float("-inf")
        running: dict[str, tuple[KioskEntry, Future]] = {}
        # Threads are started as needed, up to MAX_THREADS.
        with ThreadPoolExecutor(max_workers=MAX_THREADS, thread_name_prefix="pull") as pool:
            while not self._stop.is_set():
                try:
                    if time.monotonic() - refreshed >= REFRESH_S:
                        kiosks, refreshed = self._refresh(kiosks), time.monotonic()
                    for kid, (entry, future) in list(running.items()):
                        if future.done():  # a kiosk retired meanwhile still gets its pull finished
                            del running[kid]
                            self._finished(entry, future)
                    for entry in kiosks:
                        if entry.id not in running and self.next_due.get(entry.id, 0.0) <= self.clock():
                            running[entry.id] = (entry, pool.submit(self._pull, entry, self.config,
                                                                    cancel=self._stop))
                except Exception:
                    log.exception("pull loop")
                self._stop.wait(TICK_S)
