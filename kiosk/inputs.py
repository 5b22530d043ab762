"""Five physical rating buttons on GPIO, through gpiozero.

A thin adapter: each button's edge goes through the app's own PressGuard (gpiozero's mock pins
ignore bounce_time, real switches bounce) and then to `on_press(score)`. gpiozero calls back on
its own thread on real pins, so the caller passes an `on_press` that hops to the UI's main
thread (Kivy's Clock.schedule_once); nothing here touches Kivy.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from kiosk.debounce import PressGuard

log = logging.getLogger(__name__)


class RatingButtons:
    """Buttons for scores 1..5 on `pins` (BCM numbers, pins[0] is score 1)."""

    def __init__(
        self,
        pins: Sequence[int],
        on_press: Callable[[int], None],
        *,
        pull_up: bool = True,
        guard: PressGuard,
        pin_factory: Any = None,
    ) -> None:
        from gpiozero import Button  # imported here: `import kiosk` must not need gpiozero

        if len(pins) != 5:
            raise ValueError(f"need five pins for scores 1..5, got {list(pins)}")
        self._on_press = on_press
        self._guard = guard
        self.buttons = []
        try:
            for score, pin in enumerate(pins, start=1):
                # A small hardware-level bounce_time helps on real pins; the guard is what counts.
                button = Button(pin, pull_up=pull_up, bounce_time=0.03, pin_factory=pin_factory)
                button.when_pressed = self._make_handler(score)
                self.buttons.append(button)
        except Exception:
            self.close()
            raise

    def _make_handler(self, score: int) -> Callable[[], None]:
        def handler() -> None:
            if self._guard.accept(("button", score)):
                self._on_press(score)
            else:
                log.debug("button %s: bounce within %.2f s ignored", score, self._guard.window_s)

        return handler

    def close(self) -> None:
        for button in self.buttons:
            button.close()
        self.buttons = []


class AssistButton:
    """The officer's own button ([gpio] assist_pin, out of the citizen's sight): `on_press()`
    marks the rating as assisted (kiosk.assist). Bounces are harmless: marking twice is once."""

    def __init__(self, pin: int, on_press: Callable[[], None], *, pull_up: bool = True,
                 pin_factory: Any = None) -> None:
        from gpiozero import Button

        self.button = Button(pin, pull_up=pull_up, bounce_time=0.03, pin_factory=pin_factory)
        self.button.when_pressed = on_press

    def close(self) -> None:
        self.button.close()


def open_assist_button(pin: int, on_press: Callable[[], None], *, pull_up: bool) -> AssistButton | None:
    """The button, or None with one log line when this machine has no usable GPIO."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return AssistButton(pin, on_press, pull_up=pull_up)
    except Exception as e:  # the rating buttons and touch still work
        log.warning("GPIO assist button unavailable (%s: %s)", type(e).__name__, e)
        return None


def open_rating_buttons(
    pins: Sequence[int],
    on_press: Callable[[int], None],
    *,
    pull_up: bool,
    debounce_s: float,
) -> RatingButtons | None:
    """The buttons, or None with one log line when this machine has no usable GPIO."""
    try:
        with warnings.catch_warnings():  # gpiozero warns once per pin factory it falls back from
            warnings.simplefilter("ignore")
            return RatingButtons(pins, on_press, pull_up=pull_up, guard=PressGuard(debounce_s))
    except Exception as e:  # no gpiozero, no pin factory, pins busy: touch and keys still work
        log.warning("GPIO buttons unavailable (%s: %s); touch and keys 1-5 still work",
                    type(e).__name__, e)
        return None
