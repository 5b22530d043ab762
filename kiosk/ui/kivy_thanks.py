"""The thanks screen: a screen of its own, in place of everything else.

"Xin cảm ơn Ông/Bà!", the confirmation line and, when the roster gives a QR address, the code
with its caption right under it, as large as the panel allows (a phone reads it from arm's
length). Nothing on it can be touched: a touch anywhere stops here and reaches no widget, so an
unsure citizen's second tap neither rates again nor picks an officer (K1, K4).
"""

from __future__ import annotations

from typing import Any

from kivy.graphics import Color, Rectangle
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.label import Label

from kiosk.shared.faces import BACKGROUND, INK
from kiosk.ui.kivy_widgets import MIN_TEXT_PX, QrCode

PAD = 24
GAP = 16


class ThanksView(FloatLayout):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.canvas.before:
            Color(*BACKGROUND, 1)
            self._bg = Rectangle(pos=self.pos, size=self.size)
        ink = (*INK, 1)
        self.title = Label(color=ink, bold=True, halign="center", size_hint=(None, None))
        self.body = Label(color=ink, halign="center", size_hint=(None, None))
        self.qr = QrCode(size_hint=(None, None))
        self.caption = Label(color=ink, halign="center", size_hint=(None, None))
        for widget in (self.title, self.body, self.qr, self.caption):
            self.add_widget(widget)
        self.overflowing: list[Label] = []  # what would not fit even at the smallest font
        self.bind(pos=self._layout, size=self._layout)

    def labels(self) -> list[Label]:
        return [self.title, self.body] + ([self.caption] if self.qr.url else [])

    def show(self, title: str, body: str, qr_url: str | None, caption: str) -> None:
        self.title.text, self.body.text = title, body
        self.caption.text = caption if qr_url else ""
        self.qr.show(qr_url)
        self._layout()

    def _layout(self, *_args: Any) -> None:
        self._bg.pos, self._bg.size = self.pos, self.size
        x, y, w, h = self.x + PAD, self.y + PAD, self.width - 2 * PAD, self.height - 2 * PAD
        short = min(self.height, self.width * 0.6)
        self.overflowing = []
        if not self.qr.url:
            self._stack(self.title, self.body, (x, y, w, h), short)
            return
        if self.height > self.width:  # portrait: the words above, the code under them
            words = (x, y + h * 0.58, w, h * 0.42)
            code = (x, y, w, h * 0.58 - GAP)
        else:  # landscape: the words on the left, the code on the right
            words = (x, y, w * 0.55, h)
            code = (x + w * 0.55 + GAP, y, w * 0.45 - GAP, h)
        self._stack(self.title, self.body, words, short)
        self._code_and_caption(code, max(MIN_TEXT_PX, short * 0.05))

    def _stack(self, title: Label, body: Label, box: tuple[float, ...], short: float) -> None:
        """The two lines centred in `box`, shrunk together (down to MIN_TEXT_PX) to fit it."""
        bx, by, bw, bh = box
        fonts = [max(MIN_TEXT_PX * 1.5, short * 0.12), max(MIN_TEXT_PX, short * 0.06)]
        while True:
            heights = [_measure(label, font, bw) for label, font in zip((title, body), fonts, strict=True)]
            if sum(heights) + GAP <= bh or all(f <= MIN_TEXT_PX for f in fonts):
                break
            fonts = [max(MIN_TEXT_PX, f - 2) for f in fonts]
        if sum(heights) + GAP > bh:
            self.overflowing += [title, body]
        top = by + (bh + sum(heights) + GAP) / 2
        title.size, title.pos = (bw, heights[0]), (bx, top - heights[0])
        body.size, body.pos = (bw, heights[1]), (bx, top - heights[0] - GAP - heights[1])

    def _code_and_caption(self, box: tuple[float, ...], font: float) -> None:
        """The largest square code that leaves room for its caption right under it."""
        bx, by, bw, bh = box
        caption_h = _measure(self.caption, font, bw)
        side = max(0.0, min(bw, bh - caption_h - GAP))
        top = by + (bh + side + GAP + caption_h) / 2
        self.qr.size, self.qr.pos = (side, side), (bx + (bw - side) / 2, top - side)
        self.caption.size, self.caption.pos = (bw, caption_h), (bx, top - side - GAP - caption_h)

    # Nothing here is touchable: every touch on the thanks screen ends here.
    def on_touch_down(self, touch) -> bool:
        return self.collide_point(*touch.pos)

    def on_touch_move(self, touch) -> bool:
        return self.collide_point(*touch.pos)

    def on_touch_up(self, touch) -> bool:
        return self.collide_point(*touch.pos)


def _measure(label: Label, font: float, width: float) -> float:
    """The height of `label` wrapped to `width` at `font`."""
    label.font_size, label.text_size = font, (max(1.0, width), None)
    label.texture_update()
    return float(label.texture_size[1])
