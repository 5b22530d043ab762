"""Reading one QR page submission: every field checked, nothing trusted. No Flask here.

`read()` turns the posted form into the fields of a response, or says what is wrong in words a
citizen understands (Vietnamese; the page translates). What was chosen is kept either way, so a
page shown again keeps the citizen's choices.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_NAME = 100
NO_OFFICER = "-"  # "I do not know / in general"
SINGLE_FIELDS = ("o", "t", "procedure", "name", "reasons_seen", "csrf_token")


class BadInput(ValueError):
    """A submission no honest form sends (a score of 6, a field twice…): refused, 400."""


@dataclass
class Choices:
    """What the citizen chose so far (also when it is incomplete), to render the page again."""

    officer: str | None = None
    answers: dict[str, int] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    procedure: str | None = None
    name: str = ""
    reasons_seen: bool = False

    @property
    def low(self) -> bool:
        """A 1 or 2 somewhere: the kiosk asks for reasons then, and so does this page."""
        return any(score <= 2 for score in self.answers.values())


def clean_text(value: str, limit: int) -> str:
    """NFC, no control characters, inner whitespace collapsed, at most `limit` characters."""
    value = unicodedata.normalize("NFC", value)
    value = "".join(c for c in value if unicodedata.category(c)[0] != "C" or c == " ")
    return " ".join(value.split())[:limit]


def _one(form: Any, name: str) -> str | None:
    values = form.getlist(name)
    if len(values) > 1:
        raise BadInput(f"Trường “{name}” được gửi nhiều lần.")
    return values[0] if values else None


def read(form: Any, questionnaire: Mapping[str, Any], officers: set[str], procedures: set[str],
         ask_name: bool, _: Callable[..., str]) -> tuple[Choices, list[str]]:
    """(choices, problems a citizen can fix). Raises BadInput for what no honest form sends."""
    for name in SINGLE_FIELDS:
        _one(form, name)
    choices = Choices()
    officer = _one(form, "o") or NO_OFFICER
    if officer != NO_OFFICER and officer not in officers:
        raise BadInput(_("Không có cán bộ mã “{code}” ở đây.", code=officer[:64]))
    choices.officer = None if officer == NO_OFFICER else officer

    problems: list[str] = []
    for n, question in enumerate(questionnaire["questions"], start=1):
        raw = _one(form, f"q_{question['code']}")
        if raw is None or raw == "":
            problems.append(_("Xin chọn một khuôn mặt cho câu {n}.", n=n))
            continue
        if raw not in ("1", "2", "3", "4", "5"):
            raise BadInput(_("Câu {n}: mức đánh giá phải là một số từ 1 đến 5.", n=n))
        choices.answers[question["code"]] = int(raw)

    known_reasons = [r["code"] for r in questionnaire.get("reasons", [])]
    reasons = form.getlist("reason")
    if len(reasons) > len(known_reasons) or len(set(reasons)) != len(reasons):
        raise BadInput(_("Lý do được gửi nhiều lần."))
    for code in reasons:
        if code not in known_reasons:
            raise BadInput(_("Không có lý do mã “{code}”.", code=code[:64]))
    choices.reasons = [c for c in known_reasons if c in reasons]  # the questionnaire's order
    choices.reasons_seen = _one(form, "reasons_seen") == "1"

    procedure = _one(form, "procedure") or ""
    if procedure and procedure not in procedures:
        raise BadInput(_("Không có thủ tục mã “{code}”.", code=procedure[:64]))
    choices.procedure = procedure or None

    name = _one(form, "name") or ""
    if name and not ask_name:
        raise BadInput(_("Trang này không nhận họ tên."))
    if len(name) > MAX_NAME * 4:
        raise BadInput(_("Họ tên dài quá {n} ký tự.", n=MAX_NAME))
    choices.name = clean_text(name, MAX_NAME)
    return choices, problems


def response_fields(choices: Choices, questionnaire: Mapping[str, Any], flags: list[str]) -> dict[str, Any]:
    """The response as the QR store seals it (sync_server.qr_store.store)."""
    fields: dict[str, Any] = {
        "officer": choices.officer, "procedure": choices.procedure,
        "questionnaire": questionnaire["id"], "questionnaire_version": int(questionnaire["version"]),
        "answers": dict(choices.answers), "reasons": list(choices.reasons) if choices.low else [],
        "flags": flags,
    }
    if choices.name:
        fields["name"] = choices.name
    return fields
