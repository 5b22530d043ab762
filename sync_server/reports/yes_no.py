"""Yes/no questions (roster schema 3; NĐ 118/2025 Điều 33.1.e "did you pay anything beyond the
rules?"): the "yes" answers counted per officer and per procedure, and a service alert on each
"yes" when [alerts] yes_alert is on.

They live in their own table (`yes_no_answer`), so the 1–5 figures, means, shares and rollups
never see them. Excluded responses are left out here as everywhere. No Flask here."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sync_server.db.models import Procedure, Questionnaire, Response, ServiceAlert, YesNoAnswer
from sync_server.i18n import N_, Msg
from sync_server.reports import queries, units
from sync_server.reports.exports import EXCLUDED_NOTE, Table, period_note
from sync_server.roster.names import officer_names

REASON = "yes_no"  # ServiceAlert.reason of an alert raised by a "yes"


@dataclass(frozen=True)
class Count:
    question: str
    officer: str  # "" = no officer
    procedure: str  # "" = no procedure chosen
    yes: int
    answered: int


def count(start: date, end: date, unit: str | None = None, point: str | None = None) -> list[Count]:
    """Per question, officer and procedure: how many answered, how many said yes. `unit`: at a
    province hub, one commune's (its server_id; '' the hub's own kiosks); `point`: at one
    reception point."""
    totals: dict[tuple[str, str, str], list[int]] = {}
    rows = (YesNoAnswer.select(YesNoAnswer.question, YesNoAnswer.officer, YesNoAnswer.procedure,
                               YesNoAnswer.value)
            .join(Response, on=(YesNoAnswer.response == Response.id))
            .where((YesNoAnswer.local_date >= start) & (YesNoAnswer.local_date <= end) & ~Response.excluded))
    if unit is not None:
        rows = rows.where(Response.unit == unit)
    if point is not None:
        rows = rows.where(queries.at_point(Response, point, unit))
    for question, officer, procedure, value in rows.tuples():
        cell = totals.setdefault((question, officer or "", procedure or ""), [0, 0])
        cell[0] += bool(value)
        cell[1] += 1
    return [Count(q, o, p, yes, n) for (q, o, p), (yes, n) in sorted(totals.items())]


def question_texts(unit: str | None = None) -> dict[str, str]:
    """Code -> Vietnamese text of every question ever in a stored questionnaire (newest wins); at
    a hub for one commune (`unit`), of that commune's questionnaires as its snapshot names them."""
    texts: dict[str, str] = {}
    if unit:
        documents = [{"questions": q} for q in units.questionnaires(unit).values()]
    else:
        stored = Questionnaire.select(Questionnaire.document).order_by(Questionnaire.version)
        documents = [json.loads(row.document) for row in stored]
    for document in documents:
        for q in document.get("questions", []):
            if isinstance(q, dict) and isinstance(q.get("text"), dict):
                texts[str(q.get("code"))] = str(q["text"].get("vi", ""))
    return texts


def table(counts: list[Count], period_label: str, unit: str | None = None) -> Table:
    """One row per question and officer, then per question and procedure (at a hub for one
    commune, `unit`: named from that commune's snapshot)."""
    texts = question_texts(unit)
    if unit:
        officers = units.names(unit, "officer")
        procedures = {code: f"{name} ({code})" for code, name in units.names(unit, "procedure").items()}
    else:
        officers = officer_names()
        procedures = {p.code: f"{p.name} ({p.code})"
                      for p in Procedure.select(Procedure.code, Procedure.name)}
    rows: list[list[object]] = []
    for by, names, empty in (("officer", officers, N_("(không rõ cán bộ)")),
                             ("procedure", procedures, N_("(không chọn thủ tục)"))):
        grouped: dict[tuple[str, str], list[int]] = {}
        for c in counts:
            key = (c.question, getattr(c, by))
            cell = grouped.setdefault(key, [0, 0])
            cell[0], cell[1] = cell[0] + c.yes, cell[1] + c.answered
        for (question, code), (yes, n) in sorted(grouped.items()):
            rows.append([texts.get(question, question), N_("Cán bộ") if by == "officer" else N_("Thủ tục"),
                         names.get(code, code) if code else empty, yes, n - yes, n])
    yes, answered = sum(c.yes for c in counts), sum(c.answered for c in counts)
    rows.append([N_("Tổng cộng"), "", "", yes, answered - yes, answered])
    notes = [period_note(period_label),
             *([Msg(N_("Đơn vị: %(code)s."), code=unit)] if unit else []),
             N_("Câu hỏi có/không được đếm riêng, không tính vào tỷ lệ hài lòng, điểm trung bình hay "
                "số lượt theo mức 1–5."),
             N_("Ki-ốt chỉ hỏi câu có/không trên màn hình cảm ứng; lượt đánh giá bằng phím hoặc nút bấm "
                "không có câu này."),
             EXCLUDED_NOTE]
    headers = [N_("Câu hỏi"), N_("Theo"), N_("Cán bộ / thủ tục"), N_("Có"), N_("Không"), N_("Số trả lời")]
    return Table(N_("Câu hỏi có/không: số người trả lời “Có”"), notes, headers, rows)


def scan(response_ids: Iterable[int], enabled: bool, now: datetime) -> int:
    """A service alert for each "yes" among these responses (one per response and question;
    scanning again changes nothing). Returns the alerts made. Inside a write transaction."""
    ids = list(response_ids)
    if not enabled or not ids:
        return 0
    made = 0
    rows = (YesNoAnswer.select(YesNoAnswer.question, YesNoAnswer.officer, Response.id, Response.kiosk_id,
                               Response.recorded_utc, Response.corrected_utc)
            .join(Response, on=(YesNoAnswer.response == Response.id))
            .where(YesNoAnswer.response.in_(ids) & YesNoAnswer.value & ~Response.excluded).tuples())
    for question, officer, response_id, kiosk_id, recorded, corrected in rows:
        # The officer when the citizen named one, else the counter's kiosk (the QR page's own).
        kind, subject = ("officer", officer) if officer else ("kiosk", kiosk_id)
        same = ServiceAlert.select().where(
            (ServiceAlert.reason == REASON) & (ServiceAlert.question == question)
            & (ServiceAlert.response_id == response_id))
        if same.exists():
            continue
        at = corrected or recorded
        ServiceAlert.create(subject_kind=kind, subject=subject, started_utc=at, ended_utc=at, responses=1,
                            answers=1, low=1, created_at=now, reason=REASON, question=question,
                            response_id=response_id)
        made += 1
    return made


def scan_since(start: datetime, enabled: bool, now: datetime) -> int:
    """Catch up on every "yes" received since `start` (`hailong-server scan-alerts`, serve's start)."""
    ids = [r.response_id for r in YesNoAnswer.select(YesNoAnswer.response).join(
        Response, on=(YesNoAnswer.response == Response.id)).where(
        YesNoAnswer.value & (Response.received_at >= start))]
    return scan(ids, enabled, now)


def scan_page(store_id: str, first_seq: int, last_seq: int, enabled: bool, now: datetime) -> int:
    ids = [r.id for r in Response.select(Response.id).where(
        (Response.store_id == store_id) & Response.seq.between(first_seq, last_seq))]
    return scan(ids, enabled, now)
