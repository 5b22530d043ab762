"""serve's retention purge of personal data kept beside the ratings: citizens' names and phones
(sync_server.qr.contacts) and dossier codes (sync_server.reports.dossier_links). Once at start,
then every hour. The jobs come from the caller (cli), so this module knows neither package."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime

from sync_server.db.models import utcnow

log = logging.getLogger(__name__)
PURGE_EVERY_S = 3600.0
Job = Callable[[datetime], int]  # deletes what expired at that time; returns how many


class RetentionLoop:
    """A job that fails (the database is down) is tried again at the next turn, and the others
    still run; the pages that list such data purge before they show anything, so nothing expired
    is read in between."""

    def __init__(self, jobs: Sequence[tuple[str, Job]]) -> None:
        self.jobs = tuple(jobs)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention-purge", daemon=True)

    def start(self) -> RetentionLoop:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:  # at start, whatever follows: a server stopped quickly still purged once
            for name, job in self.jobs:
                try:
                    job(utcnow())
                except Exception:
                    log.exception("retention purge: %s", name)
            if self._stop.wait(PURGE_EVERY_S):
                return
