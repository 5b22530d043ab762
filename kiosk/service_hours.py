"""Service hours: the screen never dims during them, and dims outside them when idle.

`[display] service_hours = ["08:00-10:30", "14:00-16:30"]` (seed 000's collection windows); an
empty list (the default) means always on. Pure: the clocks are injected, so it is tested without
a screen. What "dim" means (the backlight turned down, or a dark overlay) is the UI's business.

Decision: the first touch on a dimmed screen only wakes it and is not a rating (the citizen
could not see what they touched). A key or GPIO button press wakes it *and* counts: those are
labelled on the hardware, not by the screen.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from datetime import datetime

_RANGE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]|24):([0-5]\d)$")
DEFAULT_DIM_AFTER_S = 60.0

Window = tuple[int, int]  # minutes after midnight, [start, end)


def parse(value: object) -> tuple[Window, ...]:
    """["08:00-10:30", ...] -> ((480, 630), ...); ValueError says what is wrong, for the config."""
    if not isinstance(value, list):
        raise ValueError(f'must be a list like ["08:00-10:30", "14:00-16:30"], got {value!r}')
    windows = []
    for item in value:
        m = _RANGE.match(item) if isinstance(item, str) else None
        if not m:
            raise ValueError(f'{item!r} is not a time range "HH:MM-HH:MM" (24-hour clock)')
        h1, m1, h2, m2 = map(int, m.groups())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if end > 24 * 60 or end <= start:
            raise ValueError(f"{item!r}: the end must come after the start, on the same day")
        windows.append((start, end))
    return tuple(sorted(windows))


def in_service(windows: Sequence[Window], now: datetime) -> bool:
    if not windows:
        return True
    minute = now.hour * 60 + now.minute
    return any(start <= minute < end for start, end in windows)


class ScreenPower:
    """Decides, at each UI tick, whether the screen should be dimmed."""

    def __init__(self, windows: Sequence[Window], dim_after_s: float = DEFAULT_DIM_AFTER_S, *,
                 monotonic: Callable[[], float] = time.monotonic,
                 local_now: Callable[[], datetime] = datetime.now) -> None:
        self.windows = tuple(windows)
        self.dim_after_s = dim_after_s
        self._monotonic, self._local_now = monotonic, local_now
        self._last_activity = monotonic()
        self.dimmed = False

    def activity(self) -> None:
        """Any press or tap: the screen is (or stays) bright for dim_after_s more."""
        self._last_activity = self._monotonic()
        self.dimmed = False

    def update(self, in_session: bool) -> bool:
        """True when the dim state changed. Never dims mid-session or during service hours."""
        want = (not in_session and not in_service(self.windows, self._local_now())
                and self._monotonic() - self._last_activity >= self.dim_after_s)
        if want == self.dimmed:
            return False
        self.dimmed = want
        return True
