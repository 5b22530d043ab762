"""The table by question (criterion) of one questionnaire: each question with its text, in the
questionnaire's order, what it is about (officer, procedure, result, facilities, centre) and its
share against the target — the facilities and procedure questions have their figures here, not
in an officer's. One questionnaire at a time: forms of 1 and 8 questions are never mixed.
No Flask here."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from kiosk.shared.presets import PRESETS
from sync_server.db.models import Questionnaire
from sync_server.i18n import N_, Msg
from sync_server.reports import exports, figures, queries, units
from sync_server.roster.questionnaires import ABOUT_NAMES, about_of

HEADERS = [N_("Câu hỏi"), N_("Về"), N_("Câu trả lời"), N_("Điểm trung bình"), N_("Tỷ lệ hài lòng"),
           *figures.LEVELS]
SHARE_COLUMN = HEADERS.index("Tỷ lệ hài lòng")
GONE = N_("(câu hỏi không còn trong bảng hỏi)")


def used(f: queries.Filters) -> list[str]:
    """The questionnaire ids with visits in the range, the most used first."""
    cells = queries.figures(f, ("questionnaire",))
    return [key[0] for key, _c in sorted(cells.items(), key=lambda kv: (-kv[1].responses, kv[0][0]))]


def questions(qid: str, unit: str | None = None) -> list[dict[str, Any]]:
    """The questions of the newest stored version of `qid` ([] when none is stored); at a province
    hub for one commune (`unit`), of that commune's own `qid` as its snapshot names it."""
    if unit:
        known = units.questionnaires(unit)
        if qid in known:
            return known[qid]
        return PRESETS.get(qid, {}).get("questions", [])
    row = (Questionnaire.select().where(Questionnaire.qid == qid)
           .order_by(Questionnaire.version.desc()).first())
    if row is None:
        # a form no version of which is stored here (the built-in one)
        return PRESETS.get(qid, {}).get("questions", [])
    try:
        return [q for q in json.loads(row.document).get("questions", []) if isinstance(q, dict)]
    except ValueError:
        return []


def rows_of(qid: str, f: queries.Filters) -> list[tuple[str, str, queries.Cell]]:
    """(label "n. question text", about, figures) per question of `qid`, in its order; codes
    answered in the range that the newest version no longer has come last."""
    cells = {key[0]: cell for key, cell in
             queries.figures(replace(f, questionnaire=qid), ("question",)).items()}
    listed = questions(qid, f.unit)
    out = [(f"{i}. {q.get('text', {}).get('vi', q['code'])}", about_of(qid, q),
            cells.get(q["code"], queries.Cell())) for i, q in enumerate(listed, 1)]
    known = {q["code"] for q in listed}
    out += [(f"{GONE} {code}", "", cells[code]) for code in sorted(cells) if code not in known]
    return out


def build(title: str, period: str, qid: str, rows_in: list[tuple[str, str, queries.Cell]], definition: str,
          target: float) -> exports.Table:
    rows, below = [], set()
    everything = figures.Counts()
    for label, about, cell in rows_in:
        c = cell.counts
        everything = everything + c
        if c.below(target, definition):
            below.add(len(rows))
        rows.append([label, ABOUT_NAMES.get(about, ""), c.total, figures.fmt_mean(c.mean),
                     figures.fmt_pct(c.pct(definition)), *reversed(c.n)])
    rows.append(["Tổng cộng", "", everything.total, figures.fmt_mean(everything.mean),
                 figures.fmt_pct(everything.pct(definition)), *reversed(everything.n)])
    notes = [period, Msg(N_("Bảng hỏi: %(qid)s."), qid=qid),
             N_("Mỗi dòng là một câu hỏi (tiêu chí): tỷ lệ tính trên các câu trả lời của câu đó. Câu hỏi "
                "về cán bộ được tính cho cán bộ; các câu về thủ tục, kết quả, cơ sở vật chất chỉ có ở đây."),
             figures.RULES[definition], figures.target_note(target)]
    return exports.Table(title, notes, list(HEADERS), rows, below)
