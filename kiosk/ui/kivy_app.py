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
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.graphics import Color, Ellipse, Line, Rectangle, RoundedRectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.config import KioskConfig
from kiosk.controller import KioskController
from kiosk.debounce import PressGuard
from kiosk.flow import Outcome, Phase
from kiosk.ui.faces import BACKGROUND, FACE_STYLES, INK, mouth_points
from kiosk.ui.strings import score_label, text

log = logging.getLogger(__name__)

TICK_S = 0.2  # flow timers (thanks, inactivity) and roster swaps need no finer grain
TOUCH_DUPLICATE_S = 0.25  # one touch seen by two providers arrives twice within a few ms
FAILURE_SHOWN_S = 8.0
MIN_TEXT_PX = 24  # no text below this: read by elderly citizens at arm's length
NUMPAD_KEYS = {257 + i: i + 1 for i in range(5)}  # Kivy keycodes numpad1..numpad5 (256 = numpad0)


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
        pad = w * 0.06
        caption_h = h * 0.46
        r = max(4.0, min((w - 2 * pad) * 0.42, (h - caption_h - 2 * pad) * 0.5))
        cx, cy = x + w / 2, y + caption_h + (h - caption_h) / 2
        self.canvas.before.clear()
        with self.canvas.before:
            Color(0.95, 0.95, 0.95, 1)
            RoundedRectangle(pos=(x + pad / 2, y + pad / 2), size=(w - pad, h - pad), radius=[w * 0.08])
            Color(*INK, 1)
            Line(rounded_rectangle=(x + pad / 2, y + pad / 2, w - pad, h - pad, w * 0.08), width=1.5)
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
        font = max(MIN_TEXT_PX, min(h * 0.08, w * 0.13))
        number_h = font * 1.7
        self.number.font_size = font * 1.3
        self.number.pos = (x + pad, y + caption_h - number_h)
        self.number.size = (w - 2 * pad, number_h)
        self.number.text_size = (self.number.width, None)
        self.caption.font_size = font
        self.caption.pos = (x + pad, y + pad)
        self.caption.size = (w - 2 * pad, caption_h - number_h - pad)
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


class KioskScreen(BoxLayout):
    """Header (unit, officer, question or thanks), the five faces, footer (hint or controls)."""

    def __init__(self, app: KioskApp, **kwargs: Any) -> None:
        super().__init__(orientation="vertical", **kwargs)
        self.app = app
        lang = app.language
        with self.canvas.before:
            Color(*BACKGROUND, 1)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._layout, size=self._layout)

        ink = (*INK, 1)
        self.header = BoxLayout(orientation="vertical", size_hint_y=0.30, padding=(16, 4))
        self.unit = Label(color=ink, size_hint_y=0.25)
        self.officer = Label(color=ink, size_hint_y=0.3)
        self.question = Label(color=ink, bold=True, halign="center", valign="middle", size_hint_y=0.45)
        for label in (self.unit, self.officer, self.question):
            self.header.add_widget(label)

        order = (5, 4, 3, 2, 1) if app.cfg.best_first else (1, 2, 3, 4, 5)
        self.faces_row = BoxLayout(orientation="horizontal", size_hint_y=0.58, padding=(8, 4), spacing=4)
        self.faces = {s: FaceButton(s, app.on_touch_score, lang) for s in order}
        for score in order:
            self.faces_row.add_widget(self.faces[score])

        self.footer = BoxLayout(orientation="horizontal", size_hint_y=0.12, padding=(16, 4), spacing=16)
        self.hint = Label(color=ink)
        self.skip_button = Button(text=text("skip", lang), bold=True, color=(1, 1, 1, 1),
                                  background_normal="", background_color=(0.25, 0.25, 0.25, 1),
                                  size_hint_x=0.25)
        self.done_button = Button(text=text("done", lang), bold=True, color=(1, 1, 1, 1),
                                  background_normal="", background_color=(0.05, 0.30, 0.60, 1),
                                  size_hint_x=0.25)
        self.skip_button.bind(on_release=lambda *_: app.on_skip())
        self.done_button.bind(on_release=lambda *_: app.on_done())

        self.add_widget(self.header)
        self.add_widget(self.faces_row)
        self.add_widget(self.footer)

    def _layout(self, *_args: Any) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        h = max(self.height, 1)
        body = max(MIN_TEXT_PX, h * 0.045)
        self.unit.font_size = body
        self.officer.font_size = body * 1.1
        self.question.font_size = max(MIN_TEXT_PX * 1.15, h * 0.065)
        self.hint.font_size = body
        for label in (self.unit, self.officer, self.question, self.hint):
            label.text_size = (self.width - 48, None)
            label.halign = "center"
        for button in (self.skip_button, self.done_button):
            button.font_size = body * 1.1

    def show(self, *, phase: Phase, unit: str, officer: str, question: str, progress: str,
             failure: str) -> None:
        if phase is Phase.THANKS:
            # The same words for every score: an officer watching learns nothing.
            self.unit.text = unit
            self.officer.text = text("thanks_body", self.app.language)
            self.question.text = text("thanks_title", self.app.language)
        else:
            self.unit.text = unit
            self.officer.text = officer
            self.question.text = question
        self.footer.clear_widgets()
        if failure:
            self.hint.text = failure
            self.hint.color = (0.70, 0.0, 0.0, 1)
            self.footer.add_widget(self.hint)
        elif phase is Phase.ASKING:
            self.hint.text = progress
            self.hint.color = (*INK, 1)
            self.footer.add_widget(self.skip_button)
            self.footer.add_widget(self.hint)
            self.footer.add_widget(self.done_button)
        else:
            self.hint.text = text("hint", self.app.language)
            self.hint.color = (*INK, 1)
            self.footer.add_widget(self.hint)


