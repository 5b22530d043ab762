"""The kiosk app: wires the screen, the inputs, the screen's power, the admin screen and the
cues around KioskController, and runs the timers.

A thin adapter over the controller: touch, keys and GPIO buttons all become `press(score,
channel)` on Kivy's main thread, and the screen (kivy_screen) redraws from the controller's
state through kiosk.ui.screen_model. Each job lives in its own module: kivy_input (touch and
keys), kivy_power (backlight, dimming, waking), kivy_admin_gate (the PIN pad and the admin
screen), cues (LEDs, buzzer, sound). Two events tell whoever listens what happened:
`on_screen_changed` and `on_press_handled(score, channel, arrived, outcome)` (kivy_probes uses
them). Importing this module opens the Kivy window machinery, so only kiosk.ui.launch imports
it, after the Kivy config is written.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window

from kiosk import sdnotify
from kiosk.config import KioskConfig
from kiosk.controller import KioskController
from kiosk.flow import Outcome, Phase
from kiosk.shared import clock
from kiosk.shared.faces import BACKGROUND
from kiosk.ui import screen_model
from kiosk.ui.cues import Cues
from kiosk.ui.kivy_admin_gate import AdminGate
from kiosk.ui.kivy_input import TOUCH_DUPLICATE_S, KeyInput, ScreenInput
from kiosk.ui.kivy_power import PowerControl
from kiosk.ui.kivy_screen import KioskScreen
from kiosk.ui.strings import text

log = logging.getLogger(__name__)

TICK_S = 0.2  # flow timers (thanks, inactivity) and roster swaps need no finer grain
FAILURE_SHOWN_S = 8.0
CLOCK_JUMP_S = 60.0
SERVER_SILENT_S = 24 * 3600  # the status LED blinks when the server has not pulled for a day


def now_minute() -> int:
    return int(time.time() // 60)


class KioskApp(App):
    title = "hailong"
    __events__ = ("on_screen_changed", "on_press_handled")

    def __init__(self, cfg: KioskConfig, controller: KioskController, services: list[Any],
                 contact: Any = None) -> None:
        super().__init__()
        self.cfg = cfg
        self.controller = controller
        self.services = services  # closed in on_stop (API server, GPIO buttons, store)
        self.contact = contact
        self.on_stopping: Any = lambda: None
        self.exit_code = 0
        self.language = cfg.language
        self.screen: KioskScreen | None = None
        self.probes: list[Any] = []  # kiosk.ui.kivy_probes, when launch attaches them
        self.cues = Cues()  # launch hands it the LEDs, buzzer and sound when configured
        self.touch = ScreenInput(self)
        self.keys = KeyInput(self)
        self.power = PowerControl(self, cfg)
        self.admin = AdminGate(self, cfg)
        self.inputs = screen_model.Inputs(keypad=cfg.keypad, buttons=cfg.gpio is not None)
        self._failure_until = 0.0
        self.privacy_open = False  # the privacy notice read in full over the idle screen
        self._screen_key: tuple = ()
        self._last_phase = Phase.IDLE
        self._clock_ref = (time.time(), time.monotonic())
        self._bounces_logged = 0
        self._next_bounce_log = 0.0
        self._stats_minute = now_minute()

    @property
    def failure_shown(self) -> bool:
        return bool(self._failure_until)

    def show_privacy(self, shown: bool) -> None:
        self.privacy_open = shown
        self.refresh()

    # --- lifecycle ------------------------------------------------------------------------
    def build(self) -> KioskScreen:
        Window.clearcolor = (*BACKGROUND, 1)
        Window.allow_screensaver = False  # never blank during service hours; dimming is ours
        self.screen = KioskScreen(self)
        self.power.bind()
        self.controller.listeners.append(self.refresh)
        self.keys.bind()
        Clock.schedule_interval(self._tick, TICK_S)
        # systemd: READY=1 once the first frame is on screen; then a watchdog ping from Kivy's
        # own clock, so a frozen main loop stops the pings and systemd restarts the kiosk.
        Window.bind(on_flip=self._first_frame)
        interval = sdnotify.watchdog_interval_s()
        if interval:
            Clock.schedule_interval(lambda _dt: sdnotify.watchdog(), interval)
        if threading.current_thread() is threading.main_thread():
            # systemd stops the kiosk with SIGTERM: leave through App.stop so the API closes.
            signal.signal(signal.SIGTERM, lambda *_: Clock.schedule_once(lambda _dt: self.stop(), 0))
        self.refresh()
        return self.screen

    def _first_frame(self, *_args: Any) -> None:
        Window.unbind(on_flip=self._first_frame)
        sdnotify.ready(f"kiosk {self.cfg.kiosk_id}: {self.controller.store.count()} responses stored")

    def on_stop(self) -> None:
        if not self.services:  # Kivy may call on_stop twice (stop(), then the loop's exit)
            return
        log.info("kiosk stopping")
        sdnotify.stopping()
        self.on_stopping()  # the "stop" event, while the store is still open
        services, self.services = self.services, []
        for service in reversed(services):
            try:
                service.close()
            except Exception:  # stopping must go on for the others
                log.exception("while closing %r", service)

    # The app's own events: their default handlers do nothing.
    def on_screen_changed(self) -> None:
        pass

    def on_press_handled(self, score: int, channel: str, arrived: float, outcome: Outcome) -> None:
        pass

    def screen_changed(self) -> None:
        """Something on screen changed (a redraw, dimming, the admin screen)."""
        self.dispatch("on_screen_changed")

    # --- presses ------------------------------------------------------------------------------
    def on_button_score(self, score: int) -> None:
        """From the GPIO buttons, already on the main thread (see main_thread_dispatch)."""
        self.press(score, "button")

    def press(self, score: int, channel: str) -> None:
        arrived = time.monotonic()
        if channel != "touch":
            self.power.wake()  # keys and GPIO buttons are labelled on the hardware: they wake and count
        if self.admin.takes_press(score, channel):
            return
        self.power.clear_notice()
        outcome = self.controller.press(score, channel)
        if outcome in (Outcome.RECORDED, Outcome.ANSWERED):
            self.cues.confirm()  # all LEDs, one beep, one tone: the same for every score
        if outcome is Outcome.FAILED:
            self._failure_until = Clock.get_boottime() + FAILURE_SHOWN_S
            self.refresh()
        elif outcome is Outcome.IGNORED_COOLDOWN:
            log.info("press ignored: within the cooldown")
        self.dispatch("on_press_handled", score, channel, arrived, outcome)

    # --- timers -------------------------------------------------------------------------------
    def _tick(self, _dt: float) -> None:
        self.controller.tick()
        busy = self.controller.flow.in_session or self.admin.state != "closed"
        if self.controller.show_stats and not busy and now_minute() != self._stats_minute:
            self._stats_minute = now_minute()  # a new month shows at midnight, not at the next press
            self.refresh()
        notice_over = self.power.tick(busy)
        self._watch_clock_and_bounces()
        self.cues.show_status(storing=not self._failure_until,
                              server_seen_recently=self.contact is None
                              or self.contact.seen_within(SERVER_SILENT_S))
        if self._failure_until and Clock.get_boottime() >= self._failure_until:
            self._failure_until = 0.0
            self.refresh()
        if notice_over:
            self.refresh()

    def _watch_clock_and_bounces(self) -> None:
        """Events for the minutes: the wall clock jumping (NTP arriving, a technician setting
        it) and duplicate touches dropped, at most once a minute, never per bounce."""
        wall, mono = time.time(), time.monotonic()
        jump = (wall - self._clock_ref[0]) - (mono - self._clock_ref[1])
        self._clock_ref = (wall, mono)
        if abs(jump) > CLOCK_JUMP_S:
            log.info("wall clock jumped by %.0f s", jump)
            self.controller.log_event("clock_jump", delta_s=round(jump, 1), synced=clock.clock_synced())
        dropped = self.touch.guard.dropped
        if dropped > self._bounces_logged and mono >= self._next_bounce_log:
            self.controller.log_event("bounce_drop", count=dropped - self._bounces_logged,
                                      window_s=TOUCH_DUPLICATE_S)
            self._bounces_logged, self._next_bounce_log = dropped, mono + 60

    # --- screen -------------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.screen is None:
            return
        phase = self.controller.flow.phase
        if phase is Phase.IDLE and self._last_phase is not Phase.IDLE:
            self.language = self.cfg.language  # the next citizen starts in the default language
        if phase is not Phase.IDLE:
            self.privacy_open = False  # a key or button rated: the notice is not left for the next
        self._last_phase = phase
        failure = text("store_failed", self.language) if self._failure_until else ""
        model = screen_model.build(self.controller, self.language, failure, inputs=self.inputs,
                                   wake_notice=bool(self.power.notice_until), privacy_words=self.cfg.privacy,
                                   privacy_open=self.privacy_open)
        self.screen.show(model, self.language)
        key = (model.middle, model.progress, model.title, model.subtitle, model.timeout_warning)
        if key != self._screen_key:
            self._screen_key = key
            self.touch.guard.screen_changed()  # a copy of the touch that did this must not count here
        # Speak each new step once (never the idle screen over and over).
        spoken = "" if phase is Phase.IDLE else model.title
        if model.timeout_warning:
            spoken = text("timeout_title", self.language)
        self.cues.speak(spoken)
        self.screen_changed()
