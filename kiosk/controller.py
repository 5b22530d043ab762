"""Binds the flow to the store and the roster: what the UI and the inputs talk to.

Pure (no Kivy, gpiozero or Flask). The roster pushed by the server is applied only at an idle
moment, never in the middle of a citizen's session.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from kiosk.flow import Clock, Outcome, Phase, RatingFlow, Submission
from kiosk.protocol import BUILTIN_QUESTIONNAIRE
from kiosk.store import Store

log = logging.getLogger(__name__)


class KioskController:
    def __init__(
        self,
        store: Store,
        *,
        cooldown_s: float,
        thanks_s: float,
        inactivity_s: float,
        clock: Clock = time.monotonic,
    ) -> None:
        self.store = store
        self.roster: dict[str, Any] | None = None
        self.questionnaire: dict[str, Any] = BUILTIN_QUESTIONNAIRE
        self._base_cooldown_s = cooldown_s
        self.flow = RatingFlow(
            [q["code"] for q in BUILTIN_QUESTIONNAIRE["questions"]],
            self._record,
            cooldown_s=cooldown_s,
            thanks_s=thanks_s,
            inactivity_s=inactivity_s,
            clock=clock,
        )
        self.listeners: list[Callable[[], None]] = []
        self._roster_saves_seen = -1  # forces the first look at the stored roster
        self.apply_roster_if_idle()

    # --- roster -----------------------------------------------------------------------
    @property
    def roster_version(self) -> int:
        return int(self.roster["version"]) if self.roster else 0

    def apply_roster_if_idle(self) -> bool:
        """Apply a newer stored roster when no session is in progress."""
        if self.flow.phase is Phase.ASKING or self.store.roster_saves == self._roster_saves_seen:
            return False
        self._roster_saves_seen = self.store.roster_saves
        stored = self.store.roster()
        if not stored or stored.get("version") == self.roster_version:
            return False
        questionnaire = stored.get("questionnaire") or BUILTIN_QUESTIONNAIRE
        if not self.flow.set_questions([q["code"] for q in questionnaire["questions"]]):
            return False
        self.roster, self.questionnaire = stored, questionnaire
        settings = stored.get("kiosk", {})
        self.flow.cooldown_s = float(settings.get("cooldown_s", self._base_cooldown_s))
        log.info("roster version %s applied", stored["version"])
        return True

    def officers_on_duty(self) -> list[dict[str, Any]]:
        if not self.roster:
            return []
        by_code = {o["code"]: o for o in self.roster.get("officers", [])}
        codes = self.roster.get("kiosk", {}).get("officers_on_duty", [])
        return [by_code[c] for c in codes if c in by_code]

    def unit_name(self) -> str:
        return self.roster["unit"]["name"] if self.roster else ""

    def question_text(self, index: int, language: str = "vi") -> str:
        text = self.questionnaire["questions"][index]["text"]
        return text.get(language) or text["vi"]

    # --- events from the inputs ---------------------------------------------------------
    def press(self, score: int, channel: str) -> Outcome:
        outcome = self.flow.press(score, channel)
        self._changed()
        return outcome

    def skip(self) -> Outcome:
        outcome = self.flow.skip()
        self._changed()
        return outcome

    def done(self) -> Outcome:
        outcome = self.flow.done()
        self._changed()
        return outcome

    def tick(self) -> bool:
        changed = self.flow.tick()
        if self.flow.phase is Phase.IDLE and self.apply_roster_if_idle():
            changed = True
        if changed:
            self._changed()
        return changed

    # --- internals ----------------------------------------------------------------------
    def _record(self, submission: Submission) -> dict[str, Any]:
        on_duty = self.officers_on_duty()
        return self.store.append({
            "officer": on_duty[0]["code"] if len(on_duty) == 1 else None,
            "procedure": None,
            "questionnaire": self.questionnaire["id"],
            "questionnaire_version": int(self.questionnaire["version"]),
            "answers": submission.answers,
            "channel": submission.channel,
            "partial": submission.partial,
        })

    def _changed(self) -> None:
        for listener in self.listeners:
            listener()
