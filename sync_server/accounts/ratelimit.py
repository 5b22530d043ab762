"""Counting failed logins so that a password cannot be guessed quickly from the LAN."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable


class FailureLimiter:
    """At most `max_failures` failures per key within `window_s`; then the key waits until the
    oldest failure leaves the window. In memory: a restart forgets, which is acceptable here."""

    def __init__(self, max_failures: int = 5, window_s: float = 300.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures, self.window_s, self.clock = max_failures, window_s, clock
        self._failures: dict[Hashable, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: Hashable, now: float) -> deque[float]:
        q = self._failures.get(key, deque())
        while q and q[0] <= now - self.window_s:
            q.popleft()
        if not q:
            self._failures.pop(key, None)
        return q

    def retry_after(self, key: Hashable) -> float:
        """Seconds until `key` may try again; 0 when it may try now."""
        with self._lock:
            now = self.clock()
            q = self._recent(key, now)
            if len(q) < self.max_failures:
                return 0.0
            return q[0] + self.window_s - now

    def fail(self, key: Hashable) -> None:
        with self._lock:
            now = self.clock()
            q = self._recent(key, now)
            q.append(now)
            self._failures[key] = q
            if len(self._failures) > 10000:  # a flood of made-up usernames must not eat memory
                for k in list(self._failures)[:5000]:
                    del self._failures[k]

    def reset(self, key: Hashable) -> None:
        with self._lock:
            self._failures.pop(key, None)