class KioskApp(App):
    title = "hailong"

    def __init__(self, cfg: KioskConfig, controller: KioskController, services: list[Any]) -> None:
        super().__init__()
        self.cfg = cfg
        self.language = cfg.language
        self.controller = controller
        self.services = services  # closed in on_stop (API server, GPIO buttons, store)
        self.exit_code = 0
        self._touch_guard = PressGuard(TOUCH_DUPLICATE_S)
        self._keys_down: set[int] = set()
        self._failure_until = 0.0
        self._screen: KioskScreen | None = None

    # --- lifecycle ------------------------------------------------------------------------
    def build(self) -> KioskScreen:
        Window.clearcolor = (*BACKGROUND, 1)
        self._screen = KioskScreen(self)
        self.controller.listeners.append(self.refresh)
        Window.bind(on_key_down=self._on_key_down, on_key_up=self._on_key_up)
        Clock.schedule_interval(self._tick, TICK_S)
        if os.environ.get("HAILONG_UI_GEOMETRY"):
            dump = Clock.create_trigger(self._dump_geometry, 0.3)
            for face in self._screen.faces.values():
                face.bind(pos=lambda *_: dump(), size=lambda *_: dump())
        if threading.current_thread() is threading.main_thread():
            # systemd stops the kiosk with SIGTERM: leave through App.stop so the API closes.
            signal.signal(signal.SIGTERM, lambda *_: Clock.schedule_once(lambda _dt: self.stop(), 0))
        self.refresh()
        return self._screen

    def on_stop(self) -> None:
        if not self.services:  # Kivy may call on_stop twice (stop(), then the loop's exit)
            return
        log.info("kiosk stopping")
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
        self.press(score, "keypad")
        return True

    def _on_key_up(self, _window, key: int, *_args) -> bool:
        self._keys_down.discard(key)
        return False

    def on_skip(self) -> None:
        self.controller.skip()

    def on_done(self) -> None:
        self.controller.done()

    def press(self, score: int, channel: str) -> None:
        outcome = self.controller.press(score, channel)
        if outcome is Outcome.FAILED:
            self._failure_until = Clock.get_boottime() + FAILURE_SHOWN_S
            self.refresh()
        elif outcome is Outcome.IGNORED_COOLDOWN:
            log.info("press ignored: within the cooldown")

    # --- screen -------------------------------------------------------------------------------
    def _tick(self, _dt: float) -> None:
        self.controller.tick()
        if self._failure_until and Clock.get_boottime() >= self._failure_until:
            self._failure_until = 0.0
            self.refresh()

    def refresh(self) -> None:
        if self._screen is None:
            return
        c, lang = self.controller, self.language
        officers = c.officers_on_duty()
        if len(officers) == 1:
            officer = text("officer_on_duty", lang, name=officers[0]["name"])
        elif officers:
            officer = text("officers_on_duty", lang, names=", ".join(o["name"] for o in officers))
        else:
            officer = ""
        index = c.flow.question_index
        total = len(c.flow.questions)
        self._screen.show(
            phase=c.flow.phase,
            unit=c.unit_name() or text("default_unit", lang),
            officer=officer,
            question=c.question_text(index, lang),
            progress=text("question_progress", lang, n=index + 1, total=total),
            failure=text("store_failed", lang) if self._failure_until else "",
        )

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
        data = {"window": [Window.width, Window.height], "origin": [Window.left, Window.top],
                "faces": faces, "clipped": clipped}
        Path(os.environ["HAILONG_UI_GEOMETRY"]).write_text(json.dumps(data))
