"""The technician's admin screen (Kivy): a PIN pad behind a long press on the top-left corner,
then the kiosk's facts, a live test of every button and key, and a restart.

While it is open no press is recorded: a technician testing the buttons never adds a rating.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk.shared.faces import BUTTON, BUTTON_CHOSEN, INK, TILE
from kiosk.ui import admin
from kiosk.ui.strings import pin_mask, text

LONG_PRESS_S = 3.0
CORNER_PX = 100
MIN_TOUCH_PX = 80  # 15 mm on a 7" 800x480 panel
IDLE_CLOSE_S = 120.0  # an admin screen left open closes by itself: the counter needs the kiosk


def _button(label: str, on_release: Callable[[], None], font_size: float) -> Button:
    button = Button(text=label, bold=True, color=(1, 1, 1, 1), background_normal="", background_down="",
                    background_color=(*BUTTON, 1), font_size=font_size)
    button.bind(on_release=lambda *_: on_release())
    return button


class _WhiteView(ModalView):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(auto_dismiss=False, background="", background_color=(0, 0, 0, 0.6), **kwargs)


class PinPad(_WhiteView):
    def __init__(self, lock: admin.PinLock, language: str, on_ok: Callable[[], None],
                 tap_ok: Callable[[], bool], font_size: float,
                 on_failure: Callable[[str], None] = lambda _result: None) -> None:
        super().__init__(size_hint=(0.7, 0.9))
        self._on_failure = on_failure  # never given the PIN typed
        self._lock, self._language, self._on_ok, self._tap_ok = lock, language, on_ok, tap_ok
        self.entered = ""
        box = BoxLayout(orientation="vertical", padding=12, spacing=8)
        with box.canvas.before:
            Color(1, 1, 1, 1)
            self._bg = Rectangle()
        box.bind(pos=lambda w, p: setattr(self._bg, "pos", p), size=lambda w, s: setattr(self._bg, "size", s))
        self.message = Label(text=text("admin_pin", language), color=(*INK, 1), font_size=font_size,
                             size_hint_y=0.18)
        box.add_widget(self.message)
        grid = GridLayout(cols=3, spacing=6)
        self.keys: dict[str, Button] = {}
        for key in ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok"):
            label = {"clear": text("clear", language), "ok": "OK"}.get(key, key)
            self.keys[key] = _button(label, lambda k=key: self._press(k), font_size)
            grid.add_widget(self.keys[key])
        box.add_widget(grid)
        self.keys["cancel"] = _button(text("cancel", language), self._cancel, font_size)
        self.keys["cancel"].size_hint_y = 0.16
        box.add_widget(self.keys["cancel"])
        self.add_widget(box)

    def _press(self, key: str) -> None:
        if not self._tap_ok():
            return
        if key == "clear":
            self.entered = ""
        elif key == "ok":
            self._submit()
            return
        elif len(self.entered) < 12:
            self.entered += key
        self.message.text = pin_mask(len(self.entered)) or text("admin_pin", self._language)

    def _submit(self) -> None:
        result = self._lock.check(self.entered)
        self.entered = ""
        if result == "ok":
            self.dismiss()
            self._on_ok()
            return
        self._on_failure(result)
        if result == "wrong":
            self.message.text = text("admin_pin_wrong", self._language)
        else:
            minutes = max(1, math.ceil(self._lock.locked_for() / 60))
            self.message.text = text("admin_pin_locked", self._language, minutes=minutes)

    def _cancel(self) -> None:
        if self._tap_ok():
            self.dismiss()


class AdminPanel(_WhiteView):
    """Four pages behind tabs (status, officer on duty, button/LED/brightness test, pairing
    code), restart and close below. `app` is the KioskApp (duck-typed: its controller,
    cfg, admin gate, touch input, power and cues)."""

    TABS = ("info", "duty", "test", "pairing")

    def __init__(self, app: Any, language: str, font_size: float) -> None:
        super().__init__(size_hint=(0.97, 0.97))
        self._app, self._language = app, language
        self._font = font_size
        self.small = max(18.0, font_size * 0.8)  # technician text: denser than the citizens' screens
        self.tab = "info"
        self.lit: set[int] = set()
        self._unlight: dict[int, Any] = {}
        self._led_event: Any = None
        self._led_step = -1
        box = BoxLayout(orientation="vertical", padding=8, spacing=6)
        with box.canvas.before:
            Color(1, 1, 1, 1)
            self._bg = Rectangle()
        box.bind(pos=lambda w, p: setattr(self._bg, "pos", p), size=lambda w, s: setattr(self._bg, "size", s))
        tabs = BoxLayout(size_hint_y=0.15, spacing=6)
        self.tab_buttons = {name: _button(text(f"admin_tab_{name}", language),
                                          lambda n=name: self._tap(self.show_tab, n), self.small)
                            for name in self.TABS}
        for button in self.tab_buttons.values():
            tabs.add_widget(button)
        box.add_widget(tabs)
        self.content = BoxLayout(orientation="vertical", spacing=6)
        box.add_widget(self.content)
        row = BoxLayout(size_hint_y=0.15, spacing=12)
        self.restart_button = _button(text("admin_restart", language), lambda: self._tap(app.admin.restart),
                                      self.small)
        self.close_button = _button(text("admin_close", language), lambda: self._tap(self.close), self.small)
        row.add_widget(self.restart_button)
        row.add_widget(self.close_button)
        box.add_widget(row)
        self.add_widget(box)

        self.info = self._label(halign="left", valign="top")
        self.info.bind(size=lambda w, s: setattr(w, "text_size", s))
        self._build_duty_page()
        self._build_test_page()
        self._build_pairing_page()
        self._refresh_event = Clock.schedule_interval(lambda _dt: self.refresh(), 2)
        self._idle_event = Clock.schedule_once(lambda _dt: self.close(), IDLE_CLOSE_S)
        self.show_tab("info")

    def _label(self, **kwargs: Any) -> Label:
        return Label(color=(*INK, 1), font_size=self.small, **kwargs)

    def _tap(self, action: Callable[..., None], *args: Any) -> None:
        if self._app.touch.accept("admin"):
            self._keep_open()
            action(*args)

    def _keep_open(self) -> None:
        self._idle_event.cancel()
        self._idle_event = Clock.schedule_once(lambda _dt: self.close(), IDLE_CLOSE_S)

    # --- pages -------------------------------------------------------------------------------
    def show_tab(self, name: str) -> None:
        self.tab = name
        for tab, button in self.tab_buttons.items():
            button.background_color = (*(BUTTON_CHOSEN if tab == name else BUTTON), 1)
        self.content.clear_widgets()
        self.content.add_widget({"info": self.info, "duty": self.duty_page, "test": self.test_page,
                                 "pairing": self.pairing_page}[name])
        self.refresh()

    def _build_duty_page(self) -> None:
        self.duty_page = BoxLayout(orientation="vertical", spacing=6)
        self.duty_hint = self._label(size_hint_y=0.2, halign="left", valign="middle")
        self.duty_hint.bind(size=lambda w, s: setattr(w, "text_size", s))
        self.duty_grid = GridLayout(cols=2, spacing=6, size_hint_y=None, row_default_height=MIN_TOUCH_PX,
                                    row_force_default=True)
        self.duty_grid.bind(minimum_height=self.duty_grid.setter("height"))
        scroll = ScrollView(do_scroll_x=False)
        scroll.add_widget(self.duty_grid)
        self.duty_page.add_widget(self.duty_hint)
        self.duty_page.add_widget(scroll)
        self.duty_buttons: dict[str, Button] = {}
        self._duty_shown: tuple = ()

    def _refresh_duty(self) -> None:
        controller = self._app.controller
        officers = [o for o in (controller.roster or {}).get("officers", []) if o.get("active", True)]
        local = controller.local_duty()
        on_duty = [o["code"] for o in controller.officers_on_duty()]
        state = (tuple(o["code"] for o in officers), tuple(on_duty), local is None)
        self.duty_hint.text = text("admin_duty_hint" if officers else "admin_duty_no_roster", self._language)
        if state == self._duty_shown:
            return
        self._duty_shown = state
        self.duty_grid.clear_widgets()
        self.duty_buttons = {}
        if not officers:
            return
        entries = [("roster", text("admin_duty_roster", self._language), local is None)]
        entries += [(o["code"], o["name"], local is not None and o["code"] in on_duty) for o in officers]
        for code, label, chosen in entries:
            shown = escape_markup(label)
            if chosen:
                shown = f"[font=DejaVuSans]\u2714[/font] {shown}"
            button = _button(shown, lambda c=code: self._tap(self._choose_duty, c), self.small)
            button.markup = True
            button.shorten, button.shorten_from = True, "right"
            button.bind(size=lambda b, size: setattr(b, "text_size", (size[0] - 12, None)))
            button.background_color = (*(BUTTON_CHOSEN if chosen else BUTTON), 1)
            self.duty_buttons[code] = button
            self.duty_grid.add_widget(button)

    def _choose_duty(self, code: str) -> None:
        self._app.controller.set_duty(None if code == "roster" else [code])
        self.refresh()

    def _build_test_page(self) -> None:
        self.test_page = BoxLayout(orientation="vertical", spacing=6)
        tiles = BoxLayout(spacing=6, size_hint_y=0.38)
        pins = self._app.cfg.gpio.rating_pins if self._app.cfg.gpio else None
        order = (5, 4, 3, 2, 1) if self._app.cfg.best_first else (1, 2, 3, 4, 5)
        self.tiles: dict[int, Label] = {}
        for score in order:
            caption = text("admin_button", self._language, score=score)
            if pins:
                caption += f"\nGPIO {pins[score - 1]}"
            tile = Label(text=caption, font_size=self.small, halign="center", bold=True)
            with tile.canvas.before:
                tile._fill = Color(*TILE, 1)
                tile._rect = Rectangle()
            tile.bind(pos=lambda w, p: setattr(w._rect, "pos", p),
                      size=lambda w, s: setattr(w._rect, "size", s))
            self.tiles[score] = tile
            tiles.add_widget(tile)
        self._paint_tiles()
        self.test_page.add_widget(tiles)
        self.button_test = self._label(size_hint_y=0.18,
                                       text=text("admin_button_test", self._language, last="–"))
        self.test_page.add_widget(self.button_test)
        row = BoxLayout(spacing=8, size_hint_y=0.22)
        self.led_button = _button(text("admin_led_test", self._language), lambda: self._tap(self.test_leds),
                                  self.small)
        self.led_status = self._label()
        has_leds = self._app.cues.feedback is not None and self._app.cues.feedback.outputs()
        if has_leds:
            row.add_widget(self.led_button)
        else:
            self.led_status.text = text("admin_led_none", self._language)
        row.add_widget(self.led_status)
        self.test_page.add_widget(row)
        self.brightness_row = BoxLayout(spacing=8, size_hint_y=0.22)
        self.dimmer_button = _button("−", lambda: self._tap(self._brightness, -10), self._font)
        self.brighter_button = _button("+", lambda: self._tap(self._brightness, +10), self._font)
        self.brightness_label = self._label()
        for widget in (self.dimmer_button, self.brightness_label, self.brighter_button):
            self.brightness_row.add_widget(widget)
        if self._app.power.backlight is not None:  # hidden when the panel has no backlight control
            self.test_page.add_widget(self.brightness_row)

    def _paint_tiles(self) -> None:
        for score, tile in self.tiles.items():
            lit = score in self.lit
            tile._fill.rgba = (*(BUTTON_CHOSEN if lit else TILE), 1)
            tile.color = (1, 1, 1, 1) if lit else (*INK, 1)

    def _build_pairing_page(self) -> None:
        self.pairing_page = BoxLayout(orientation="vertical", spacing=6)
        hint = self._label(text=text("admin_pairing_hint", self._language), size_hint_y=0.2,
                           halign="left", valign="middle")
        hint.bind(size=lambda w, s: setattr(w, "text_size", s))
        self.pairing_code = Label(text=self._app.admin.pairing_code(), font_name="RobotoMono-Regular",
                                  color=(*INK, 1), font_size=self._font, halign="left", valign="middle")
        self.pairing_page.add_widget(hint)
        self.pairing_page.add_widget(self.pairing_code)

    # --- live parts --------------------------------------------------------------------------
    def refresh(self) -> None:
        if self.tab == "info":
            self.info.text = "\n".join(admin.fact_lines(self._app.admin.facts(), self._language))
        elif self.tab == "duty":
            self._refresh_duty()
        elif self.tab == "test" and self._app.power.backlight is not None:
            self.brightness_label.text = text("admin_brightness", self._language,
                                              percent=self._app.power.brightness_percent())
        self._app.screen_changed()

    def _brightness(self, delta: int) -> None:
        self._app.power.set_brightness(self._app.power.brightness_percent() + delta)
        self.refresh()

    def show_press(self, score: int, channel: str) -> None:
        """A test press: its tile lights for a second (never a rating)."""
        channel = text(f"channel_{channel}", self._language)
        self.button_test.text = text("admin_button_test", self._language, last=f"{score} ({channel})")
        self.lit.add(score)
        if score in self._unlight:
            self._unlight[score].cancel()
        self._unlight[score] = Clock.schedule_once(lambda _dt: self._unlight_tile(score), 1.5)
        self._paint_tiles()
        self._keep_open()

    def _unlight_tile(self, score: int) -> None:
        self.lit.discard(score)
        self._paint_tiles()
        self._app.screen_changed()

    def test_leds(self) -> None:
        """Each output in turn, 0.7 s each, named on screen (which LED is which)."""
        if self._led_event is not None:
            return
        self._led_step = -1
        self._led_event = Clock.schedule_interval(lambda _dt: self._next_led(), 0.7)
        self._next_led()

    def _next_led(self) -> None:
        feedback = self._app.cues.feedback
        outputs = feedback.outputs()
        self._led_step += 1
        if self._led_step >= len(outputs):
            self._stop_leds()
            self.led_status.text = text("admin_led_done", self._language)
        else:
            kind, pin = outputs[self._led_step]
            feedback.light_only(self._led_step)
            self.led_status.text = text("admin_led_on", self._language,
                                        what=text(f"admin_out_{kind}", self._language, pin=pin))
        self._app.screen_changed()

    def _stop_leds(self) -> None:
        if self._led_event is not None:
            self._led_event.cancel()
            self._led_event = None
            self._app.cues.feedback.light_only(None)

    def visible_buttons(self) -> dict[str, Widget]:
        """For the geometry dump: what a test may tap on the page shown."""
        shown: dict[str, Widget] = {"admin_close": self.close_button, "admin_restart": self.restart_button}
        shown.update({f"tab_{name}": b for name, b in self.tab_buttons.items()})
        if self.tab == "duty":
            shown.update({f"duty_{code}": b for code, b in self.duty_buttons.items()})
        if self.tab == "test":
            if self.led_button.parent:
                shown["led_test"] = self.led_button
            if self.brightness_row.parent:
                shown.update(bright_down=self.dimmer_button, bright_up=self.brighter_button)
        return shown

    def texts(self) -> list[str]:
        return [self.info.text, self.duty_hint.text, self.button_test.text, self.led_status.text,
                self.brightness_label.text, self.pairing_code.text,
                *(b.text for b in self.duty_buttons.values())]

    def close(self) -> None:
        self._stop_leds()
        self._refresh_event.cancel()
        self._idle_event.cancel()
        for event in self._unlight.values():
            event.cancel()
        self.dismiss()
        self._app.admin.closed()
