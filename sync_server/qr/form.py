"""Reading one QR page submission: every field checked, nothing trusted. No Flask here.

`read()` turns the posted rating form into the fields of a response, `read_addendum()` the
"say more about this visit" form into an addendum's topics and comment; both say what is wrong
in words a citizen understands (Vietnamese; the page translates). What was chosen is kept
either way, so a page shown again keeps the citizen's choices.

Questions are optional, as on the kiosk: a response needs at least one answer. The topic chips
(the questionnaire's `reasons`) are offered after every score with the same neutral question,
so they are kept whatever the scores.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kiosk.shared import dossier
from kiosk.shared.protocol import YES_NO, question_type
from sync_server.exc import InputError

MAX_NAME = 100
MAX_PHONE = 24
_PHONE = re.compile(r"^\+?[0-9][0-9 .-]*$")
MAX_COMMENT = 500  # a few sentences; the page's textarea stops there too
NO_OFFICER = "-"  # "I do not know / in general"
# reasons_seen: sent by pages served before the topics were asked after every score; ignored.
SINGLE_FIELDS = ("o", "t", "procedure", "name", "phone", "consent", "assisted", "dossier", "reasons_seen",
                 "csrf_token")
ADDENDUM_FIELDS = ("t", "comment", "csrf_token")


@dataclass
class Choices:
    """What the citizen chose so far (also when it is incomplete), to render the page again."""

    officer: str | None = None
    answers: dict[str, int] = field(default_factory=dict)
    yes_no: dict[str, bool] = field(default_factory=dict)  # roster schema 3: apart from the scores
    reasons: list[str] = field(default_factory=list)
    procedure: str | None = None
    name: str = ""  # kept apart from the sealed response, only with `consent` (CitizenContact)
    phone: str = ""
    consent: bool = False  # the citizen ticked the box; never ticked by the page
    assisted: bool = False  # a staff member helped to rate (NĐ 118/2025 Điều 31.3): the flag "assisted"
    dossier: str = ""  # the dossier code ([qr] ask_dossier), kept beside the response, never sealed


@dataclass
class AddendumChoices:
    """What the citizen adds to a visit rated at the kiosk: topic chips and a comment."""

    topics: list[str] = field(default_factory=list)
    comment: str = ""


def clean_text(value: str, limit: int) -> str:
    """NFC, no control characters, inner whitespace collapsed, at most `limit` characters."""
    value = unicodedata.normalize("NFC", value)
    value = "".join(c for c in value if unicodedata.category(c)[0] != "C" or c == " ")
    return " ".join(value.split())[:limit]


def clean_comment(value: str) -> str:
    """NFC, no control characters but line breaks, each line trimmed, at most one empty line in
    a row. The length is checked by the caller, so nothing the citizen wrote is cut silently."""
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    value = "".join(c for c in value if c == "\n" or unicodedata.category(c)[0] != "C")
    lines = [" ".join(line.split()) for line in value.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _one(form: Any, name: str) -> str | None:
    values = form.getlist(name)
    if len(values) > 1:
        raise InputError("Trường “%(name)s” được gửi nhiều lần.", {"name": name})
    return values[0] if values else None


def _topics(form: Any, questionnaire: Mapping[str, Any], _: Callable[..., str]) -> list[str]:
    """The chosen topic codes in the questionnaire's order; InputError for unknown or repeated ones."""
    known = [r["code"] for r in questionnaire.get("reasons", [])]
    chosen = form.getlist("reason")
    if len(chosen) > len(known) or len(set(chosen)) != len(chosen):
        raise InputError(_("Lý do được gửi nhiều lần."))
    for code in chosen:
        if code not in known:
            raise InputError(_("Không có lý do mã “%(code)s”.", code=code[:64]))
    return [c for c in known if c in chosen]


def read(form: Any, questionnaire: Mapping[str, Any], officers: set[str], procedures: set[str],
         ask_name: bool, _: Callable[..., str], *, ask_phone: bool = False,
         dossier_pattern: re.Pattern[str] | None = None) -> tuple[Choices, list[str]]:
    """(choices, problems a citizen can fix). Raises InputError for what no honest form sends.
    `dossier_pattern`: the dossier code's format when the page asks for one, else None."""
    for name in SINGLE_FIELDS:
        _one(form, name)
    choices = Choices()
    officer = _one(form, "o") or NO_OFFICER
    if officer != NO_OFFICER and officer not in officers:
        raise InputError(_("Không có cán bộ mã “%(code)s” ở đây.", code=officer[:64]))
    choices.officer = None if officer == NO_OFFICER else officer

    for n, question in enumerate(questionnaire["questions"], start=1):
        raw = _one(form, f"q_{question['code']}")
        if raw is None or raw == "":
            continue  # skipped, as on the kiosk: no answer, never a made-up one
        if question_type(question) == YES_NO:
            if raw not in ("yes", "no"):
                raise InputError(_("Câu %(n)s: câu trả lời phải là Có hoặc Không.", n=n))
            choices.yes_no[question["code"]] = raw == "yes"
            continue
        if raw not in ("1", "2", "3", "4", "5"):
            raise InputError(_("Câu %(n)s: mức đánh giá phải là một số từ 1 đến 5.", n=n))
        choices.answers[question["code"]] = int(raw)
    problems: list[str] = []
    if not choices.answers and not choices.yes_no:
        problems.append(_("Xin chọn ít nhất một khuôn mặt trước khi gửi."))

    choices.reasons = _topics(form, questionnaire, _)

    procedure = _one(form, "procedure") or ""
    if procedure and procedure not in procedures:
        raise InputError(_("Không có thủ tục mã “%(code)s”.", code=procedure[:64]))
    choices.procedure = procedure or None

    name = _one(form, "name") or ""
    if name and not ask_name:
        raise InputError(_("Trang này không nhận họ tên."))
    if len(name) > MAX_NAME * 4:
        raise InputError(_("Họ tên dài quá %(n)s ký tự.", n=MAX_NAME))
    choices.name = clean_text(name, MAX_NAME)
    problems += _contact(form, choices, ask_phone, _)
    problems += _dossier(form, choices, dossier_pattern, _)
    return choices, problems


