"""serve's background push to the province hub: one push at start, then every
[upstream] interval_s (a push that fails is tried again at the next turn: nothing is lost in
between, the commune keeps everything until the hub acknowledges it). No Flask here."""

from __future__ import annotations

import logging
import threading

from sync_server.config import ServerConfig
from sync_server.upstream.push import push_once

log = logging.getLogger(__name__)


class PushLoop:
    def __init__(self, config: ServerConfig) -> None:
        assert config.upstream is not None
        self.config = config
        self.pushes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="push-loop", daemon=True)

    def start(self) -> PushLoop:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Ask the running push to stop after its current batch, and wait for it."""
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        assert self.config.upstream is not None
        while not self._stop.is_set():
            try:
                push_once(self.config, cancel=self._stop)
            except Exception:  # push_once does not raise; a bug must not end the schedule
                log.exception("push loop")
            self.pushes += 1
            self._stop.wait(self.config.upstream.interval_s)
