"""The kiosk's screen: idle (officer, question, five faces), the next question, thanks.

A thin adapter over KioskController: touch, keys and GPIO buttons all become
`controller.press(score, channel)` on Kivy's main thread, and the screen redraws from the
controller's state. Importing this module opens the Kivy window machinery, so only
`kiosk.ui.app.run_app` imports it, after the Kivy config is written.

Honest as a ballot box: nothing on the screen after a press shows which face was chosen; the
thanks screen is the same for every score.
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
from kivy.graphics import Color, Ellipse, Line, Rectangle, RoundedRectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk import admin, backlight, clock, pairing, sdnotify
from kiosk.config import KioskConfig
from kiosk.controller import KioskController
from kiosk.debounce import PressGuard
from kiosk.flow import Outcome, Phase
from kiosk.service_hours import ScreenPower
from kiosk.ui import kivy_admin, screen_model
from kiosk.ui.faces import BACKGROUND, BUTTON, BUTTON_CHOSEN, ERROR, FACE_STYLES, INK, TILE, mouth_points
from kiosk.ui.strings import score_label, text

log = logging.getLogger(__name__)

TICK_S = 0.2  # flow timers (thanks, inactivity) and roster swaps need no finer grain
TOUCH_DUPLICATE_S = 0.25  # one touch seen by two providers arrives twice within a few ms
FAILURE_SHOWN_S = 8.0
MIN_TEXT_PX = 24  # no text below this: read by elderly citizens at arm's length
EXIT_RESTART = 75
MIN_TOUCH_PX = 80  # 15 mm on a 7" 800x480 panel (5.2 px/mm)
CLOCK_JUMP_S = 60.0
SERVER_SILENT_S = 24 * 3600  # the status LED blinks when the server has not pulled for a day
NUMPAD_KEYS = {257 + i: i + 1 for i in range(5)}  # Kivy keycodes numpad1..numpad5 (256 = numpad0)
DIM_PERCENT = 5  # backlight outside service hours: dark, yet visibly on
BRIGHTNESS_KEY = "brightness_percent"  # store meta: the level set on the admin screen


def now_minute() -> int:
    return int(time.time() // 60)


class DimOverlay(Widget):
    """Darkens the whole window outside service hours when the panel has no backlight control
    (transparent when the backlight itself is turned down). Touches are taken by the app's
    window-level handler, so the first one only wakes the screen."""

    def __init__(self, alpha: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.canvas:
            Color(0, 0, 0, alpha)
            self._rect = Rectangle(pos=(0, 0), size=Window.size)
        Window.bind(size=lambda _w, size: setattr(self._rect, "size", size))


class FaceButton(Widget):
    """One face: a white tile with a coloured face drawn on the canvas, its number and label."""

    def __init__(self, score: int, on_choose, language: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.score = score
        self._on_choose = on_choose
        self._touch_inside: set[int] = set()
        self.number = Label(text=str(score), color=(*INK, 1), halign="center", valign="middle", bold=True)
        self.caption = Label(color=(*INK, 1), halign="center", valign="top", bold=True)
        self.set_language(language)
        self.add_widget(self.number)
        self.add_widget(self.caption)
        self.bind(pos=self._redraw, size=self._redraw)

    def set_language(self, language: str) -> None:
        self.caption.text = score_label(self.score, language)

    def _redraw(self, *_args: Any) -> None:
        x, y = self.pos
        w, h = self.size
        style = FACE_STYLES[self.score]
        # A wide tile (portrait screens stack the faces): face on the left, words on the right.
        wide = w > h * 1.6
        pad = min(w, h) * 0.06
        if wide:
            r = max(4.0, (h - 2 * pad) * 0.45)
            cx, cy = x + pad + r + pad, y + h / 2
        else:
            caption_h = h * 0.46
            r = max(4.0, min((w - 2 * pad) * 0.42, (h - caption_h - 2 * pad) * 0.5))
            cx, cy = x + w / 2, y + caption_h + (h - caption_h) / 2
        radius = min(w, h) * 0.08
        self.canvas.before.clear()
        with self.canvas.before:
            Color(*TILE, 1)
            RoundedRectangle(pos=(x + pad / 2, y + pad / 2), size=(w - pad, h - pad), radius=[radius])
            Color(*INK, 1)
            Line(rounded_rectangle=(x + pad / 2, y + pad / 2, w - pad, h - pad, radius), width=1.5)
            Color(*style.fill, 1)
            Ellipse(pos=(cx - r, cy - r), size=(2 * r, 2 * r))
            Color(*INK, 1)
            Line(circle=(cx, cy, r), width=max(1.5, r * 0.04))
            eye = r * 0.11
            for ex in (cx - r * 0.35, cx + r * 0.35):
                Ellipse(pos=(ex - eye, cy + r * 0.22 - eye), size=(2 * eye, 2 * eye))
            Line(points=mouth_points(cx, cy, r, style.mouth_curve), width=max(2.0, r * 0.07),
                 cap="round", joint="round")
            if style.brows:
                for side in (-1, 1):
                    outer_x, inner_x = cx + side * r * 0.55, cx + side * r * 0.18
                    base = cy + r * 0.45
                    Line(points=[outer_x, base, inner_x, base + style.brows * r], width=max(2.0, r * 0.05),
                         cap="round")
        # At least 24 px, the floor for text an elderly citizen reads at arm's length.
        if wide:
            font = max(MIN_TEXT_PX, min(h * 0.22, w * 0.06))
            left = cx + r + pad
            number_w = font * 1.6
            self.number.font_size = font * 1.3
            self.number.pos, self.number.size = (left, y + pad), (number_w, h - 2 * pad)
            self.caption.font_size = font
            self.caption.pos = (left + number_w, y + pad)
            self.caption.size = (x + w - pad - left - number_w, h - 2 * pad)
            self.caption.halign = "left"
        else:
            font = max(MIN_TEXT_PX, min(h * 0.08, w * 0.13))
            number_h = font * 1.7
            self.number.font_size = font * 1.3
            self.number.pos = (x + pad, y + caption_h - number_h)
            self.number.size = (w - 2 * pad, number_h)
            self.caption.font_size = font
            self.caption.pos = (x + pad, y + pad)
            self.caption.size = (w - 2 * pad, caption_h - number_h - pad)
            self.caption.halign = "center"
        self.number.text_size = (self.number.width, None)
        # Width fixed, height free: texture_size then tells whether the words fit (tests check).
        self.caption.text_size = (self.caption.width, None)

    # A tap counts on release inside the face it started on (a slip can be taken back).
    def on_touch_down(self, touch) -> bool:
        if self.collide_point(*touch.pos):
            self._touch_inside.add(touch.uid)
            return True
        return False

    def on_touch_up(self, touch) -> bool:
        if touch.uid in self._touch_inside:
            self._touch_inside.discard(touch.uid)
            if self.collide_point(*touch.pos):
                self._on_choose(self.score)
            return True
        return False


def _button(label: str, background: tuple[float, float, float], on_release) -> Button:
    # White on these dark fills is at least 7:1 (tests/core/test_contrast.py).
    button = Button(text=label, bold=True, color=(1, 1, 1, 1), background_normal="",
                    background_down="", background_color=(*background, 1), halign="center",
                    valign="middle")
    button.bind(on_release=lambda *_: on_release(), size=lambda b, size: setattr(b, "text_size",
                                                                                 (size[0] - 16, None)))
    return button


class QrCode(Widget):
    """A QR code drawn from its module matrix (no image library needed)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url: str | None = None
        self._matrix: list[list[bool]] = []
        self.bind(pos=self._redraw, size=self._redraw)

    def show(self, url: str | None) -> None:
        if url == self.url:
            return
        self.url = url
        self._matrix = []
        if url:
            import qrcode  # only when a code is shown: the kiosk works without it

            code = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
            code.add_data(url)
            code.make(fit=True)
            self._matrix = code.get_matrix()
        self._redraw()

    def _redraw(self, *_args: Any) -> None:
        self.canvas.clear()
        if not self._matrix:
            return
        n = len(self._matrix)
        side = min(self.width, self.height)
        cell = side / n
        x0, y0 = self.x + (self.width - side) / 2, self.y + (self.height - side) / 2
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(pos=(x0, y0), size=(side, side))
            Color(0, 0, 0, 1)
            for row, cells in enumerate(self._matrix):
                for col, dark in enumerate(cells):
                    if dark:
                        Rectangle(pos=(x0 + col * cell, y0 + side - (row + 1) * cell), size=(cell, cell))


