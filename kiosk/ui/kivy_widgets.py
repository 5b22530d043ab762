"""The kiosk screen's own Kivy widgets: the faces, buttons, the QR code, and fitting text.

Imported only by the other kivy_* modules (after the Kivy config is written). Every size is a floor
read by elderly citizens at arm's length: no text under MIN_TEXT_PX, no touch target under
MIN_TOUCH_PX.
"""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Ellipse, Line, Rectangle, RoundedRectangle
from kivy.graphics.texture import Texture
from kivy.uix.button import Button
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.shared.faces import FACE_STYLES, INK, TILE, mouth_points
from kiosk.ui.strings import score_label

MIN_TEXT_PX = 24  # no text below this: read by elderly citizens at arm's length
MIN_TOUCH_PX = 80  # 15 mm on a 7" 800x480 panel (5.2 px/mm)


def overflows(label: Label, pad: float = 0) -> bool:
    """The label's text does not fit its box (cut off on screen): the layout tests read this."""
    return label.texture_size[1] > label.height - pad + 1 or label.texture_size[0] > label.width + 1


def fit_font(label: Label, start: float, pad: float = 0) -> None:
    """The largest font from `start` down to MIN_TEXT_PX at which the wrapped text fits."""
    label.font_size = start
    label.texture_update()
    while overflows(label, pad) and label.font_size > MIN_TEXT_PX:
        label.font_size = max(MIN_TEXT_PX, label.font_size - 2)
        label.texture_update()


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




def make_button(label: str, background: tuple[float, float, float], on_release) -> Button:
    # White on these dark fills is at least 7:1 (tests/core/test_contrast.py).
    button = Button(text=label, bold=True, color=(1, 1, 1, 1), background_normal="",
                    background_down="", background_color=(*background, 1), halign="center",
                    valign="middle")
    button.bind(on_release=lambda *_: on_release(), size=lambda b, size: setattr(b, "text_size",
                                                                                 (size[0] - 16, None)))
    return button


class QrCode(Widget):
    """A QR code drawn from its module matrix (no image library needed): one texture of one
    pixel a module, magnified without smoothing, so a layout change redraws one rectangle."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url: str | None = None
        self._texture: Texture | None = None
        self._pixels = b""
        self.bind(pos=self._redraw, size=self._redraw)

    def show(self, url: str | None) -> None:
        if url == self.url:
            return
        self.url = url
        self._texture = None
        if url:
            from kiosk.ui import qr_matrix  # only when a code is shown: the kiosk works without qrcode

            modules = qr_matrix.matrix(url)
            self._pixels = qr_matrix.rgba_rows_bottom_up(modules)
            self._texture = Texture.create(size=(len(modules), len(modules)), colorfmt="rgba")
            self._texture.mag_filter = self._texture.min_filter = "nearest"
            self._texture.add_reload_observer(self._upload)  # a GL context lost and made again
            self._upload(self._texture)
        self._redraw()

    def _upload(self, texture: Texture) -> None:
        texture.blit_buffer(self._pixels, colorfmt="rgba", bufferfmt="ubyte")

    def _redraw(self, *_args: Any) -> None:
        self.canvas.clear()
        if self._texture is None:
            return
        side = min(self.width, self.height)
        x0, y0 = self.x + (self.width - side) / 2, self.y + (self.height - side) / 2
        with self.canvas:
            Color(1, 1, 1, 1)
            Rectangle(texture=self._texture, pos=(x0, y0), size=(side, side))
