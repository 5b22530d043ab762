"""The app's own guard against one press arriving twice.

gpiozero's mock pins ignore `bounce_time`, real switches bounce, and a touch panel read by two
input providers delivers one touch twice. So the kiosk keeps its own guard: a second press from
the same source within `window_s` of the last accepted one is dropped. Pure, on an injectable
clock, so that it is tested without hardware.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable


class PressGuard:
    def __init__(self, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        if window_s < 0:
            raise ValueError("window_s must be >= 0")
        self.window_s = window_s
        self._clock = clock
        self._last: dict[Hashable, float] = {}
        self.dropped = 0  # how many presses were taken for bounces (shown in the event log)

    def accept(self, source: Hashable) -> bool:
        """True when a press from `source` is a new press, False when it is a bounce."""
        now = self._clock()
        last = self._last.get(source)
        if last is not None and now - last < self.window_s:
            self.dropped += 1
            return False
        self._last[source] = now
        return True
