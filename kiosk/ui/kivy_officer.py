"""Shared mode's officer button: the officer's photo at the left (when the roster shows one
and the server has sent it), the name in bold and the title under it, on a dark tile.

Citizens often know the face, not the name. The words always fit inside the tile: the font
shrinks to MIN_TEXT_PX, and a title still too long then ends in "…" (the name is never cut).
"""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Rectangle
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.widget import Widget
from kivy.utils import escape_markup

from kiosk.shared.faces import BUTTON
from kiosk.ui.kivy_widgets import MIN_TEXT_PX, fit_font, overflows

PAD = (12, 4)  # between the words and the tile's edges: sides, top and bottom


class OfficerButton(ButtonBehavior, BoxLayout):
    def __init__(self, name: str, title: str, on_choose, font: float, photo: str = "",
                 **kwargs: Any) -> None:
        super().__init__(orientation="horizontal", padding=PAD, spacing=PAD[0] if photo else 0, **kwargs)
        self.officer_name, self.officer_title, self.font = name, title, font
        self._on_choose = on_choose
        with self.canvas.before:
            Color(*BUTTON, 1)  # white on it: tests/core/test_contrast.py "button text"
            self._bg = Rectangle(pos=self.pos, size=self.size)
        # The photo is square, as tall as the tile allows; without one the words take the width.
        self.photo_slot: Widget = (Image(source=photo, fit_mode="contain", size_hint_x=None)
                                   if photo else Widget(size_hint_x=None, width=0))
        # Roster text is escaped: a name with [b] or & shows as typed.
        self.label = Label(markup=True, color=(1, 1, 1, 1), halign="center", valign="middle")
        self.add_widget(self.photo_slot)
        self.add_widget(self.label)
        self.bind(pos=self._redraw, size=self._redraw)
        self.label.bind(size=lambda *_: self._fit())

    @property
    def text(self) -> str:
        return self.label.text

    def on_release(self) -> None:
        self._on_choose()

    def _redraw(self, *_args: Any) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        if isinstance(self.photo_slot, Image):
            self.photo_slot.width = max(0.0, min(self.height - 2 * PAD[1], self.width * 0.35))

    def _markup(self, title: str) -> str:
        name = f"[b]{escape_markup(self.officer_name)}[/b]"
        return f"{name}\n{escape_markup(title)}" if title else name

    def _fit(self) -> None:
        label = self.label
        label.text_size = (max(1, label.width), None)
        label.text = self._markup(self.officer_title)
        fit_font(label, self.font)
        words = self.officer_title.split()
        while overflows(label) and words:
            words.pop()  # a title that cannot fit even at the smallest font loses its end
            label.text = self._markup(" ".join(words) + " …" if words else "")
            label.texture_update()
        label.font_size = max(label.font_size, MIN_TEXT_PX)
