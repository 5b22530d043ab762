"""The screen's power: the backlight level set on the admin screen, dimming outside service
hours (kiosk.service_hours.ScreenPower decides when), and waking.

The first touch on a dimmed screen only wakes it (the citizen could not see what they touched)
and says so for WAKE_NOTICE_S: nobody should walk away believing that touch was a rating. Keys
and GPIO buttons are labelled on the hardware: they wake the screen and count.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from kivy.core.window import Window

from kiosk import backlight
from kiosk.config import KioskConfig
from kiosk.service_hours import ScreenPower
from kiosk.ui.kivy_overlays import DimOverlay

log = logging.getLogger(__name__)

DIM_PERCENT = 5  # backlight outside service hours: dark, yet visibly on
BRIGHTNESS_KEY = "brightness_percent"  # store meta: the level set on the admin screen
WAKE_NOTICE_S = 10.0  # "Xin chạm lại để đánh giá" after a touch that only woke the screen


class PowerControl:
    def __init__(self, app: Any, cfg: KioskConfig) -> None:
        self.app = app
        self.backlight = backlight.find()
        self.hours = ScreenPower(cfg.service_hours, cfg.dim_after_s)
        self._overlay: DimOverlay | None = None
        self.notice_until = 0.0  # while the wake notice shows (monotonic)

    @property
    def dimmed(self) -> bool:
        return self.hours.dimmed

    def activity(self) -> None:
        self.hours.activity()

    def bind(self) -> None:
        Window.bind(on_touch_down=self._wake_on_touch)
        if self.backlight is not None:
            self.backlight.set_percent(self.brightness_percent())

    # --- brightness (the admin screen) ---------------------------------------------------------
    def brightness_percent(self) -> int:
        stored = self.app.controller.store.meta(BRIGHTNESS_KEY)
        return int(stored) if stored else 100

    def set_brightness(self, percent: int) -> None:
        if self.backlight is None:
            return
        percent = self.backlight.set_percent(percent)
        self.app.controller.store.set_meta(BRIGHTNESS_KEY, str(percent))
        log.info("brightness set to %d%% on the admin screen", percent)

    # --- dimming and waking ----------------------------------------------------------------------
    def apply(self) -> None:
        dimmed = self.hours.dimmed
        log.info("screen %s", "dimmed (outside service hours)" if dimmed else "awake")
        if self.backlight is not None:
            self.backlight.set_percent(DIM_PERCENT if dimmed else self.brightness_percent(), floor=1)
        if dimmed and self._overlay is None:
            self._overlay = DimOverlay(0.0 if self.backlight is not None else 0.85)
            Window.add_widget(self._overlay)
        elif not dimmed and self._overlay is not None:
            Window.remove_widget(self._overlay)
            self._overlay = None
        self.app.screen_changed()

    def wake(self) -> bool:
        """Any press keeps the screen awake; True when it was dimmed (and is now woken)."""
        was_dimmed = self.hours.dimmed
        self.hours.activity()
        if was_dimmed:
            self.apply()
        return was_dimmed

    def _wake_on_touch(self, _window, _touch) -> bool:
        # Bound handlers run before the widgets see the touch: True swallows it.
        if not self.wake():
            return False
        self.notice_until = time.monotonic() + WAKE_NOTICE_S
        self.app.refresh()
        return True

    def clear_notice(self) -> None:
        self.notice_until = 0.0

    def tick(self, busy: bool) -> bool:
        """Dim or wake as the hours say; True when the wake notice has just run out (redraw)."""
        if self.hours.update(in_session=busy):
            self.apply()
        if self.notice_until and time.monotonic() >= self.notice_until:
            self.notice_until = 0.0
            return True
        return False
