"""The list of responses (/reports/responses) in the words staff read: officers, procedures and
counters by name, answers by question number — not the codes stored (field test A6). No Flask:
the view translates the channel's words and the question label."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sync_server.config import QR_KIOSK_ID
from sync_server.db.models import Procedure, Questionnaire
from sync_server.reports.criteria import questions as newest_questions
from sync_server.reports.places import Places
from sync_server.roster.names import officer_names


@dataclass(frozen=True)
class Labels:
    officers: dict[str, str]
    procedures: dict[str, str]
    places: Places
    order: dict[tuple[str, int], list[str]]  # (questionnaire, version) -> its question codes

    @classmethod
    def load(cls, rows: list[Any]) -> Labels:
        forms = {(r.questionnaire, r.questionnaire_version) for r in rows}
        return cls(officer_names(), dict(Procedure.select(Procedure.code, Procedure.name).tuples()),
                   Places.load(), {form: _codes(*form) for form in forms})

    def officer(self, code: str | None) -> str:
        return self.officers.get(code, code) if code else "—"

    def procedure(self, code: str | None) -> str:
        return self.procedures.get(code, code) if code else "—"

    def place(self, kiosk_id: str, counter: str | None) -> str | None:
        """The counter's name (a QR rating made from a counter's poster too); None for the QR
        page's general code, which the view names in the reader's language."""
        key = self.places.place(kiosk_id, counter or "")
        return None if key == QR_KIOSK_ID else self.places.label(key)

    def answers(self, row: Any, answers: dict[str, int]) -> list[tuple[int | str, int]]:
        """[(question number, score)] in the form's order; a code the form does not list (a
        version no longer stored) keeps its code, after the others."""
        codes = self.order.get((row.questionnaire, row.questionnaire_version), [])
        known = [(codes.index(c) + 1, s) for c, s in answers.items() if c in codes]
        return sorted(known) + [(c, s) for c, s in answers.items() if c not in codes]


def _codes(qid: str, version: int) -> list[str]:
    """The question codes of that version of the form, else of its newest (or its preset)."""
    row = Questionnaire.get_or_none((Questionnaire.qid == qid) & (Questionnaire.version == version))
    try:
        items = json.loads(row.document).get("questions", []) if row else newest_questions(qid)
    except ValueError:
        items = []
    return [q.get("code") for q in items if isinstance(q, dict)]
