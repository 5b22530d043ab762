"""Optional LEDs, buzzer and status LED on GPIO (gpiozero), the same for every score.

Honest as a ballot box: a press lights *all* the confirmation LEDs and beeps once, whichever
face was pressed, so an officer watching learns nothing. The status LED says "stored" (steady)
or "server not seen for a day" (slow blink). gpiozero runs blinks in its own threads.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from typing import Any

log = logging.getLogger(__name__)


class Feedback:
    def __init__(self, led_pins: Sequence[int] = (), buzzer_pin: int | None = None,
                 status_pin: int | None = None, *, pin_factory: Any = None) -> None:
        from gpiozero import LED, Buzzer  # here: `import kiosk` must not need gpiozero

        self.leds = []
        self.buzzer = None
        self.status = None
        try:
            self.leds = [LED(pin, pin_factory=pin_factory) for pin in led_pins]
            if buzzer_pin is not None:
                self.buzzer = Buzzer(buzzer_pin, pin_factory=pin_factory)
            if status_pin is not None:
                self.status = LED(status_pin, pin_factory=pin_factory)
        except Exception:
            self.close()
            raise
        self._status_shown: str | None = None
        # The BCM numbers as configured (gpiozero's pin.number is deprecated).
        self._pins = [*led_pins, *([buzzer_pin] if buzzer_pin is not None else []),
                      *([status_pin] if status_pin is not None else [])]

    def confirm(self) -> None:
        """A press was taken: every LED and one beep, identical for every score."""
        for led in self.leds:
            led.blink(on_time=0.25, off_time=0.15, n=2, background=True)
        if self.buzzer is not None:
            self.buzzer.beep(on_time=0.08, off_time=0.05, n=1, background=True)

    def show_status(self, *, storing: bool, server_seen_recently: bool) -> None:
        """Steady: ratings are stored and the server collects them. Slow blink: stored, but
        the server has not been seen for a day. Off: the kiosk cannot store."""
        if self.status is None:
            return
        state = "off" if not storing else ("on" if server_seen_recently else "blink")
        if state == self._status_shown:
            return
        self._status_shown = state
        if state == "on":
            self.status.on()
        elif state == "blink":
            self.status.blink(on_time=1, off_time=1, background=True)
        else:
            self.status.off()

    def outputs(self) -> list[tuple[str, int]]:
        """(kind, BCM pin) of every output, in the order the admin screen's test lights them:
        "led" (confirmation), "buzzer", "status"."""
        return [(kind, pin) for (kind, _device), pin in zip(self._outputs(), self._pins, strict=True)]

    def _outputs(self) -> list[tuple[str, Any]]:
        return [*(("led", led) for led in self.leds), *(("buzzer", d) for d in [self.buzzer] if d),
                *(("status", d) for d in [self.status] if d)]

    def light_only(self, index: int | None) -> None:
        """The admin screen's test: output `index` on, every other off; None ends the test (the
        status LED shows its state again at the next status tick)."""
        for i, (_kind, device) in enumerate(self._outputs()):
            if i == index:
                device.on()
            else:
                device.off()
        if index is None:
            self._status_shown = None

    def close(self) -> None:
        for device in [*self.leds, self.buzzer, self.status]:
            if device is not None:
                device.close()


def open_feedback(led_pins: Sequence[int], buzzer_pin: int | None, status_pin: int | None) -> Feedback | None:
    if not led_pins and buzzer_pin is None and status_pin is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return Feedback(led_pins, buzzer_pin, status_pin)
    except Exception as e:
        log.warning("GPIO LEDs/buzzer unavailable (%s: %s); the screen still confirms", type(e).__name__, e)
        return None
