"""The HAILONG_UI_GEOMETRY dump: what is on the screen and where, in X window coordinates.

Read by the GUI tests (tests/support/kiosk_process.py) and handy to a technician. Only what is
really on screen is listed: the faces while they show, the buttons of the grid on screen, the
thanks screen's lines and code, the time-out warning.
"""

from __future__ import annotations

from typing import Any

from kivy.core.window import Window
from kivy.uix.label import Label
from kivy.uix.widget import Widget

from kiosk.ui.kivy_officer import OfficerButton
from kiosk.ui.kivy_widgets import overflows


def rect(widget: Widget) -> list[int]:
    """[x, y from the top, width, height] of a widget in the window."""
    x, y = widget.to_window(*widget.pos)
    return [round(x), round(Window.height - y - widget.height), round(widget.width), round(widget.height)]


def on_screen(widget: Widget) -> bool:
    return widget.get_root_window() is not None


def describe(screen: Any, **state: Any) -> dict[str, Any]:
    model = screen.model
    faces = {str(score): rect(face) for score, face in screen.faces.items() if on_screen(face)}
    choices = {code: b for code, b in screen.choice_buttons.items() if on_screen(b)}
    # Text that does not fit its box (cut off on screen), for the layout tests.
    clipped = [f"face {score}: {label.text!r}" for score, face in screen.faces.items() if on_screen(face)
               for label in (face.number, face.caption) if overflows(label)]
    clipped += [f"{where}: {label.text!r}" for where, label in screen.labels().items()
                if overflows(label) or label in screen.thanks.overflowing]
    clipped += [f"choice {code}: {_text(b)!r}" for code, b in choices.items() if _clipped(b)]
    buttons = {"language": screen.language_button, "continue": screen.overlay.button,
               "privacy": screen.privacy_button, "privacy_close": screen.privacy_overlay.button}
    if on_screen(screen.privacy_button) and _clipped(screen.privacy_button):
        clipped.append(f"privacy line: {screen.privacy_button.text!r}")
    for button in (screen.left_button, screen.right_button):
        buttons[button.action] = button
    thanks = screen.thanks
    thanks_shown = None
    if on_screen(thanks):
        code = thanks.qr
        thanks_shown = {"qr": rect(code) if code.url and on_screen(code) else None, "qr_url": code.url,
                        "caption": rect(thanks.caption) if on_screen(thanks.caption) else None}
    data = {
        "window": [Window.width, Window.height], "origin": [Window.left, Window.top],
        "screen": model.middle if model else "", "overlay": "timeout" if on_screen(screen.overlay)
        else "privacy" if on_screen(screen.privacy_overlay) else "",
        "faces": faces, "clipped": clipped,
        "choices": {code: rect(b) for code, b in choices.items()},
        "choice_texts": {code: _text(b) for code, b in choices.items()},
        # Officer buttons that show a photo: where it is drawn, and that its file really loaded.
        "photos": {code: rect(b.photo_slot) for code, b in choices.items()
                   if isinstance(b, OfficerButton) and b.photo_slot.width > 0
                   and getattr(b.photo_slot, "texture", None) is not None},
        "chips_selected": [c for c, b in choices.items() if "\u2714" in _text(b)],
        "buttons": {name: rect(b) for name, b in buttons.items()
                    if on_screen(b) and not b.disabled and b.opacity > 0},
        "texts": [label.text for label in screen.labels().values()],
        "progress": model.progress if model else "",
        "progress_font": round(screen.unit.font_size) if model and model.progress else 0,
        "body_font": round(screen.body_font),
        "notice": bool(model and model.notice),
        "slides": screen.slides,
        "thanks": thanks_shown,
        **state,
    }
    return data


def _text(widget: Widget) -> str:
    return widget.text if isinstance(widget, Label | OfficerButton) else ""


def _clipped(widget: Widget) -> bool:
    if isinstance(widget, OfficerButton):
        # The words inside the tile, clear of its edges by the button's padding.
        label = widget.label
        return overflows(label) or label.right > widget.right or label.x < widget.x
    return overflows(widget, 8)
