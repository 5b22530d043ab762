"""One citizen's rating session as a pure state machine (DESIGN.md §2).

    IDLE --press--> ASKING (more questions) --> REASONS (follow-up: topic chips, if any)
         --> PROCEDURE (when asked for) --> commit --> THANKS --timer--> IDLE
    IDLE --choose_officer (shared mode)--> ASKING at the first question
    ASKING --cancel (nothing answered yet)--> IDLE, nothing stored ("Chọn lại cán bộ")
    ASKING / REASONS / PROCEDURE --last 10 s of inactivity--> the time-out warning
         --keep_alive / any answer--> as before
         --inactivity--> IDLE (answers so far committed, partial=True)
    REASONS / PROCEDURE --a key or button press--> commit --> THANKS (the press starts nothing)
    THANKS --press--> the next citizen's session at once

A yes/no question (roster schema 3) is answered with Có / Không on the screen only: a session
begun by a key or button passes over it (keys and buttons mean 1–5, and no press may be read as
a yes or a no), and a key or button pressed while it shows ends the session as it stands, like
on the touch-only steps. Its answer goes to `yes_no`, never among the 1–5 `answers`.

The first question is answered straight from the idle screen: one press already counts. The
follow-up and procedure steps need touch, so only a session begun by touch (a face, or an
officer in shared mode) shows them; a session begun by a key or button asks every question and
ends with thanks. The follow-up step shows after every score, so it reveals nothing. Nothing is
ever imputed: a skipped question stays empty.

The cooldown guards the start of a session only (from the end of one session to the first
press or officer choice of the next); inside a session every answer counts. The thanks screen
stays up at least as long as the cooldown drops presses, so the faces never show while a tap on
them would be dropped.

The flow never touches Kivy, gpiozero or Flask: the UI and the inputs call the event methods,
the flow calls `record` (the store) and then reports the new phase. The clock is injected so
that tests drive time by hand.
"""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.shared.protocol import CHANNELS, SCORES

log = logging.getLogger(__name__)

BURST_FLAG = "burst"
TIMEOUT_WARNING_S = 10.0  # "Ông/Bà còn tiếp tục không?" shows this long before a time-out


class Phase(enum.Enum):
    IDLE = "idle"
    ASKING = "asking"  # a question after the first, or the first after choosing an officer
    REASONS = "reasons"  # optional follow-up: topic chips, after every score (touch only)
    PROCEDURE = "procedure"  # optional: which procedure the citizen came for (touch only)
    THANKS = "thanks"


class Outcome(enum.Enum):
    RECORDED = "recorded"  # the session was committed; thanks shows
    ANSWERED = "answered"  # stored in the session; the next step shows
    SKIPPED = "skipped"
    CONTINUED = "continued"  # the citizen is still there: the inactivity timer starts again
    IGNORED_COOLDOWN = "ignored_cooldown"
    IGNORED = "ignored"  # nothing to do in this phase (e.g. skip on the idle screen)
    FAILED = "failed"  # the store raised: nothing was committed, no thanks shown


@dataclass(frozen=True)
class Submission:
    """What the flow hands to the store when a session ends."""

    answers: dict[str, int]
    channel: str
    partial: bool
    officer: str | None = None
    reasons: tuple[str, ...] = ()
    procedure: str | None = None
    flags: tuple[str, ...] = ()
    yes_no: dict[str, bool] = field(default_factory=dict)


Recorder = Callable[[Submission], Any]
Clock = Callable[[], float]


