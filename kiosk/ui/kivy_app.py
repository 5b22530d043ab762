"""The kiosk app: inputs, timers, the screen's power and the admin screen around KioskScreen.

A thin adapter over KioskController: touch, keys and GPIO buttons all become
`controller.press(score, channel)` on Kivy's main thread, and the screen (kivy_screen) redraws
from the controller's state through kiosk.ui.screen_model. Importing this module opens the Kivy
window machinery, so only `kiosk.ui.launch.run_app` imports it, after the Kivy config is written.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window

from kiosk import backlight, sdnotify
from kiosk.config import KioskConfig
from kiosk.controller import KioskController
from kiosk.flow import Outcome, Phase
from kiosk.service_hours import ScreenPower
from kiosk.shared import clock, pairing
from kiosk.shared.faces import BACKGROUND
from kiosk.ui import admin, kivy_admin, kivy_geometry, screen_model
from kiosk.ui.kivy_overlays import DimOverlay
from kiosk.ui.kivy_screen import KioskScreen
from kiosk.ui.kivy_widgets import MIN_TEXT_PX
from kiosk.ui.strings import text
from kiosk.ui.touch_guard import TouchGuard

log = logging.getLogger(__name__)

TICK_S = 0.2  # flow timers (thanks, inactivity) and roster swaps need no finer grain
TOUCH_DUPLICATE_S = 0.25  # one touch seen by two providers arrives twice within a few ms
FAILURE_SHOWN_S = 8.0
WAKE_NOTICE_S = 10.0  # "Xin chạm lại để đánh giá" after a touch that only woke the screen
EXIT_RESTART = 75
CLOCK_JUMP_S = 60.0
SERVER_SILENT_S = 24 * 3600  # the status LED blinks when the server has not pulled for a day
NUMPAD_KEYS = {257 + i: i + 1 for i in range(5)}  # Kivy keycodes numpad1..numpad5 (256 = numpad0)
DIM_PERCENT = 5  # backlight outside service hours: dark, yet visibly on
BRIGHTNESS_KEY = "brightness_percent"  # store meta: the level set on the admin screen


def now_minute() -> int:
    return int(time.time() // 60)


class KioskApp(App):
    title = "hailong"

    def __init__(self, cfg: KioskConfig, controller: KioskController, services: list[Any],
                 contact: Any = None) -> None:
        super().__init__()
        self.contact = contact
        self.on_stopping: Any = lambda: None
        self.feedback: Any = None  # GPIO LEDs/buzzer when configured
        self.sound: Any = None  # confirmation tone and spoken prompts when configured
        self._spoken = ""
        self._next_status = 0.0
        self._bounces_logged = 0
        self._next_bounce_log = 0.0
        self._clock_ref = (time.time(), time.monotonic())
        self.admin_lock = admin.PinLock(cfg.admin_pin) if cfg.admin_pin else None
        self.admin_state = "closed"  # "pin" while the PIN pad shows, "open" on the admin screen
        self._pin_pad: kivy_admin.PinPad | None = None
        self.backlight = backlight.find()
        self.power = ScreenPower(cfg.service_hours, cfg.dim_after_s)
        self._overlay: DimOverlay | None = None
        self._admin_panel: kivy_admin.AdminPanel | None = None
        self.cfg = cfg
        self.language = cfg.language
        self.controller = controller
        self.services = services  # closed in on_stop (API server, GPIO buttons, store)
        self.exit_code = 0
        self._touch_guard = TouchGuard(TOUCH_DUPLICATE_S)
        self.inputs = screen_model.Inputs(keypad=cfg.keypad, buttons=cfg.gpio is not None)
        self._wake_notice_until = 0.0
        self._screen_key: tuple = ()
        self._keys_down: set[int] = set()
        self._failure_until = 0.0
        self._screen: KioskScreen | None = None
        self._last_phase = Phase.IDLE
        self._dump_trigger = None
        # bench/kiosk_latency.py: "press commit drawn" monotonic times, one line per rating
        self._bench_log = os.environ.get("HAILONG_BENCH_LOG")
        self._bench_times: tuple[float, float] | None = None
        self._stats_minute = now_minute()

    @property
    def failure_shown(self) -> bool:
        return bool(self._failure_until)

    # --- lifecycle ------------------------------------------------------------------------
    def build(self) -> KioskScreen:
        Window.clearcolor = (*BACKGROUND, 1)
        Window.allow_screensaver = False  # never blank during service hours; dimming is ours
        self._screen = KioskScreen(self)
        Window.bind(on_touch_down=self._wake_on_touch)
        self._restore_brightness()
        self.controller.listeners.append(self.refresh)
        Window.bind(on_key_down=self._on_key_down, on_key_up=self._on_key_up)
        Clock.schedule_interval(self._tick, TICK_S)
        if os.environ.get("HAILONG_UI_GEOMETRY"):
            self._dump_trigger = Clock.create_trigger(self._dump_geometry, 0.3)
            screen = self._screen
            for widget in (*screen.faces.values(), screen.choices_grid, screen.footer, screen.thanks.qr,
                           screen.overlay.button):
                widget.bind(pos=lambda *_: self._dump_trigger(), size=lambda *_: self._dump_trigger())
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
        return self._screen

    def _first_frame(self, *_args: Any) -> None:
        Window.unbind(on_flip=self._first_frame)
        if self._bench_log:
            with open(self._bench_log, "a") as f:
                f.write(f"first_frame {time.monotonic():.6f}\n")
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

    # --- inputs -------------------------------------------------------------------------------
    def on_touch_score(self, score: int) -> None:
        if self._touch_guard.accept(("face", score)):
            self.press(score, "touch")
        else:
            log.info("touch within %.2f s of the last one ignored (duplicate touch)", TOUCH_DUPLICATE_S)

    def on_button_score(self, score: int) -> None:
        """From the GPIO buttons, already on the main thread (see main_thread_dispatch)."""
        self.press(score, "button")

    def _on_key_down(self, _window, key: int, _scancode, codepoint, _modifiers) -> bool:
        score = NUMPAD_KEYS.get(key)
        if score is None and codepoint in ("1", "2", "3", "4", "5"):
            score = int(codepoint)
        if score is None or not self.cfg.keypad:
            return False
        if key in self._keys_down:  # auto-repeat of a key held down: one press is one rating
            return True
        self._keys_down.add(key)
        arrived = time.monotonic()
        self.press(score, "keypad")
        if self._bench_log and self.controller.flow.phase is Phase.THANKS:
            self._bench_times = (arrived, time.monotonic())
            Window.bind(on_flip=self._bench_drawn)  # the next frame is the thanks screen
        return True

    def _bench_drawn(self, *_args: Any) -> None:
        Window.unbind(on_flip=self._bench_drawn)
        if self._bench_times and self._bench_log:
            arrived, committed = self._bench_times
            with open(self._bench_log, "a") as f:
                f.write(f"{arrived:.6f} {committed:.6f} {time.monotonic():.6f}\n")
        self._bench_times = None

    def _on_key_up(self, _window, key: int, *_args) -> bool:
        self._keys_down.discard(key)
        return False

    def _tap(self, target: Any, action, *args: Any) -> None:
        """Buttons on the screen: one touch seen twice must not toggle a chip back off, nor
        answer the screen its first copy brought up (kiosk/ui/touch_guard.py)."""
        self._wake_notice_until = 0.0
        if self._touch_guard.accept(target):
            action(*args)

    def on_control(self, action: str) -> None:
        """The footer's buttons (screen_model's SKIP, DONE, CHOOSE_AGAIN, MORE, BACK, NEXT)."""
        handlers = {screen_model.SKIP: self.controller.skip, screen_model.DONE: self.controller.done,
                    screen_model.CHOOSE_AGAIN: self.controller.cancel}
        handler = handlers.get(action) or (lambda: self.controller.procedures.step(action))
        self._tap(("control", action), handler)

    def on_reason(self, code: str) -> None:
        self._tap(("reason", code), self.controller.toggle_reason, code)

    def on_procedure(self, code: str) -> None:
        self._tap(("procedure", code), self.controller.choose_procedure, code or None)

    def on_officer(self, code: str) -> None:
        self._tap(("officer", code), self.controller.choose_officer, code)

    def on_continue(self) -> None:
        """A touch on the time-out warning: the citizen is still there."""
        self._tap("continue", self.controller.keep_alive)

    def on_toggle_language(self) -> None:
        if self._touch_guard.accept("language"):
            self.language = "en" if self.language == "vi" else "vi"
            self.refresh()

    # --- admin screen ----------------------------------------------------------------------
    def open_pin_pad(self) -> None:
        if self.admin_lock is None or self.admin_state != "closed" or self.controller.flow.in_session:
            return
        log.info("admin PIN pad opened (long press)")
        self.admin_state = "pin"
        font = getattr(self._screen, "body_font", MIN_TEXT_PX)
        self._pin_pad = kivy_admin.PinPad(self.admin_lock, self.language, self._open_admin,
                                          lambda: self._touch_guard.accept("admin"), font,
                                          on_failure=lambda result: self.controller.log_event(
                                              "admin_login_failed", result=result))
        self._pin_pad.bind(on_dismiss=lambda *_: self._pin_pad_closed())
        self._pin_pad.message.bind(text=lambda *_: self._trigger_dump())
        self._pin_pad.open()
        self._trigger_dump()

    def _pin_pad_closed(self) -> None:
        if self.admin_state == "pin":
            self.admin_state = "closed"
        self._trigger_dump()

    def _open_admin(self) -> None:
        log.info("admin screen opened")
        self.admin_state = "open"
        font = getattr(self._screen, "body_font", MIN_TEXT_PX)
        self._admin_panel = kivy_admin.AdminPanel(self, self.language, font)
        self._admin_panel.open()
        self._trigger_dump()

    # The admin panel's hooks (kivy_admin.AdminPanel calls these).
    def admin_closed(self) -> None:
        log.info("admin screen closed")
        self.admin_state = "closed"
        self._admin_panel = None
        self.power.activity()
        self.refresh()  # the officer on duty may have changed
        self._trigger_dump()

    def tap_ok(self) -> bool:
        return self._touch_guard.accept("admin")

    def facts(self) -> admin.KioskFacts:
        return admin.gather(self.controller.store, kiosk_id=self.cfg.kiosk_id, api_port=self.cfg.api_port,
                            roster_version=self.controller.roster_version,
                            last_server_contact=self.contact.last if self.contact else "",
                            officers_on_duty=tuple(o["name"] for o in self.controller.officers_on_duty()),
                            duty_chosen_here=self.controller.local_duty() is not None)

    def pairing_code(self) -> str:
        """As `hailong-kiosk status` prints it, wrapped to fit the panel."""
        code = pairing.encode(pairing.Pairing(self.cfg.kiosk_id, pairing.local_url(self.cfg.api_port,
                                                                                    self.cfg.api_host),
                                              self.cfg.api_token))
        return admin.wrap_code(code, per_line=32 if Window.width >= 1000 else 24)

    def restart(self) -> None:
        log.info("restart asked for on the admin screen (exit %d)", EXIT_RESTART)
        self.exit_code = EXIT_RESTART  # non-zero: systemd's Restart=on-failure starts it again
        self.stop()

    def trigger_dump(self) -> None:
        self._trigger_dump()

    def _trigger_dump(self) -> None:
        if self._dump_trigger is not None:
            self._dump_trigger()

    # --- brightness and service hours ----------------------------------------------------------
    def brightness_percent(self) -> int:
        stored = self.controller.store.meta(BRIGHTNESS_KEY)
        return int(stored) if stored else 100

    def set_brightness(self, percent: int) -> None:
        if self.backlight is None:
            return
        percent = self.backlight.set_percent(percent)
        self.controller.store.set_meta(BRIGHTNESS_KEY, str(percent))
        log.info("brightness set to %d%% on the admin screen", percent)

    def _restore_brightness(self) -> None:
        if self.backlight is not None:
            self.backlight.set_percent(self.brightness_percent())

    def _apply_power(self) -> None:
        dimmed = self.power.dimmed
        log.info("screen %s", "dimmed (outside service hours)" if dimmed else "awake")
        if self.backlight is not None:
            self.backlight.set_percent(DIM_PERCENT if dimmed else self.brightness_percent(), floor=1)
        if dimmed and self._overlay is None:
            self._overlay = DimOverlay(0.0 if self.backlight is not None else 0.85)
            Window.add_widget(self._overlay)
        elif not dimmed and self._overlay is not None:
            Window.remove_widget(self._overlay)
            self._overlay = None
        self._trigger_dump()

    def _wake(self) -> bool:
        """Any press keeps the screen awake; True when it was dimmed (and is now woken)."""
        was_dimmed = self.power.dimmed
        self.power.activity()
        if was_dimmed:
            self._apply_power()
        return was_dimmed

    def _wake_on_touch(self, _window, _touch) -> bool:
        # Bound handlers run before the widgets see the touch: True swallows it. The first touch
        # on a dimmed screen only wakes it (the citizen could not see what they touched), and
        # says so: nobody should walk away believing that touch was a rating.
        if not self._wake():
            return False
        self._wake_notice_until = time.monotonic() + WAKE_NOTICE_S
        self.refresh()
        return True

    def press(self, score: int, channel: str) -> None:
        if channel != "touch":
            self._wake()  # keys and GPIO buttons are labelled on the hardware: they wake and count
        if self.admin_state == "open" and self._admin_panel is not None:
            self._admin_panel.show_press(score, channel)  # a test press: never a rating
            self._trigger_dump()
            return
        if self.admin_state == "pin":
            log.info("press %s on %s ignored: the admin PIN pad is open", score, channel)
            return
        self._wake_notice_until = 0.0
        outcome = self.controller.press(score, channel)
        if outcome in (Outcome.RECORDED, Outcome.ANSWERED):
            # All LEDs, one beep, one tone: the same for every score.
            if self.feedback is not None:
                self.feedback.confirm()
            if self.sound is not None:
                self.sound.confirm()
        if outcome is Outcome.FAILED:
            self._failure_until = Clock.get_boottime() + FAILURE_SHOWN_S
            self.refresh()
        elif outcome is Outcome.IGNORED_COOLDOWN:
            log.info("press ignored: within the cooldown")

    # --- screen -------------------------------------------------------------------------------
    def _tick(self, _dt: float) -> None:
        self.controller.tick()
        busy = self.controller.flow.in_session or self.admin_state != "closed"
        if self.controller.show_stats and not busy and now_minute() != self._stats_minute:
            self._stats_minute = now_minute()  # a new month shows at midnight, not at the next press
            self.refresh()
        if self.power.update(in_session=busy):
            self._apply_power()
        self._watch_clock_and_bounces()
        now = time.monotonic()
        if self.feedback is not None and now >= self._next_status:
            self._next_status = now + 10
            self.feedback.show_status(storing=not self._failure_until,
                                      server_seen_recently=self.contact is None
                                      or self.contact.seen_within(SERVER_SILENT_S))
        if self._failure_until and Clock.get_boottime() >= self._failure_until:
            self._failure_until = 0.0
            self.refresh()
        if self._wake_notice_until and now >= self._wake_notice_until:
            self._wake_notice_until = 0.0
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
        dropped = self._touch_guard.dropped
        if dropped > self._bounces_logged and mono >= self._next_bounce_log:
            self.controller.log_event("bounce_drop", count=dropped - self._bounces_logged,
                                      window_s=TOUCH_DUPLICATE_S)
            self._bounces_logged, self._next_bounce_log = dropped, mono + 60

    def refresh(self) -> None:
        if self._screen is None:
            return
        phase = self.controller.flow.phase
        if phase is Phase.IDLE and self._last_phase is not Phase.IDLE:
            self.language = self.cfg.language  # the next citizen starts in the default language
        self._last_phase = phase
        failure = text("store_failed", self.language) if self._failure_until else ""
        model = screen_model.build(self.controller, self.language, failure, inputs=self.inputs,
                                   wake_notice=bool(self._wake_notice_until))
        self._screen.show(model, self.language)
        key = (model.middle, model.progress, model.title, model.subtitle, model.timeout_warning)
        if key != self._screen_key:
            self._screen_key = key
            self._touch_guard.screen_changed()  # a copy of the touch that did this must not count here
        if self.sound is not None:
            # Speak each new step once (never the idle screen over and over).
            spoken = "" if phase is Phase.IDLE else model.title
            if model.timeout_warning:
                spoken = text("timeout_title", self.language)
            if spoken and spoken != self._spoken:
                self.sound.say(spoken)
            self._spoken = spoken
        if self._dump_trigger is not None:
            self._dump_trigger()

    def _dump_geometry(self, _dt: float) -> None:
        """For tests and technicians: what is on screen and where, in X window coordinates."""
        assert self._screen is not None
        data = kivy_geometry.describe(self._screen, phase=self.controller.flow.phase.value,
                                      admin=self.admin_state, dimmed=self.power.dimmed)
        if self._pin_pad is not None and self.admin_state == "pin":
            data["pad"] = {key: kivy_geometry.rect(b) for key, b in self._pin_pad.keys.items()}
            data["texts"].append(self._pin_pad.message.text)
        if self._admin_panel is not None and self.admin_state == "open":
            panel = self._admin_panel
            rect = kivy_geometry.rect
            data["buttons"].update({name: rect(b) for name, b in panel.visible_buttons().items()})
            data["texts"] += panel.texts()
            data["admin_tab"], data["admin_lit"] = panel.tab, sorted(panel.lit)
        Path(os.environ["HAILONG_UI_GEOMETRY"]).write_text(json.dumps(data))
