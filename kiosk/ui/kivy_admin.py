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

from kiosk import admin
from kiosk.ui.faces import BUTTON, BUTTON_CHOSEN, INK
from kiosk.ui.strings import text

LONG_PRESS_S = 3.0
CORNER_PX = 100
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
        self.message.text = "●" * len(self.entered) or text("admin_pin", self._language)

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
    def __init__(self, facts: Callable[[], admin.KioskFacts], language: str,
                 on_restart: Callable[[], None], on_close: Callable[[], None], font_size: float) -> None:
        super().__init__(size_hint=(0.96, 0.96))
        self._facts, self._language, self._on_close = facts, language, on_close
        box = BoxLayout(orientation="vertical", padding=12, spacing=6)
        with box.canvas.before:
            Color(1, 1, 1, 1)
            self._bg = Rectangle()
        box.bind(pos=lambda w, p: setattr(self._bg, "pos", p), size=lambda w, s: setattr(self._bg, "size", s))
        small = max(18.0, font_size * 0.8)  # technician text: denser than the citizens' screens
        box.add_widget(Label(text=text("admin_title", language), bold=True, color=(*INK, 1),
                             font_size=font_size, size_hint_y=0.12))
        self.info = Label(color=(*INK, 1), font_size=small, halign="left", valign="top")
        self.info.bind(size=lambda w, s: setattr(w, "text_size", s))
        box.add_widget(self.info)
        self.button_test = Label(color=(*BUTTON_CHOSEN, 1), font_size=font_size, size_hint_y=0.14,
                                 text=text("admin_button_test", language, last="–"))
        box.add_widget(self.button_test)
        row = BoxLayout(size_hint_y=0.18, spacing=12)
        self.restart_button = _button(text("admin_restart", language), on_restart, font_size)
        self.close_button = _button(text("admin_close", language), self.close, font_size)
        row.add_widget(self.restart_button)
        row.add_widget(self.close_button)
        box.add_widget(row)
        self.add_widget(box)
        self._refresh_event = Clock.schedule_interval(lambda _dt: self.refresh(), 2)
        self._idle_event = Clock.schedule_once(lambda _dt: self.close(), IDLE_CLOSE_S)
        self.refresh()

    def refresh(self) -> None:
        f = self._facts()
        lines = [
            f"Kiosk: {f.kiosk_id}    hailong {f.version}",
            f"IP: {', '.join(f.addresses) or '?'}    API port: {f.api_port}",
            f"Roster: v{f.roster_version}",
            f"Stored / acked by the server: {f.stored} / {f.acked}"
            + ("    (safe to re-image)" if f.safe_to_reimage else ""),
            f"Last contact with the server: {f.last_server_contact or 'never'}",
            f"Clock: {f.wall_clock}" + ("" if f.clock_synced else "    (not synchronised)"),
            f"Free disk: {f.free_disk_mb} MB"
            + (f"    CPU: {f.cpu_temp_c:.1f} °C" if f.cpu_temp_c is not None else ""),
        ]
        self.info.text = "\n".join(lines)

    def show_press(self, score: int, channel: str) -> None:
        self.button_test.text = text("admin_button_test", self._language, last=f"{score} ({channel})")
        self._idle_event.cancel()
        self._idle_event = Clock.schedule_once(lambda _dt: self.close(), IDLE_CLOSE_S)

    def close(self) -> None:
        self._refresh_event.cancel()
        self._idle_event.cancel()
        self.dismiss()
        self._on_close()
