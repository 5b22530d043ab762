"""The officer figure, fair to the officer (issue 13): only the questions about the officer, and
one visit counted once. A visit's officer score is its answer to the first question about the
officer in its questionnaire (the questionnaire's newest version says which; `about` of each
question, sync_server.roster.questionnaires). Why the first and not the mean of the officer
questions: it keeps a score on the kiosk's five levels (5 Rất hài lòng … 1 Rất không hài lòng),
so the distribution and the share mean what the citizen pressed; every visit is asked it before
the later questions a citizen may walk away from; and it is read from the rollups.

An officer with fewer visits with an officer score than `[reports] min_visits` is marked and not
ranked; the ratings without an officer are a row of their own, so the rows add up to the total.
No Flask here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import reduce
from operator import or_

from peewee import fn

from kiosk.shared.protocol import BUILTIN_QUESTIONNAIRE
from sync_server.db.models import Questionnaire
from sync_server.i18n import N_
from sync_server.reports import queries, units
from sync_server.reports.figures import Counts
from sync_server.roster.questionnaires import about_of

# The rule, printed under every officer table and in docs/reports.md.
OFFICER_RULE = N_("Tỷ lệ của cán bộ chỉ tính câu hỏi về cán bộ, mỗi lượt đánh giá một lần: điểm của lượt "
                  "là câu trả lời cho câu hỏi đầu tiên về cán bộ trong phiếu; các câu về thủ tục, kết "
                  "quả, cơ sở vật chất không tính cho cán bộ.")
UNKNOWN = N_("(không rõ cán bộ)")
SMALL = N_("ít lượt")


def officer_questions(unit: str | None = None) -> dict[str, str]:
    """{questionnaire id: the code of its first question about the officer}, from each id's newest
    stored version (the built-in one too, for kiosks that never had a roster). At a province hub,
    for one commune (`unit`, its server_id): from that commune's own questionnaires, as its
    snapshot names them (the same id may be another form at another commune, or at the hub)."""
    newest: dict[str, list] = {}
    if unit:
        newest = units.questionnaires(unit)
    else:
        for qid, document in (Questionnaire.select(Questionnaire.qid, Questionnaire.document)
                              .order_by(Questionnaire.version).tuples()):
            try:
                newest[qid] = json.loads(document).get("questions", [])
            except (ValueError, AttributeError):
                newest.pop(qid, None)
    out: dict[str, str] = {}
    for qid, questions in newest.items():
        first = next((q["code"] for q in questions if isinstance(q, dict) and "code" in q
                      and about_of(qid, q) == "officer"), None)
        if first:
            out[qid] = first
    builtin = BUILTIN_QUESTIONNAIRE
    out.setdefault(builtin["id"], next(q["code"] for q in builtin["questions"]
                                       if about_of(builtin["id"], q) == "officer"))
    return out


def officer_cells(f: queries.Filters) -> dict[str, queries.Cell]:
    """{officer code ('' = no officer): Cell}: `responses`/`partial` count every visit, `counts`
    the visits' officer scores (a visit whose form has no officer question, or that ended before
    it, is a visit without an officer score)."""
    out = {key[0]: queries.Cell(Counts(), c.responses, c.partial)
           for key, c in queries.figures(f, ("officer",)).items()}
    keys = officer_questions(f.unit)
    for model, start, end in queries.segments(f.start, f.end, need_days=False):
        pairs = reduce(or_, [(model.questionnaire == qid) & (model.question == code)
                             for qid, code in keys.items()])
        sums = [fn.SUM(getattr(model, c)) for c in ("n1", "n2", "n3", "n4", "n5")]
        query = (model.select(model.officer, *sums)
                 .where(queries.question_rows(model, start, end, f) & pairs).group_by(model.officer))
        for officer, *n in query.tuples():
            cell = out.setdefault(officer, queries.Cell())
            cell.counts = cell.counts + Counts.of(*n)
    return out


@dataclass
class OfficerRow:
    code: str  # '' = the ratings without an officer
    cell: queries.Cell
    rank: int | None  # None: not ranked (a small sample, no officer score, or no officer)
    small: bool = False


def ranking(cells: dict[str, queries.Cell], names: dict[str, str], definition: str,
            min_visits: int) -> list[OfficerRow]:
    """Ranked officers (by share, then more scored visits, then name), then the small samples and
    those without a score (by name), then the row without an officer when there are such ratings."""
    ranked, apart = [], []
    for code, cell in cells.items():
        if not code:
            continue
        n = cell.counts.total
        if n >= min_visits:
            ranked.append(OfficerRow(code, cell, None))
        else:
            apart.append(OfficerRow(code, cell, None, small=True))
    ranked.sort(key=lambda r: (-(r.cell.counts.pct(definition) or 0), -r.cell.counts.total,
                               names.get(r.code, r.code)))
    for i, row in enumerate(ranked, 1):
        row.rank = i
    apart.sort(key=lambda r: names.get(r.code, r.code))
    rows = ranked + apart
    unknown = cells.get("")
    if unknown is not None and (unknown.responses or unknown.counts.total):
        rows.append(OfficerRow("", unknown, None))
    return rows


def total(cells: dict[str, queries.Cell]) -> queries.Cell:
    out = queries.Cell()
    for cell in cells.values():
        out.counts = out.counts + cell.counts
        out.responses += cell.responses
        out.partial += cell.partial
    return out