def _dossier(form: Any, choices: Choices, pattern: re.Pattern[str] | None,
             _: Callable[..., str]) -> list[str]:
    """The optional dossier code, in the unit's format (kiosk.shared.dossier) or a problem."""
    raw = _one(form, "dossier") or ""
    if raw and pattern is None:
        raise InputError(_("Trang này không nhận mã hồ sơ."))
    if len(raw) > dossier.MAX_LEN * 4:
        raise InputError(_("Mã hồ sơ dài quá %(n)s ký tự.", n=dossier.MAX_LEN))
    choices.dossier = clean_text(raw, dossier.MAX_LEN * 4)
    if choices.dossier and pattern is not None:
        code = dossier.normalise(choices.dossier, pattern)
        if code is None:
            return [_("Mã hồ sơ chưa đúng dạng: xin chép đúng mã in trên giấy hẹn, hoặc để trống.")]
        choices.dossier = code
    return []


def _contact(form: Any, choices: Choices, ask_phone: bool, _: Callable[..., str]) -> list[str]:
    """The phone number and the consent; a name or phone without consent is not taken (Law
    91/2025: consent is never a default), and the citizen is told so."""
    phone = _one(form, "phone") or ""
    if phone and not ask_phone:
        raise InputError(_("Trang này không nhận số điện thoại."))
    if len(phone) > MAX_PHONE * 4:
        raise InputError(_("Số điện thoại dài quá %(n)s ký tự.", n=MAX_PHONE))
    choices.phone = clean_text(phone, MAX_PHONE * 4)
    consent = _one(form, "consent") or ""
    if consent not in ("", "1"):
        raise InputError(_("Ô đồng ý chỉ nhận giá trị 1."))
    choices.consent = consent == "1"
    assisted = _one(form, "assisted") or ""
    if assisted not in ("", "1"):
        raise InputError(_("Ô “có cán bộ giúp” chỉ nhận giá trị 1."))
    choices.assisted = assisted == "1"
    problems = []
    digits = sum(c.isdigit() for c in choices.phone)
    if choices.phone and (not _PHONE.match(choices.phone) or not 8 <= digits <= 15
                          or len(choices.phone) > MAX_PHONE):
        problems.append(_("Số điện thoại chưa đúng: xin ghi các chữ số, ví dụ 0912 345 678."))
    if (choices.name or choices.phone) and not choices.consent:
        problems.append(_("Ông/Bà đã ghi họ tên hoặc số điện thoại: xin đánh dấu ô đồng ý, hoặc "
                          "xóa chúng đi để gửi đánh giá không kèm tên."))
    return problems


def contact_of(choices: Choices, purpose: str) -> dict[str, str] | None:
    """What the QR store keeps beside the response (never sealed into it), or None."""
    if not choices.consent or not (choices.name or choices.phone):
        return None
    return {"name": choices.name, "phone": choices.phone, "purpose": purpose}


def read_addendum(form: Any, questionnaire: Mapping[str, Any],
                  _: Callable[..., str]) -> tuple[AddendumChoices, list[str]]:
    """(choices, problems a citizen can fix) of the "say more about this visit" form. No name or
    contact is asked, and none is taken."""
    for name in ADDENDUM_FIELDS:
        _one(form, name)
    choices = AddendumChoices(topics=_topics(form, questionnaire, _),
                              comment=clean_comment(_one(form, "comment") or ""))
    problems: list[str] = []
    if len(choices.comment) > MAX_COMMENT:
        problems.append(_("Lời góp ý dài %(count)s ký tự, quá %(n)s ký tự: xin viết ngắn lại.",
                          count=len(choices.comment), n=MAX_COMMENT))
    if not choices.topics and not choices.comment:
        problems.append(_("Xin chọn ít nhất một ý hoặc viết vài lời trước khi gửi."))
    return choices, problems


def response_fields(choices: Choices, questionnaire: Mapping[str, Any], flags: list[str]) -> dict[str, Any]:
    """The response as the QR store seals it (sync_server.qr.store.store)."""
    fields: dict[str, Any] = {
        "officer": choices.officer, "procedure": choices.procedure,
        "questionnaire": questionnaire["id"], "questionnaire_version": int(questionnaire["version"]),
        "answers": dict(choices.answers), "reasons": list(choices.reasons), "flags": flags,
    }
    if choices.yes_no:
        fields["yes_no"] = dict(choices.yes_no)
    return fields  # no name or phone: those are kept apart (contact_of), never sealed
