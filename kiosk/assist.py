"""Assisted rating (NĐ 118/2025 Điều 31.3: staff help elderly, disabled and ethnic-minority
citizens to evaluate). The officer marks the rating as assisted with a key or a button of their
own ([flow] assist_key, [gpio] assist_pin) while helping; the screen shows nothing of it, so an
onlooker learns nothing. The mark goes to the session being rated, or to the next one to end
within `window_s`, once; then it is spent. Stored as the flag "assisted". Pure core: no Kivy."""

from __future__ import annotations

from kiosk.flow import Clock

FLAG = "assisted"
DEFAULT_WINDOW_S = 300.0


class AssistMark:
    def __init__(self, window_s: float = DEFAULT_WINDOW_S, *, clock: Clock) -> None:
        self.window_s = window_s
        self._clock = clock
        self._armed_at: float | None = None

    def arm(self) -> None:
        self._armed_at = self._clock()

    @property
    def armed(self) -> bool:
        return self._armed_at is not None and self._clock() - self._armed_at <= self.window_s

    def take(self) -> bool:
        """True once for the rating stored next while armed; the mark is spent either way."""
        armed, self._armed_at = self.armed, None
        return armed
