"""One citizen's rating session as a pure state machine (DESIGN.md §2).

    IDLE --press--> (more questions? ASKING) --last answer / done / skip--> THANKS --timer--> IDLE
    ASKING --inactivity--> IDLE (answers so far committed with partial=True)
    THANKS --press--> next citizen's session at once

The first question is answered straight from the idle screen: one press already counts. The
flow never touches Kivy, gpiozero or Flask: the UI and the inputs call `press`, `skip`, `done`
and `tick`, and the flow calls `record` (the store) and then reports the new phase. The clock is
injected so that tests drive time by hand.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.protocol import CHANNELS, SCORES

log = logging.getLogger(__name__)


class Phase(enum.Enum):
    IDLE = "idle"
    ASKING = "asking"  # a later question of a multi-question questionnaire
    THANKS = "thanks"


class Outcome(enum.Enum):
    RECORDED = "recorded"  # the session was committed; thanks shows
    ANSWERED = "answered"  # stored in the session; the next question shows
    SKIPPED = "skipped"
    IGNORED_COOLDOWN = "ignored_cooldown"
    IGNORED = "ignored"  # nothing to do in this phase (e.g. skip on the idle screen)
    FAILED = "failed"  # the store raised: nothing was committed, no thanks shown


@dataclass(frozen=True)
class Submission:
    """What the flow hands to the store when a session ends."""

    answers: dict[str, int]
    channel: str
    partial: bool


Recorder = Callable[[Submission], Any]
Clock = Callable[[], float]


@dataclass
class _Session:
    channel: str
    answers: dict[str, int] = field(default_factory=dict)
    index: int = 0  # the question being shown


class RatingFlow:
    def __init__(
        self,
        questions: Sequence[str],
        record: Recorder,
        *,
        cooldown_s: float = 3.0,
        thanks_s: float = 3.0,
        inactivity_s: float = 60.0,
        clock: Clock = time.monotonic,
    ) -> None:
        if not questions:
            raise ValueError("a questionnaire needs at least one question")
        if cooldown_s < 0 or thanks_s <= 0 or inactivity_s <= 0:
            raise ValueError("cooldown_s must be >= 0, thanks_s and inactivity_s > 0")
        self._questions = tuple(questions)
        self._record = record
        self.cooldown_s = cooldown_s
        self.thanks_s = thanks_s
        self.inactivity_s = inactivity_s
        self._clock = clock
        self.phase = Phase.IDLE
        self._session: _Session | None = None
        self._last_accepted: float | None = None
        self._last_activity = 0.0
        self._thanks_until = 0.0
        self.last_outcome: Outcome | None = None
        self.last_record: Any = None  # what `record` returned for the last committed session

    # --- what the UI shows ------------------------------------------------------------
    @property
    def questions(self) -> tuple[str, ...]:
        return self._questions

    @property
    def question_index(self) -> int:
        """Index of the question to show: 0 on the idle and thanks screens."""
        return self._session.index if self.phase is Phase.ASKING and self._session else 0

    def set_questions(self, questions: Sequence[str]) -> bool:
        """Swap the questionnaire; only between sessions, so nobody's answers get mixed."""
        if self.phase is Phase.ASKING or not questions:
            return False
        self._questions = tuple(questions)
        return True

    # --- events -----------------------------------------------------------------------
    def press(self, score: int, channel: str) -> Outcome:
        """A face, key or button for `score` was pressed on channel `channel`."""
        if isinstance(score, bool) or score not in SCORES or channel not in CHANNELS:
            raise ValueError(f"bad press: score={score!r} channel={channel!r}")
        now = self._clock()
        if (self.cooldown_s > 0 and self._last_accepted is not None
                and now - self._last_accepted < self.cooldown_s):
            return self._done(Outcome.IGNORED_COOLDOWN)
        if self.phase is not Phase.ASKING:
            # Idle, or the thanks screen: this press is the next citizen's first answer.
            self._session = _Session(channel=channel)
        session = self._session
        assert session is not None
        self._last_accepted = now
        self._last_activity = now
        session.answers[self._questions[session.index]] = score
        return self._advance(session)

    def skip(self) -> Outcome:
        """'Bỏ qua': leave the current question empty (never imputed) and go on."""
        if self.phase is not Phase.ASKING or self._session is None:
            return self._done(Outcome.IGNORED)
        self._last_activity = self._clock()
        outcome = self._advance(self._session)
        return self._done(Outcome.SKIPPED) if outcome is Outcome.ANSWERED else outcome

    def done(self) -> Outcome:
        """'Xong': the citizen is finished; unanswered questions stay empty."""
        if self.phase is not Phase.ASKING or self._session is None:
            return self._done(Outcome.IGNORED)
        return self._commit(self._session, partial=False)

    def tick(self) -> bool:
        """Let time pass; returns True when the phase changed."""
        now = self._clock()
        if self.phase is Phase.THANKS and now >= self._thanks_until:
            self.phase = Phase.IDLE
            return True
        if self.phase is Phase.ASKING and now - self._last_activity >= self.inactivity_s:
            session, self._session = self._session, None
            assert session is not None
            self._commit(session, partial=True, then=Phase.IDLE)
            return True
        return False

    # --- internals --------------------------------------------------------------------
    def _advance(self, session: _Session) -> Outcome:
        session.index += 1
        if session.index < len(self._questions):
            self.phase = Phase.ASKING
            return self._done(Outcome.ANSWERED)
        return self._commit(session, partial=False)

    def _commit(self, session: _Session, *, partial: bool, then: Phase = Phase.THANKS) -> Outcome:
        submission = Submission(dict(session.answers), session.channel, partial)
        try:
            self.last_record = self._record(submission)
        except Exception:
            log.exception("could not store a response; the citizen sees no thanks")
            self.phase, self._session = Phase.IDLE, None
            return self._done(Outcome.FAILED)
        # Only now, with the commit returned, may the thanks screen show.
        self._session = None
        self.phase = then
        self._thanks_until = self._clock() + self.thanks_s
        return self._done(Outcome.RECORDED)

    def _done(self, outcome: Outcome) -> Outcome:
        self.last_outcome = outcome
        return outcome
