"""What lies over the kiosk screen: the time-out warning, the privacy notice read in full, and the
dark veil outside service hours.

The time-out warning ("Ông/Bà còn tiếp tục không?" and a large "Tiếp tục") covers the step in
the last seconds before a session times out. A touch anywhere on it means "still here" and does
nothing else: it never answers the question under it. Keys and GPIO buttons are not touches:
they answer the current question as usual, which also ends the warning.
"""

from __future__ import annotations

from typing import Any

from kivy.core.window import Window
from kivy.graphics import Color, Rectangle
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.shared.faces import BACKGROUND, BUTTON_CHOSEN, INK
from kiosk.ui.kivy_widgets import MIN_TEXT_PX, MIN_TOUCH_PX, make_button

VEIL_ALPHA = 0.94  # the step under the warning stays faintly visible: the citizen knows where they are


def veil_down(overlay: Any, touch) -> bool:
    """A touch on an overlay: its button takes it, anywhere else is the overlay's own (never the
    screen's under it)."""
    if overlay.button.collide_point(*touch.pos):
        return overlay.button.on_touch_down(touch)
    touch.ud["veil"] = overlay
    return True


def veil_up(overlay: Any, touch, action) -> bool:
    if touch.ud.get("veil") is overlay:
        del touch.ud["veil"]
        action()
        return True
    return False


class TimeoutOverlay(FloatLayout):
    def __init__(self, on_continue, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_continue = on_continue
        with self.canvas.before:
            Color(*BACKGROUND, VEIL_ALPHA)
            self._veil = Rectangle(pos=self.pos, size=self.size)
        self.box = BoxLayout(orientation="vertical", spacing=24, size_hint=(0.8, 0.6),
                             pos_hint={"center_x": 0.5, "center_y": 0.5})
        self.title = Label(color=(*INK, 1), bold=True, halign="center", valign="middle")
        self.button = make_button("", BUTTON_CHOSEN, on_continue)
        self.button.size_hint = (0.6, None)
        self.button.pos_hint = {"center_x": 0.5}
        self.box.add_widget(self.title)
        self.box.add_widget(self.button)
        self.add_widget(self.box)
        self.bind(pos=self._layout, size=self._layout)

    def show(self, title: str, button: str) -> None:
        self.title.text, self.button.text = title, button

    def _layout(self, *_args: Any) -> None:
        self._veil.pos, self._veil.size = self.pos, self.size
        short = min(self.height, self.width * 0.6)
        self.title.font_size = max(MIN_TEXT_PX * 1.3, short * 0.09)
        self.title.text_size = (self.width * 0.8, None)
        self.button.font_size = max(MIN_TEXT_PX * 1.2, short * 0.07)
        self.button.height = max(MIN_TOUCH_PX * 1.25, self.height * 0.2)

    # The whole veil answers "still here": an elderly citizen need not find the button.
    def on_touch_down(self, touch) -> bool:
        return veil_down(self, touch)

    def on_touch_move(self, touch) -> bool:
        return True

    def on_touch_up(self, touch) -> bool:
        return veil_up(self, touch, self._on_continue) or super().on_touch_up(touch)


class PrivacyOverlay(FloatLayout):
    """The privacy notice in full, over the idle screen: a title, the text, and "Đóng". A touch
    anywhere closes it and does nothing else (never a rating); a key or button rates as ever."""

    def __init__(self, on_close, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_close = on_close
        with self.canvas.before:
            Color(*BACKGROUND, 1)
            self._veil = Rectangle(pos=self.pos, size=self.size)
        self.box = BoxLayout(orientation="vertical", spacing=8, size_hint=(0.94, 0.94),
                             pos_hint={"center_x": 0.5, "center_y": 0.5})
        self.title = Label(color=(*INK, 1), bold=True, halign="center", valign="middle", size_hint_y=0.12)
        self.body = Label(color=(*INK, 1), halign="left", valign="middle", size_hint_y=0.72)
        self.button = make_button("", BUTTON_CHOSEN, on_close)
        self.button.size_hint = (0.4, 0.16)
        self.button.pos_hint = {"center_x": 0.5}
        for widget in (self.title, self.body, self.button):
            self.box.add_widget(widget)
        self.add_widget(self.box)
        self.bind(pos=self._layout, size=self._layout)

    def show(self, title: str, body: str, button: str) -> None:
        self.title.text, self.body.text, self.button.text = title, body, button
        self._layout()

    def _layout(self, *_args: Any) -> None:
        self._veil.pos, self._veil.size = self.pos, self.size
        short = min(self.height, self.width * 0.6)
        self.title.font_size = max(MIN_TEXT_PX * 1.1, short * 0.06)
        self.button.font_size = max(MIN_TEXT_PX, short * 0.05)
        self.title.text_size = (self.width * 0.9, None)
        self.body.text_size = (self.width * 0.92, None)
        # Never below the smallest text an elderly citizen reads at arm's length.
        self.body.font_size = max(MIN_TEXT_PX, short * 0.042)

    def on_touch_down(self, touch) -> bool:
        return veil_down(self, touch)

    def on_touch_move(self, touch) -> bool:
        return True

    def on_touch_up(self, touch) -> bool:
        return veil_up(self, touch, self._on_close) or super().on_touch_up(touch)


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
