"""The topic chips (a questionnaire's `reasons`, "Điều gì Ông/Bà quan tâm nhất hôm nay?"): their
names, how often each was chosen split by the score given, and the addenda shown with their
responses. No Flask here. docs/reports.md, "Topics".

The rule for a response of several questions: it is counted under its LOWEST score (a visit
with a 2 among 4s is where a topic most likely explains something). Addenda (what a citizen
added on the phone after rating at a kiosk, sync_server.qr.addendum) have no score of their
own: they are their own column, "Thêm từ điện thoại". Excluded responses are left out, and so
is the addendum of an excluded response.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sync_server.db.models import Addendum, Questionnaire, Response
from sync_server.i18n import N_
from sync_server.reports import queries
from sync_server.reports.exports import EXCLUDED_NOTE, Table, period_note
from sync_server.roster.build import questionnaire

SCORES = (1, 2, 3, 4, 5)
GONE = ""  # a code no questionnaire names any more: one row, never shown as a code
GONE_NAME = "(chủ đề không còn trong bộ câu hỏi)"
NO_REASONS = '"reasons":[]'  # how canonical JSON writes "no topic": those bodies are not read


def names() -> dict[str, str]:
    """Topic code -> its Vietnamese name, from every questionnaire version the server holds (the
    newest version's text wins), in the order the active questionnaire lists them first."""
    found: dict[str, str] = {}
    for row in Questionnaire.select(Questionnaire.document).order_by(Questionnaire.version):
        try:
            reasons = json.loads(row.document).get("reasons", [])
            for r in reasons:
                found[str(r["code"])] = str(r["text"]["vi"])
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a damaged document names nothing; the codes fall under GONE_NAME
    active = [str(r["code"]) for r in questionnaire().get("reasons", [])]
    ordered = {code: found[code] for code in active if code in found}
    return ordered | {code: name for code, name in found.items() if code not in ordered}


@dataclass
class TopicCounts:
    """Per topic code (GONE for unknown ones): chosen in responses, by lowest score (index 0 =
    score 1), and in addenda; and how many responses / addenda chose at least one topic."""

    by_score: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0] * 5))
    added: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    responses: list[int] = field(default_factory=lambda: [0] * 5)
    addenda: int = 0


def _scores(answers: object) -> list[int]:
    if not isinstance(answers, dict):
        return []
    return [v for v in answers.values() if isinstance(v, int) and not isinstance(v, bool) and v in SCORES]


def count(start: date, end: date, point: str | None = None) -> TopicCounts:
    """The topics chosen between two local dates (inclusive); at one reception point's ratings
    only when `point` is given (an addendum follows its rating's point)."""
    known = names()
    out = TopicCounts()
    query = (Response.select(Response.body)
             .where((Response.local_date >= start) & (Response.local_date <= end) & ~Response.excluded
                    & ~Response.body.contains(NO_REASONS)))
    if point is not None:
        query = query.where(queries.at_point(Response, point, None))
    for (body,) in query.tuples().iterator():
        response = json.loads(body)
        reasons = [r for r in response.get("reasons") or [] if isinstance(r, str)]
        scores = _scores(response.get("answers"))
        if not reasons or not scores:
            continue  # a topic is only asked after a score: nothing to split by otherwise
        low = min(scores) - 1
        out.responses[low] += 1
        for code in set(reasons):
            out.by_score[code if code in known else GONE][low] += 1
    excluded = Response.select(Response.uuid).where(Response.excluded)
    addenda = (Addendum.select(Addendum.topics)
               .where((Addendum.local_date >= start) & (Addendum.local_date <= end)
                      & Addendum.response_uuid.not_in(excluded)))
    if point is not None:
        addenda = addenda.where(Addendum.response_uuid.in_(Response.select(Response.uuid)
                                                           .where(queries.at_point(Response, point, None))))
    for (raw,) in addenda.tuples().iterator():
        topics = set(json.loads(raw or "[]"))
        if topics:
            out.addenda += 1
        for code in topics:
            out.added[code if code in known else GONE] += 1
    return out


def table(counts: TopicCounts, period_label: str) -> Table:
    """The report table: a row per topic (by name), columns per lowest score, the addenda."""
    known = names()
    active = [str(r["code"]) for r in questionnaire().get("reasons", [])]
    counted = set(counts.by_score) | set(counts.added)
    # Every topic of today's questionnaire (a 0 says something too), then older ones that were chosen.
    codes = [c for c in known if c in active or c in counted] + ([GONE] if GONE in counted else [])
    rows: list[list[object]] = []
    for code in codes:
        n = list(counts.by_score.get(code, [0] * 5))
        added = counts.added.get(code, 0)
        rows.append([known.get(code, GONE_NAME), *n, sum(n), added, sum(n) + added])
    rows.append([N_("Số lượt có chọn chủ đề"), *counts.responses, sum(counts.responses), counts.addenda,
                 sum(counts.responses) + counts.addenda])
    notes = [period_note(period_label),
             N_("Mỗi lượt đánh giá được xếp theo điểm thấp nhất trong các câu trả lời của lượt đó (phiếu "
                "nhiều câu hỏi). Một lượt có thể chọn nhiều chủ đề, nên cột cộng của các chủ đề có thể lớn "
                "hơn số lượt."),
             N_("Thêm từ điện thoại: chủ đề người dân chọn khi quét mã QR trên màn hình cảm ơn của ki-ốt để "
                "góp ý thêm về lượt vừa đánh giá; không phải lượt đánh giá mới, không có điểm riêng."),
             EXCLUDED_NOTE]
    headers = [N_("Chủ đề"), N_("Mức 1"), N_("Mức 2"), N_("Mức 3"), N_("Mức 4"), N_("Mức 5"),
               N_("Cộng (đánh giá)"), N_("Thêm từ điện thoại"), N_("Tổng cộng")]
    return Table(N_("Chủ đề người dân quan tâm, theo mức đánh giá"), notes, headers, rows)


@dataclass(frozen=True)
class AddendumView:
    """An addendum as the responses list shows it: topic names and the comment."""

    topics: list[str]
    comment: str


def addenda_for(uuids: list[str]) -> dict[str, AddendumView]:
    """The addenda of these responses, by response uuid."""
    if not uuids:
        return {}
    known = names()
    rows = Addendum.select().where(Addendum.response_uuid.in_(uuids))
    return {a.response_uuid: AddendumView([known.get(c, GONE_NAME) for c in json.loads(a.topics or "[]")],
                                          a.comment)
            for a in rows}