class KioskScreen(FloatLayout):
    """Header (unit, officer, question), the middle (faces or a step's choices), the footer;
    a language switch and, on the thanks screen, a QR code float above."""

    def __init__(self, app: KioskApp, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.app = app
        lang = app.language
        with self.canvas.before:
            Color(*BACKGROUND, 1)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._layout, size=self._layout)

        ink = (*INK, 1)
        self.column = BoxLayout(orientation="vertical")
        self.header = BoxLayout(orientation="vertical", size_hint_y=0.30, padding=(16, 4))
        # One line each; a name too long for the screen ends in "…" rather than spilling over.
        self.unit = Label(color=ink, size_hint_y=0.25, max_lines=1, shorten=True, shorten_from="right")
        self.officer = Label(color=ink, size_hint_y=0.25, max_lines=1, shorten=True, shorten_from="right")
        self.question = Label(color=ink, bold=True, halign="center", valign="middle", size_hint_y=0.5)
        self._fit_question = Clock.create_trigger(lambda _dt: self._shrink_to_fit(self.question), 0)
        self.question.bind(size=lambda *_: self._fit_question(), text=lambda *_: self._fit_question())
        for label in (self.unit, self.officer, self.question):
            self.header.add_widget(label)

        order = (5, 4, 3, 2, 1) if app.cfg.best_first else (1, 2, 3, 4, 5)
        self.middle = BoxLayout(size_hint_y=0.60, padding=(8, 4))
        self.faces_row = BoxLayout(orientation="horizontal", spacing=4)
        self.faces = {s: FaceButton(s, app.on_touch_score, lang) for s in order}
        for score in order:
            self.faces_row.add_widget(self.faces[score])
        self.choices_grid = GridLayout(spacing=10)
        self._choices_shown: tuple = ()
        self.choice_buttons: dict[str, Button] = {}

        self.footer = BoxLayout(orientation="horizontal", size_hint_y=None, padding=(16, 4), spacing=16)
        self.hint = Label(color=ink)
        self.skip_button = _button(text("skip", lang), BUTTON, app.on_skip)
        self.done_button = _button(text("done", lang), BUTTON_CHOSEN, app.on_done)
        for button in (self.skip_button, self.done_button):
            button.size_hint_x = 0.25

        self.column.add_widget(self.header)
        self.column.add_widget(self.middle)
        self.column.add_widget(self.footer)
        self.add_widget(self.column)
        self.language_button = _button(text("other_language", lang), BUTTON,
                                       app.on_toggle_language)
        self.language_button.size_hint = (None, None)
        self.add_widget(self.language_button)
        self.qr = QrCode(size_hint=(None, None))
        self.add_widget(self.qr)
        self._model: screen_model.ScreenModel | None = None
        self.question_font = MIN_TEXT_PX * 1.15

    def on_touch_down(self, touch) -> bool:
        corner = kivy_admin.CORNER_PX
        if (self.app.admin_lock is not None and touch.x < self.x + corner
                and touch.y > self.top - corner):
            # A long press on the top-left corner opens the technician's PIN pad.
            touch.ud["admin_long_press"] = Clock.schedule_once(lambda _dt: self.app.open_pin_pad(),
                                                               kivy_admin.LONG_PRESS_S)
            return True
        return super().on_touch_down(touch)

    def on_touch_up(self, touch) -> bool:
        event = touch.ud.pop("admin_long_press", None)
        if event is not None:
            event.cancel()
            return True
        return super().on_touch_up(touch)

    def _layout(self, *_args: Any) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        h = max(self.height, 1)
        # Sized by the short side, so a portrait panel does not get giant words in a narrow column.
        short = min(h, self.width * 0.6)
        body = max(MIN_TEXT_PX, short * 0.045)
        self.body_font = body
        self.unit.font_size = body
        self.officer.font_size = body * 1.1
        self.question_font = max(MIN_TEXT_PX * 1.15, short * 0.065)
        self.question.font_size = self.question_font
        self.hint.font_size = body
        for label in (self.question, self.hint):
            label.text_size = (self.width - 48, None)
            label.halign = "center"
        self.officer.halign = "center"
        for button in (self.skip_button, self.done_button, *self.choice_buttons.values()):
            button.font_size = body
        # 15 mm on a 7" 800x480 panel is about 80 px: the smallest touch target here.
        self.language_button.size = (max(150, self.width * 0.16), max(MIN_TOUCH_PX, h * 0.1))
        self.language_button.font_size = body * 0.9
        self.language_button.pos = (self.right - self.language_button.width - 8,
                                    self.top - self.language_button.height - 8)
        self.footer.height = max(MIN_TOUCH_PX + 8, h * 0.12)
        # Portrait panels stack the five faces; landscape ones line them up.
        self.faces_row.orientation = "vertical" if self.height > self.width else "horizontal"
        # The unit's name must not run under the language button in the corner: centred between
        # equal margins when there is room, else left-aligned beside the button (portrait).
        if self.height > self.width:
            self.unit.halign = "left"
            self.unit.text_size = (max(50, self.width - self.language_button.width - 40), None)
        else:
            self.unit.halign = "center"
            self.unit.text_size = (max(50, self.width - 2 * self.language_button.width - 24), None)
        self.officer.text_size = self.unit.text_size  # the officer line sits beside the button too
        self._place_qr()

    def _place_qr(self) -> None:
        side = max(0, self.header.height - 8)
        self.qr.size = (side, side)
        self.qr.pos = (self.right - side - 8, self.top - side - 4)

    def _shrink_to_fit(self, label: Label) -> None:
        """A long question (two lines on a small panel) gets a smaller font, down to 24 px,
        rather than running out of its box."""
        label.font_size = self.question_font
        label.texture_update()
        while label.texture_size[1] > label.height and label.font_size > MIN_TEXT_PX:
            label.font_size = max(MIN_TEXT_PX, label.font_size - 2)
            label.texture_update()

    def show(self, model: screen_model.ScreenModel, language: str) -> None:
        self.unit.text, self.officer.text, self.question.text = model.unit, model.subtitle, model.title
        # No officer line (shared mode, reasons): its room goes to the question.
        self.officer.size_hint_y = 0.25 if model.subtitle else 0.01
        for face in self.faces.values():
            face.set_language(language)
        self.skip_button.text, self.done_button.text = text("skip", language), text("done", language)
        self.language_button.text = text("other_language", language)
        # The language switch only where a citizen starts; the QR code only on the thanks screen.
        self.language_button.opacity = 1 if model.phase is Phase.IDLE else 0
        self.language_button.disabled = model.phase is not Phase.IDLE
        self.qr.show(model.qr_url)
        # A QR code a phone can read from arm's length needs room: the header grows for it.
        portrait = self.height > self.width
        self.header.size_hint_y = (0.34 if model.qr_url else 0.30) + (0.10 if portrait else 0)
        self.middle.size_hint_y = (0.56 if model.qr_url else 0.60) - (0.10 if portrait else 0)
        Clock.schedule_once(lambda _dt: self._place_qr(), 0)

        self.middle.clear_widgets()
        if model.middle == screen_model.FACES:
            self.middle.add_widget(self.faces_row)
        else:
            self._show_choices(model)
            self.middle.add_widget(self.choices_grid)

        self.footer.clear_widgets()
        self.hint.text = model.hint
        self.hint.color = (*ERROR, 1) if self.app.failure_shown else (*INK, 1)
        if model.footer in (screen_model.QUESTION_CONTROLS, screen_model.REASON_CONTROLS):
            self.footer.add_widget(self.skip_button)
            self.footer.add_widget(self.hint)
            self.footer.add_widget(self.done_button)
        elif model.footer == screen_model.SKIP_ONLY:
            self.footer.add_widget(self.skip_button)
            self.footer.add_widget(self.hint)
        else:
            self.footer.add_widget(self.hint)
        self._model = model

    def _show_choices(self, model: screen_model.ScreenModel) -> None:
        if model.choices == self._choices_shown:
            return
        self._choices_shown = model.choices
        self.choices_grid.clear_widgets()
        self.choice_buttons = {}
        count = len(model.choices)
        self.choices_grid.cols = 2 if count <= 8 else 3
        on_choose = {screen_model.REASONS: self.app.on_reason, screen_model.PROCEDURES: self.app.on_procedure,
                     screen_model.OFFICERS: self.app.on_officer}[model.middle]
        for choice in model.choices:
            colour = BUTTON_CHOSEN if choice.selected else BUTTON
            # Roster text is escaped: a name with [b] or & must show as typed. The tick comes
            # from DejaVu Sans (bundled with Kivy); Roboto has no such glyph.
            label = escape_markup(choice.label)
            if choice.selected:
                label = f"[font=DejaVuSans]\u2714[/font] {label}"
            button = _button(label, colour, lambda code=choice.code: on_choose(code))
            button.markup = True
            button.font_size = getattr(self, "body_font", MIN_TEXT_PX)
            self.choice_buttons[choice.code] = button
            self.choices_grid.add_widget(button)


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
        self._touch_guard = PressGuard(TOUCH_DUPLICATE_S)
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
            for face in self._screen.faces.values():
                face.bind(pos=lambda *_: self._dump_trigger(), size=lambda *_: self._dump_trigger())
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
        if self._touch_guard.accept("touch"):
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

    def _tap(self, action, *args: Any) -> None:
        """Buttons on the screen: one touch seen twice must not toggle a reason back off."""
        if self._touch_guard.accept("tap"):
            action(*args)

    def on_skip(self) -> None:
        self._tap(self.controller.skip)

    def on_done(self) -> None:
        self._tap(self.controller.done)

    def on_reason(self, code: str) -> None:
        self._tap(self.controller.toggle_reason, code)

    def on_procedure(self, code: str) -> None:
        self._tap(self.controller.choose_procedure, code or None)

    def on_officer(self, code: str) -> None:
        self._tap(self.controller.choose_officer, code)

    def on_toggle_language(self) -> None:
        if self._touch_guard.accept("tap"):
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
                                          lambda: self._touch_guard.accept("tap"), font,
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
        return self._touch_guard.accept("tap")

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
        # on a dimmed screen only wakes it (the citizen could not see what they touched).
        return self._wake()

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
        model = screen_model.build(self.controller, self.language, failure)
        self._screen.show(model, self.language)
        if self.sound is not None:
            # Speak each new step once (never the idle screen over and over).
            spoken = "" if phase is Phase.IDLE else model.title
            if spoken and spoken != self._spoken:
                self.sound.say(spoken)
            self._spoken = spoken
        if self._dump_trigger is not None:
            self._dump_trigger()

    def _dump_geometry(self, _dt: float) -> None:
        """For tests and technicians: where each face is, in X window coordinates."""
        assert self._screen is not None
        height = Window.height
        faces = {}
        for score, face in self._screen.faces.items():
            x, y = face.to_window(*face.pos)
            faces[str(score)] = [round(x), round(height - y - face.height), round(face.width),
                                 round(face.height)]
        # Text that does not fit its box (cut off on screen), for the layout tests.
        clipped = [f"face {score}: {label.text!r}" for score, face in self._screen.faces.items()
                   for label in (face.number, face.caption)
                   if label.texture_size[1] > label.height + 1]
        clipped += [f"header: {label.text!r}" for label in (self._screen.unit, self._screen.officer,
                                                            self._screen.question, self._screen.hint)
                    if label.texture_size[1] > label.height + 1]
        def rect(widget: Widget) -> list[int]:
            x, y = widget.to_window(*widget.pos)
            return [round(x), round(height - y - widget.height), round(widget.width), round(widget.height)]

        screen = self._screen
        buttons = {"skip": screen.skip_button, "done": screen.done_button, "language": screen.language_button}
        data = {"window": [Window.width, Window.height], "origin": [Window.left, Window.top],
                "phase": self.controller.flow.phase.value, "faces": faces, "clipped": clipped,
                "choices": {code: rect(b) for code, b in screen.choice_buttons.items() if b.parent},
                "chips_selected": [c for c, b in screen.choice_buttons.items()
                                   if b.parent and "\u2714" in b.text],
                "buttons": {name: rect(b) for name, b in buttons.items() if b.parent and not b.disabled},
                "texts": [screen.unit.text, screen.officer.text, screen.question.text, screen.hint.text],
                "admin": self.admin_state, "dimmed": self.power.dimmed}
        if self._pin_pad is not None and self.admin_state == "pin":
            data["pad"] = {key: rect(b) for key, b in self._pin_pad.keys.items()}
            data["texts"].append(self._pin_pad.message.text)
        if self._admin_panel is not None and self.admin_state == "open":
            panel = self._admin_panel
            data["buttons"].update({name: rect(b) for name, b in panel.visible_buttons().items()})
            data["texts"] += panel.texts()
            data["admin_tab"], data["admin_lit"] = panel.tab, sorted(panel.lit)
        Path(os.environ["HAILONG_UI_GEOMETRY"]).write_text(json.dumps(data))