@dataclass
class _Session:
    channel: str
    officer: str | None
    by_touch: bool  # begun on the screen: the touch-only steps may follow the questions
    answers: dict[str, int] = field(default_factory=dict)
    yes_no: dict[str, bool] = field(default_factory=dict)
    index: int = 0  # the question being shown
    reasons: list[str] = field(default_factory=list)
    procedure: str | None = None
    flags: list[str] = field(default_factory=list)


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
        reasons: Sequence[str] = (),
        ask_procedure: bool = False,
        burst_action: str = "ignore",
        yes_no: Collection[str] = (),
    ) -> None:
        if not questions:
            raise ValueError("a questionnaire needs at least one question")
        if cooldown_s < 0 or thanks_s <= 0 or inactivity_s <= 0:
            raise ValueError("cooldown_s must be >= 0, thanks_s and inactivity_s > 0")
        if burst_action not in ("ignore", "flag"):
            raise ValueError("burst_action must be 'ignore' or 'flag'")
        self._questions = tuple(questions)
        self._yes_no = frozenset(yes_no)  # the codes of the yes/no questions
        self._check_first()
        self._reasons = tuple(reasons)
        self._record = record
        self.cooldown_s = cooldown_s
        self.thanks_s = thanks_s
        self.inactivity_s = inactivity_s
        self.ask_procedure = ask_procedure
        # A session begun inside the cooldown: dropped (and counted), or kept with a "burst" flag.
        self.burst_action = burst_action
        self.default_officer: str | None = None  # counter mode: the one officer on duty
        self._clock = clock
        self.phase = Phase.IDLE
        self._session: _Session | None = None
        self._last_end: float | None = None  # when the last session was committed
        self._last_activity = 0.0
        self._warning = False
        self._thanks_until = 0.0
        self.last_outcome: Outcome | None = None
        self.last_record: Any = None  # what `record` returned for the last committed session
        self.cooldown_drops = 0

    # --- what the UI shows ------------------------------------------------------------
    @property
    def questions(self) -> tuple[str, ...]:
        return self._questions

    @property
    def reasons(self) -> tuple[str, ...]:
        return self._reasons

    @property
    def question_index(self) -> int:
        """Index of the question to show: 0 on the idle and thanks screens."""
        return self._session.index if self.phase is Phase.ASKING and self._session else 0

    @property
    def answered(self) -> int:
        """How many questions the current session has answered (0 outside a session)."""
        if not (self._session and self.in_session):
            return 0
        return len(self._session.answers) + len(self._session.yes_no)

    @property
    def asking_yes_no(self) -> bool:
        """The question on screen is a yes/no question (Có / Không, touch only)."""
        return self.phase is Phase.ASKING and self._questions[self.question_index] in self._yes_no

    def is_yes_no(self, code: str) -> bool:
        return code in self._yes_no

    @property
    def session_officer(self) -> str | None:
        return self._session.officer if self._session else self.default_officer

    @property
    def chosen_reasons(self) -> tuple[str, ...]:
        return tuple(self._session.reasons) if self._session else ()

    @property
    def in_session(self) -> bool:
        return self.phase in (Phase.ASKING, Phase.REASONS, Phase.PROCEDURE)

    @property
    def warning_s(self) -> float:
        return min(TIMEOUT_WARNING_S, self.inactivity_s / 2)

    @property
    def timeout_warning(self) -> bool:
        """True while the "are you still there?" warning shows (set by tick, cleared by any
        activity), so the screen changes only when the flow says it changed."""
        return self._warning and self.in_session

    def set_questions(self, questions: Sequence[str], reasons: Sequence[str] | None = None,
                      yes_no: Collection[str] = ()) -> bool:
        """Swap the questionnaire; only between sessions, so nobody's answers get mixed."""
        if self.in_session or not questions or questions[0] in yes_no:
            return False
        self._questions, self._yes_no = tuple(questions), frozenset(yes_no)
        if reasons is not None:
            self._reasons = tuple(reasons)
        return True

    def _check_first(self) -> None:
        if self._questions[0] in self._yes_no:
            raise ValueError("the first question is answered from the idle screen: it must be a 1-5 scale")

    # --- events -----------------------------------------------------------------------
    def press(self, score: int, channel: str) -> Outcome:
        """A face, key or button for `score` was pressed on channel `channel`."""
        if isinstance(score, bool) or score not in SCORES or channel not in CHANNELS:
            raise ValueError(f"bad press: score={score!r} channel={channel!r}")
        if self.phase in (Phase.REASONS, Phase.PROCEDURE) or self.asking_yes_no:
            # A step that needs touch: a key or button cannot choose there (nor say yes or no).
            # The press ends this session as it stands, with thanks; it is never the next
            # citizen's first answer.
            assert self._session is not None
            return self._commit(self._session, partial=False)
        if self.phase is not Phase.ASKING:
            # Idle, or the thanks screen: this press is the next citizen's first answer.
            refused = self._start(channel, self.default_officer, by_touch=channel == "touch")
            if refused:
                return refused
        session = self._session
        assert session is not None
        self._activity()
        session.answers[self._questions[session.index]] = score
        return self._advance(session)

    def answer_yes_no(self, value: bool) -> Outcome:
        """Có (True) or Không (False) on a yes/no question; the next question follows."""
        if not self.asking_yes_no or self._session is None or not isinstance(value, bool):
            return self._done(Outcome.IGNORED)
        self._activity()
        self._session.yes_no[self._questions[self._session.index]] = value
        return self._advance(self._session)

    def choose_officer(self, officer: str, channel: str = "touch") -> Outcome:
        """Shared mode: the citizen picked the officer who served them; the questions follow."""
        if self.phase is Phase.ASKING and self._session and not self.answered:
            self._session.officer = officer  # changed their mind before answering
        elif self.phase in (Phase.IDLE, Phase.THANKS):
            refused = self._start(channel, officer, by_touch=channel == "touch")
            if refused:
                return refused
        else:
            return self._done(Outcome.IGNORED)
        self._activity()
        return self._done(Outcome.ANSWERED)

    def cancel(self) -> Outcome:
        """'Chọn lại cán bộ': back to the start while nothing was answered; nothing is stored."""
        if self.phase is not Phase.ASKING or self._session is None or self.answered:
            return self._done(Outcome.IGNORED)
        self.phase, self._session, self._warning = Phase.IDLE, None, False
        return self._done(Outcome.SKIPPED)

    def keep_alive(self) -> Outcome:
        """'Tiếp tục' on the time-out warning: the citizen is still there."""
        if not self.in_session:
            return self._done(Outcome.IGNORED)
        self._activity()
        return self._done(Outcome.CONTINUED)

    def toggle_reason(self, reason: str) -> Outcome:
        if self.phase is not Phase.REASONS or self._session is None or reason not in self._reasons:
            return self._done(Outcome.IGNORED)
        chosen = self._session.reasons
        if reason in chosen:
            chosen.remove(reason)
        else:
            chosen.append(reason)
        self._activity()
        return self._done(Outcome.ANSWERED)

    def choose_procedure(self, procedure: str | None) -> Outcome:
        """The procedure the citizen came for (None: "Khác", other); the session then ends."""
        if self.phase is not Phase.PROCEDURE or self._session is None:
            return self._done(Outcome.IGNORED)
        self._session.procedure = procedure
        return self._commit(self._session, partial=False)

    def skip(self) -> Outcome:
        """'Bỏ qua': leave the current question (or optional step) empty and go on."""
        session = self._session
        if not self.in_session or session is None:
            return self._done(Outcome.IGNORED)
        self._activity()
        if self.phase is Phase.ASKING:
            outcome = self._advance(session)
        elif self.phase is Phase.REASONS:
            session.reasons.clear()
            outcome = self._after_reasons(session)
        else:
            outcome = self._commit(session, partial=False)
        return self._done(Outcome.SKIPPED) if outcome is Outcome.ANSWERED else outcome

    def done(self) -> Outcome:
        """'Xong': on a question, the citizen is finished (unanswered questions stay empty);
        on the follow-up step, the chosen topics are confirmed."""
        session = self._session
        if not self.in_session or session is None:
            return self._done(Outcome.IGNORED)
        self._activity()
        if self.phase is Phase.REASONS:
            return self._after_reasons(session)
        return self._commit(session, partial=False)

    def tick(self) -> bool:
        """Let time pass; returns True when what the screen shows changed."""
        now = self._clock()
        if self.phase is Phase.THANKS and now >= self._thanks_until:
            self.phase = Phase.IDLE
            return True
        if not self.in_session:
            return False
        quiet = now - self._last_activity
        if quiet >= self.inactivity_s:
            session, self._session = self._session, None
            assert session is not None
            self._commit(session, partial=True, then=Phase.IDLE)
            return True
        warning = quiet >= self.inactivity_s - self.warning_s
        if warning != self._warning:
            self._warning = warning
            return True
        return False

    # --- internals --------------------------------------------------------------------
    def _start(self, channel: str, officer: str | None, *, by_touch: bool) -> Outcome | None:
        """Begin the next citizen's session; the cooldown's outcome when it refuses to."""
        burst = (self.cooldown_s > 0 and self._last_end is not None
                 and self._clock() - self._last_end < self.cooldown_s)
        if burst and self.burst_action == "ignore":
            self.cooldown_drops += 1
            return self._done(Outcome.IGNORED_COOLDOWN)
        self._session = _Session(channel=channel, officer=officer, by_touch=by_touch,
                                 flags=[BURST_FLAG] if burst else [])
        self.phase = Phase.ASKING
        return None

    def _activity(self) -> None:
        self._last_activity = self._clock()
        self._warning = False

    def _advance(self, session: _Session) -> Outcome:
        session.index += 1
        while (not session.by_touch and session.index < len(self._questions)
               and self._questions[session.index] in self._yes_no):
            session.index += 1  # keys and buttons never answer a yes/no question
        if session.index < len(self._questions):
            self.phase = Phase.ASKING
            return self._done(Outcome.ANSWERED)
        if self._touch_step_follows(session) and self._reasons:
            self.phase = Phase.REASONS
            return self._done(Outcome.ANSWERED)
        return self._after_reasons(session)

    def _after_reasons(self, session: _Session) -> Outcome:
        if self._touch_step_follows(session) and self.ask_procedure:
            self.phase = Phase.PROCEDURE
            return self._done(Outcome.ANSWERED)
        return self._commit(session, partial=False)

    @staticmethod
    def _touch_step_follows(session: _Session) -> bool:
        # Only after something was said, and only for a citizen who can touch the screen.
        return session.by_touch and bool(session.answers or session.yes_no)

    def _commit(self, session: _Session, *, partial: bool, then: Phase = Phase.THANKS) -> Outcome:
        self._warning = False
        if not session.answers and not session.yes_no:
            # Everything skipped (or an officer chosen and then walked away): nothing was said.
            self.phase, self._session = Phase.IDLE, None
            return self._done(Outcome.SKIPPED)
        submission = Submission(dict(session.answers), session.channel, partial, session.officer,
                                tuple(session.reasons), session.procedure, tuple(session.flags),
                                dict(session.yes_no))
        try:
            self.last_record = self._record(submission)
        except Exception:
            log.exception("could not store a response; the citizen sees no thanks")
            self.phase, self._session = Phase.IDLE, None
            return self._done(Outcome.FAILED)
        # Only now, with the commit returned, may the thanks screen show.
        now = self._clock()
        self._session, self._last_end = None, now
        self.phase = then
        # While presses are dropped the faces stay hidden: thanks lasts at least the cooldown.
        hold = self.cooldown_s if self.burst_action == "ignore" else 0.0
        self._thanks_until = now + max(self.thanks_s, hold)
        return self._done(Outcome.RECORDED)

    def _done(self, outcome: Outcome) -> Outcome:
        self.last_outcome = outcome
        return outcome
