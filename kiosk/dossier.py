"""Linking a rating to its dossier (optional, [dossier] in the kiosk's config; off by default).

A USB barcode/QR scanner at the counter is a keyboard: it types the receipt's code and Enter,
much faster than a hand. `ScanBuffer` tells the two apart without showing anything: characters
that follow each other within `gap_s` are one burst; Enter ends a burst as a scan; a burst of a
single key 1–5 left alone for `gap_s` is a citizen's press. `DossierMark` holds a valid code for
the session being rated (or the next to end within `window_s`), once, like the assist mark. The
code is never drawn on the screen and never written to the event log. Pure core: no Kivy."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.assist import AssistMark
from kiosk.flow import Clock

DEFAULT_GAP_S = 0.08  # scanners type a character every few ms; a hand takes far longer
SCORE_KEYS = ("1", "2", "3", "4", "5")


@dataclass(frozen=True)
class Scan:
    code: str


@dataclass(frozen=True)
class Press:
    score: int


class ScanBuffer:
    def __init__(self, gap_s: float = DEFAULT_GAP_S, *, clock: Clock) -> None:
        self.gap_s = gap_s
        self._clock = clock
        self._chars = ""
        self._last = 0.0

    def feed(self, char: str) -> Press | None:
        """A character typed; returns the press of a lone 1–5 that this one proves was alone."""
        now = self._clock()
        settled = self._settle() if self._chars and now - self._last > self.gap_s else None
        if len(self._chars) < 200:  # a stuck key must not grow the buffer without end
            self._chars += char
        self._last = now
        return settled

    def enter(self) -> Scan | Press | None:
        """Enter: the burst so far is a scan (or a lone 1–5 followed by Enter: a press)."""
        if len(self._chars) == 1:
            return self._settle()
        chars, self._chars = self._chars, ""
        return Scan(chars) if chars else None

    def poll(self) -> Press | None:
        """Called `gap_s` after a character: a lone 1–5 nobody followed is a press."""
        if self._chars and self._clock() - self._last >= self.gap_s:
            return self._settle()
        return None

    def pending(self) -> bool:
        """Characters wait for their gap to pass (poll again later)."""
        return bool(self._chars)

    def _settle(self) -> Press | None:
        """The burst ends without Enter: a lone 1–5 is a press; anything else is dropped."""
        chars, self._chars = self._chars, ""
        return Press(int(chars)) if chars in SCORE_KEYS else None


class DossierMark:
    """The valid code waiting for the rating being given, spent by the next one stored."""

    def __init__(self, window_s: float, *, clock: Clock) -> None:
        self._mark = AssistMark(window_s, clock=clock)
        self._code: str | None = None

    def arm(self, code: str) -> None:
        self._code = code
        self._mark.arm()

    def take(self) -> str | None:
        code, self._code = self._code, None
        return code if self._mark.take() else None
