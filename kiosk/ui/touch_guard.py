"""The screen's guard against one touch arriving twice. Pure: no Kivy, an injectable clock.

A touch panel read by two input providers delivers each touch twice, a few milliseconds apart,
at the same place. The second copy is dropped when it hits the same target as the last touch
accepted there, or any target on a screen that appeared within the window: the first copy
changed the screen under the finger, and the second must not answer the new one (a tap on
"Xong" must not also pick the procedure that appears where "Xong" was). Different targets on a
screen that has been up a moment are different touches, however quick: inside a session no
answer is dropped for coming fast (the cooldown is between sessions only, in kiosk.flow).
"""

from __future__ import annotations

from collections.abc import Hashable

from kiosk.debounce import PressGuard


class TouchGuard(PressGuard):
    """PressGuard's rule per target, and a screen just changed drops any target."""

    def __init__(self, window_s: float, **kwargs) -> None:
        super().__init__(window_s, **kwargs)
        self._screen_since: float | None = None

    def screen_changed(self) -> None:
        """A different screen (step, question, page, overlay) is now showing."""
        self._screen_since = self._clock()

    def accept(self, target: Hashable) -> bool:
        """True when a touch on `target` is a touch of its own, False for a second copy."""
        if self._screen_since is not None and self._clock() - self._screen_since < self.window_s:
            self.dropped += 1
            return False
        return super().accept(target)
