"""What the kiosk signals besides the screen: the confirmation of a press (every LED, one beep,
one tone: the same for every score, so nothing gives a score away), the spoken title of each
new step, and the status LED.

Pure (no Kivy). kiosk.ui.launch hands in the GPIO outputs (kiosk.feedback) and the sound
(kiosk.sound) when the config asks for them; without them every call does nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

STATUS_EVERY_S = 10.0  # the status LED is brought up to date this often


class Cues:
    def __init__(self, now: Callable[[], float] = time.monotonic) -> None:
        self.feedback: Any = None  # GPIO LEDs/buzzer when configured (kiosk.feedback.Feedback)
        self.sound: Any = None  # confirmation tone and spoken prompts when configured (kiosk.sound.Sound)
        self._now = now
        self._spoken = ""
        self._next_status = 0.0

    def confirm(self) -> None:
        """A press was recorded or answered a question."""
        if self.feedback is not None:
            self.feedback.confirm()
        if self.sound is not None:
            self.sound.confirm()

    def speak(self, words: str) -> None:
        """Say each new step once; `words` is "" on the idle screen (never said over and over)."""
        if self.sound is None:
            return
        if words and words != self._spoken:
            self.sound.say(words)
        self._spoken = words

    def show_status(self, *, storing: bool, server_seen_recently: bool) -> None:
        """The status LED: on while ratings are stored, blinking when the server has been silent."""
        now = self._now()
        if self.feedback is None or now < self._next_status:
            return
        self._next_status = now + STATUS_EVERY_S
        self.feedback.show_status(storing=storing, server_seen_recently=server_seen_recently)
