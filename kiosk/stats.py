"""This month's count and share of satisfied citizens, for the idle screen (`show_stats`).

Computed on the kiosk from its own store: it works for weeks without a server, and a figure in
the roster would change the roster on every pull. Definition (shown in small print on screen):

    % hài lòng = answers 4 or 5 to the first question / responses that answered it

counted for this calendar month by the kiosk's clock. One query over the month's rows (through
the recorded_at index) when the month starts or the app starts, then a running counter that
each new response bumps: the idle screen never scans the store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

SATISFIED = (4, 5)


@dataclass(frozen=True)
class DeskStats:
    answered: int
    satisfied: int

    @property
    def percent(self) -> int | None:
        """Rounded share of satisfied answers; None with no answer yet (never "0 %" of nothing)."""
        return round(100 * self.satisfied / self.answered) if self.answered else None


class MonthStats:
    """Running counters per officer code (None: a response that names no officer)."""

    def __init__(self, store: Any, first_question: Callable[[str | None], str | None],
                 now: Callable[[], datetime] = lambda: datetime.now().astimezone()) -> None:
        self._store = store
        self._first_question = first_question  # questionnaire id -> its first question's code
        self._now = now
        self._month = ""
        self._counts: dict[str | None, list[int]] = {}

    def _month_key(self) -> str:
        return self._now().strftime("%Y-%m")

    def _reload_if_new_month(self) -> None:
        month = self._month_key()
        if month == self._month:
            return
        self._month, self._counts = month, {}
        for officer, questionnaire, answers in self._store.month_rows(f"{month}-01"):
            if str(answers or "").startswith("{"):
                self._add(officer, questionnaire, json.loads(answers))

    def reload(self) -> None:
        """Count again from the store (after a roster changed which question is first)."""
        self._month = ""
        self._reload_if_new_month()

    def _add(self, officer: str | None, questionnaire: str | None, answers: dict[str, Any]) -> None:
        code = self._first_question(questionnaire)
        score = answers.get(code) if code else None
        if not isinstance(score, int) or isinstance(score, bool):
            return  # the first question left empty: not "answered", so not in the share
        counts = self._counts.setdefault(officer, [0, 0])
        counts[0] += 1
        counts[1] += score in SATISFIED

    def record(self, response: dict[str, Any]) -> None:
        """A response just committed: bump the counter (it belongs to the current month)."""
        if self._month and self._month_key() == self._month:
            self._add(response.get("officer"), response.get("questionnaire"), response.get("answers") or {})
        # else: the next read reloads the new month from the store, this response included

    def for_desk(self, officers: Iterable[str] | None) -> DeskStats:
        """The given officers' figures, or every response of this kiosk when None."""
        self._reload_if_new_month()
        keys = self._counts.keys() if officers is None else list(officers)
        answered = sum(self._counts.get(k, (0, 0))[0] for k in keys)
        satisfied = sum(self._counts.get(k, (0, 0))[1] for k in keys)
        return DeskStats(answered, satisfied)
