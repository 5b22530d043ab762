"""Questionnaires as staff edit them: one line per question or reason, `code | Vietnamese |
English`, and for a yes/no question (roster schema 3) a fourth column `yes_no`. Saving never
changes a stored version: it adds version n+1 of the same id, so responses keep pointing at the
version they were given under. No Flask here."""

from __future__ import annotations

import copy
import json
from typing import Any

from kiosk.shared.exc import ProtocolError
from kiosk.shared.presets import PRESETS
from kiosk.shared.protocol import (
    ABOUT,
    MAX_QUESTIONS,
    MAX_REASONS,
    MAX_TEXT,
    YES_NO,
    question_type,
    validate_roster,
)
from sync_server.db.models import Questionnaire
from sync_server.exc import InputError
from sync_server.i18n import N_
from sync_server.roster import edit as roster_edit

MAX_LINES_CHARS = 20_000

# What a question is about (its `about` key), in the words the pages and reports use.
ABOUT_NAMES = {"officer": N_("Cán bộ"), "procedure": N_("Thủ tục, hồ sơ"), "result": N_("Kết quả"),
               "facilities": N_("Cơ sở vật chất"), "centre": N_("Trung tâm (chung)")}
DEFAULT_ABOUT = "centre"  # an untagged question of a form that is not a preset: never the officer's


def preset_about(qid: str, code: str) -> str:
    """The `about` of a question that does not say it: the preset's (same id and code), else
    DEFAULT_ABOUT. Questionnaires stored before questions carried the key read like this."""
    for q in PRESETS.get(qid, {}).get("questions", []):
        if q["code"] == code:
            return q.get("about", DEFAULT_ABOUT)
    return DEFAULT_ABOUT


def about_of(qid: str, question: dict[str, Any]) -> str:
    about = question.get("about")
    return about if about in ABOUT else preset_about(qid, question["code"])


def apply_about(qid: str, questions: list[dict[str, Any]], chosen: dict[str, str],
                before: list[dict[str, Any]]) -> None:
    """Set each question's `about`: as chosen on the page, else as it was in the version edited,
    else its preset's. A value that is not one of ABOUT is refused, naming the question."""
    was = {q["code"]: about_of(qid, q) for q in before}
    for q in questions:
        value = chosen.get(q["code"]) or was.get(q["code"]) or preset_about(qid, q["code"])
        if value not in ABOUT:
            raise InputError("Câu hỏi '%(code)s': 'về' phải là một trong %(values)s",
                             {"code": q["code"], "values": ", ".join(ABOUT)})
        q["about"] = value


def to_lines(items: list[dict[str, Any]]) -> str:
    return "\n".join(f"{i['code']} | {i['text'].get('vi', '')} | {i['text'].get('en', '')}".rstrip(" |")
                     + (f" | {YES_NO}" if question_type(i) == YES_NO else "")
                     for i in items)


def parse_lines(raw: str, what: str, limit: int) -> list[dict[str, Any]]:
    """`code | vi | en` per line; errors name the line ("Câu hỏi, dòng 3: …")."""
    if len(raw) > MAX_LINES_CHARS:
        raise InputError("%(what)s: quá dài", {"what": what})
    items: list[dict[str, Any]] = []
    seen: set[str] = set()
    lines = [line for line in raw.splitlines() if line.strip()]
    if len(lines) > limit:
        raise InputError("%(what)s: nhiều nhất %(n)s dòng", {"what": what, "n": limit})
    for n, line in enumerate(lines, 1):
        parts = [p.strip() for p in line.split("|")]
        try:
            code = roster_edit.code(parts[0], N_("mã"))
            vi = roster_edit.text(parts[1] if len(parts) > 1 else "", N_("tiếng Việt"), MAX_TEXT)
            en = roster_edit.text(parts[2] if len(parts) > 2 else "", N_("tiếng Anh"), MAX_TEXT,
                                  required=False)
        except InputError as e:
            raise InputError("%(what)s, dòng %(line)s: %(problem)s",
                             {"what": what, "line": n, "problem": e}) from None
        kind = parts[3] if len(parts) > 3 else ""
        if kind not in ("", YES_NO) or (kind and what != N_("Câu hỏi")):
            raise InputError("%(what)s, dòng %(line)s: cột thứ tư chỉ có thể là '%(kind)s' "
                             "(câu hỏi có/không)", {"what": what, "line": n, "kind": YES_NO})
        if code in seen:
            raise InputError("%(what)s, dòng %(line)s: mã '%(code)s' bị trùng",
                             {"what": what, "line": n, "code": code})
        seen.add(code)
        items.append({"code": code, "text": {"vi": vi, **({"en": en} if en else {})},
                      **({"type": YES_NO} if kind else {})})
    return items


def _check(document: dict[str, Any]) -> None:
    """What the kiosk will check (kiosk.shared.protocol), as a last guard."""
    roster = {"version": 1, "unit": {"name": "x"}, "questionnaire": document, "kiosk": {}}
    try:
        validate_roster(roster)
    except ProtocolError as e:
        raise InputError("bảng hỏi không hợp lệ: %(problem)s", {"problem": str(e)}) from None


def next_version(qid: str) -> int:
    last = (Questionnaire.select(Questionnaire.version).where(Questionnaire.qid == qid)
            .order_by(Questionnaire.version.desc()).first())
    return last.version + 1 if last else 1


def add_version(qid: str, questions: list[dict[str, Any]], reasons: list[dict[str, Any]],
                active: bool) -> Questionnaire:
    """Store version n+1 of `qid` (call inside a transaction). Making it active switches every
    other one off: kiosks get one questionnaire."""
    if not questions:
        raise InputError("bảng hỏi phải có ít nhất một câu hỏi")
    document = {"id": qid, "version": next_version(qid), "questions": questions, "reasons": reasons}
    _check(document)
    if active:
        Questionnaire.update(active=False).where(Questionnaire.active).execute()
    return Questionnaire.create(qid=qid, version=document["version"],
                                document=json.dumps(document, ensure_ascii=False), active=active)


def from_preset(name: str, qid: str | None = None) -> tuple[str, list[dict[str, Any]], list[dict[str, Any]]]:
    if name not in PRESETS:
        raise InputError("mẫu '%(name)s' không có", {"name": name[:40]})
    preset = copy.deepcopy(PRESETS[name])
    return (roster_edit.code(qid, N_("mã bảng hỏi")) if qid else preset["id"], preset["questions"],
            preset.get("reasons", []))


def activate(row: Questionnaire) -> None:
    Questionnaire.update(active=False).where(Questionnaire.active & (Questionnaire.id != row.id)).execute()
    Questionnaire.update(active=True).where(Questionnaire.id == row.id).execute()


LIMITS = {"questions": MAX_QUESTIONS, "reasons": MAX_REASONS}
