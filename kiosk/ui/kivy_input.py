"""Touch and keys into the kiosk: what the screen's faces and buttons call, and a USB keyboard
or keypad's keys 1-5.

Touch goes through a guard (kiosk/ui/touch_guard.py): one touch that a panel reports twice must
neither toggle a chip back off nor answer the screen its first copy brought up. A key held
down is one press, never an auto-repeat. Everything runs on Kivy's main thread and ends in
`app.press(score, channel)` or a controller call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.dossier import Press, Scan, ScanBuffer
from kiosk.ui import screen_model
from kiosk.ui.touch_guard import TouchGuard

log = logging.getLogger(__name__)

TOUCH_DUPLICATE_S = 0.25  # one touch seen by two providers arrives twice within a few ms
NUMPAD_KEYS = {257 + i: i + 1 for i in range(5)}  # Kivy keycodes numpad1..numpad5 (256 = numpad0)


class ScreenInput:
    """The faces and buttons of KioskScreen (and the admin screen's taps, through `accept`)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.guard = TouchGuard(TOUCH_DUPLICATE_S)

    def accept(self, target: Any) -> bool:
        """True for the first touch on `target`, False for its duplicate."""
        return self.guard.accept(target)

    def on_score(self, score: int) -> None:
        if self.guard.accept(("face", score)):
            self.app.press(score, "touch")
        else:
            log.info("touch within %.2f s of the last one ignored (duplicate touch)", TOUCH_DUPLICATE_S)

    def _tap(self, target: Any, action: Callable[..., Any], *args: Any) -> None:
        self.app.power.clear_notice()
        if self.guard.accept(target):
            action(*args)

    def on_control(self, action: str) -> None:
        """The footer's buttons (screen_model's SKIP, DONE, CHOOSE_AGAIN, MORE, BACK, NEXT)."""
        controller = self.app.controller
        handlers = {screen_model.SKIP: controller.skip, screen_model.DONE: controller.done,
                    screen_model.CHOOSE_AGAIN: controller.cancel}
        handler = handlers.get(action) or (lambda: controller.procedures.step(action))
        self._tap(("control", action), handler)

    def on_reason(self, code: str) -> None:
        self._tap(("reason", code), self.app.controller.toggle_reason, code)

    def on_procedure(self, code: str) -> None:
        self._tap(("procedure", code), self.app.controller.choose_procedure, code or None)

    def on_yes_no(self, code: str) -> None:
        self._tap(("yes_no", code), self.app.controller.answer_yes_no, code == screen_model.YES)

    def on_privacy(self, shown: bool) -> None:
        """The idle screen's privacy line opens the full notice; a touch on the notice closes it."""
        self._tap(("privacy", shown), self.app.show_privacy, shown)

    def on_officer(self, code: str) -> None:
        self._tap(("officer", code), self.app.controller.choose_officer, code)

    def on_continue(self) -> None:
        """A touch on the time-out warning: the citizen is still there."""
        self._tap("continue", self.app.controller.keep_alive)

    def on_toggle_language(self) -> None:
        if self.guard.accept("language"):
            self.app.language = "en" if self.app.language == "vi" else "vi"
            self.app.refresh()


def key_name(key: int, codepoint: str | None) -> str:
    """The name [flow] assist_key uses: "numpad0", "f1".."f12", else the character typed."""
    if key == 256:
        return "numpad0"
    if 282 <= key <= 293:
        return f"f{key - 281}"
    return (codepoint or "").lower()


ENTER_KEYS = (13, 271)  # Enter and the numpad's Enter: a scanner ends its code with one
MODIFIER_KEYS = range(300, 320)  # Kivy's codes of Shift, Ctrl, Alt, Caps Lock…


class KeyInput:
    """Keys 1-5 and numpad 1-5 while the config's keypad is on (USB arcade-button encoders).
    With [dossier] on, a USB scanner's code (a fast burst of keys, then Enter) is told apart from
    a press (kiosk.dossier) and handed to the controller; the screen shows nothing of it."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self._down: set[int] = set()
        self.scans = (ScanBuffer(app.cfg.dossier_gap_s, clock=time.monotonic) if app.cfg.dossier_pattern
                      else None)

    def bind(self) -> None:
        Window.bind(on_key_down=self._on_key_down, on_key_up=self._on_key_up)

    def _on_key_down(self, _window, key: int, _scancode, codepoint, _modifiers) -> bool:
        if self.app.cfg.assist_key and key_name(key, codepoint) == self.app.cfg.assist_key:
            self.app.controller.mark_assisted()  # the officer's key: nothing shows (kiosk.assist)
            return True
        if self.scans is not None:
            return self._scanned(key, codepoint)
        score = NUMPAD_KEYS.get(key)
        if score is None and codepoint in ("1", "2", "3", "4", "5"):
            score = int(codepoint)
        if score is None or not self.app.cfg.keypad:
            return False
        if key in self._down:  # auto-repeat of a key held down: one press is one rating
            return True
        self._down.add(key)
        self.app.press(score, "keypad")
        return True

    def _scanned(self, key: int, codepoint: str | None) -> bool:
        assert self.scans is not None
        if key in ENTER_KEYS:
            self._act(self.scans.enter())
            return True
        if key in MODIFIER_KEYS:  # Shift (for a code's capitals) comes with a stray codepoint
            return False
        char = str(NUMPAD_KEYS[key]) if key in NUMPAD_KEYS else codepoint
        if not char or len(char) != 1 or not char.isprintable():
            return False
        # No auto-repeat check here: a scanner's "000" arrives faster than the keys' releases.
        # A held key repeats only after ~0.5 s: its first press is settled by then, and the
        # repeats make a burst without Enter, which rates nothing.
        self._act(self.scans.feed(char))
        Clock.schedule_once(self._poll, self.scans.gap_s + 0.01)
        return True

    def _poll(self, _dt: float) -> None:
        if self.scans is not None:
            self._act(self.scans.poll())
            # Kivy counts the delay from the frame's start, which under load can be well before
            # the key was fed: a poll that comes too early must come again, or a citizen's lone
            # key would never be settled into a press (seen: a lost "4" in a loaded test run).
            if self.scans.pending():
                Clock.schedule_once(self._poll, self.scans.gap_s + 0.01)

    def _act(self, action: Scan | Press | None) -> None:
        if isinstance(action, Scan):
            self.app.controller.attach_dossier(action.code)
        elif isinstance(action, Press) and self.app.cfg.keypad:
            self.app.press(action.score, "keypad")

    def _on_key_up(self, _window, key: int, *_args) -> bool:
        self._down.discard(key)
        return False
