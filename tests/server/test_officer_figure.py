"""The fair officer figure (issue 13, field test R5/R6): only the questions about the officer,
one visit counted once (its first officer question's answer), small samples marked and not
ranked, a "(không rõ cán bộ)" row so that the rows add up to the total. Against an independent
computation from the raw response rows with the questions' subjects written out below, on
SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from kiosk.shared.presets import PRESETS
from sync_server.app import create_app
from sync_server.db import write_transaction
from sync_server.db.models import Officer, Questionnaire, Response, utcnow
from sync_server.reports import exclusion, officers
from sync_server.reports import queries as reports
from sync_server.reports.figures import Counts, fmt_pct
from sync_server.reports.overview import local_today
from sync_server.roster.build import unit_name
from tests.support.chains import make_chain
from tests.support.responses import store_chain
from tests.support.web import staff_client

# Each questionnaire's questions in order, with what they are about — written here by hand, not
# read from the server, so the computation below is independent of it.
FORMS = {
    "phieu-8": [("co-so-vat-chat", "facilities"), ("cong-khai", "procedure"),
                ("thanh-phan-ho-so", "procedure"), ("lich-su", "officer"), ("huong-dan", "officer"),
                ("dung-hen", "result"), ("ket-qua-dung", "result"), ("gop-y", "centre")],
    "overall": [("q1", "officer")],                                   # stored without the key
    "rieng": [("phong", "facilities"), ("vien", "officer"), ("giup", "officer")],
    "chung": [("tong", "centre"), ("cho", "facilities")],             # no officer question at all
}
OFFICERS = {"nv-lan": 60, "nv-hung": 60, "nv-mai": 60, "nv-moi": 2}  # code -> visits (weights): nv-moi ~5
MIN_VISITS = 10


def first_officer_question(form: str) -> str | None:
    return next((code for code, about in FORMS[form] if about == "officer"), None)


@pytest.fixture
def month(make_config):
    cfg = make_config(extra=f"[reports]\nmin_visits = {MIN_VISITS}\n")
    with write_transaction():
        for code in OFFICERS:
            Officer.create(code=code, name=f"Cán bộ {code}", fields="[]")
        Questionnaire.create(qid="phieu-8", version=1, document=json.dumps(PRESETS["phieu-8"]))
        untagged = json.loads(json.dumps(PRESETS["overall"]))
        for q in untagged["questions"]:
            q.pop("about", None)
        Questionnaire.create(qid="overall", version=1, document=json.dumps(untagged))
        for qid in ("rieng", "chung"):
            questions = [{"code": c, "text": {"vi": c}, "about": a} for c, a in FORMS[qid]]
            Questionnaire.create(qid=qid, version=1, document=json.dumps({"id": qid, "version": 1,
                                                                          "questions": questions}))
    today = local_today(cfg.tz)
    start = datetime.combine(today.replace(day=1), datetime.min.time()) - timedelta(hours=7)
    span = max(60, int((utcnow() - start).total_seconds() // 60) - 5)
    rng = random.Random(13)
    # The times draw from their own generator: randrange(span) takes more or fewer random bits as
    # the month goes on, which would change every later draw (and nv-moi's count) day by day.
    times = random.Random(14)
    people = [c for c, w in OFFICERS.items() for _ in range(w)] + [None] * 20

    def each(seq: int) -> dict:
        form = rng.choice(list(FORMS))
        codes = [c for c, _a in FORMS[form]]
        answered = rng.randint(1, len(codes)) if rng.random() < 0.2 else len(codes)  # partial: stops early
        return {"officer": rng.choice(people), "questionnaire": form,
                "answers": {c: rng.randint(1, 5) for c in codes[:answered]},
                "partial": answered < len(codes),
                "recorded_at": (start + timedelta(minutes=times.randrange(span))).isoformat(
                    timespec="milliseconds") + "+00:00"}

    n = 500
    chain = make_chain("store-o", n, kiosk_id="quay-1", each=each)
    store_chain(chain, "quay-1", cfg)
    for rid in rng.sample([r.id for r in Response.select(Response.id)], 9):
        exclusion.set_excluded(rid, True, "bấm thử", "tester")
    return cfg, today


def raw_officer_figures() -> dict[str, tuple[Counts, int, int]]:
    """{officer ('' = none): (officer-score counts, visits, partial)} from the raw sealed bodies."""
    scores: dict[str, list[int]] = defaultdict(list)
    visits: Counter = Counter()
    partial: Counter = Counter()
    for r in Response.select().where(~Response.excluded):
        body = json.loads(r.body)
        who = body["officer"] or ""
        visits[who] += 1
        partial[who] += bool(body["partial"])
        key = first_officer_question(body["questionnaire"])
        if key is not None and key in body["answers"]:
            scores[who].append(body["answers"][key])
    return {k: (Counts.from_scores(scores[k]), visits[k], partial[k]) for k in visits}


def test_the_officer_figures_match_the_raw_rows(month):
    _cfg, today = month
    got = {k: (c.counts, c.responses, c.partial)
           for k, c in officers.officer_cells(reports.Filters(today.replace(day=1), today)).items()}
    want = raw_officer_figures()
    assert got == want
    # One visit once: no officer has more scores than visits, and the 8-question form did not
    # weigh eight times (the answers of all questions are far more than the officer scores).
    assert all(c.total <= v for c, v, _p in want.values())
    every_answer = reports.figures(reports.Filters(today.replace(day=1), today), ("officer",))
    scores = sum(c.total for c, _v, _p in want.values())
    assert sum(c.counts.total for c in every_answer.values()) > 2 * scores


def test_the_ranking_marks_small_samples_and_adds_up(month):
    cfg, today = month
    want = raw_officer_figures()
    client = staff_client(cfg)
    text = client.get(f"/reports/officers?month={today:%Y-%m}&fmt=csv").get_data()[3:].decode("utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    header = next(i for i, line in enumerate(lines) if line[:2] == ["Cán bộ", "Xếp hạng"])
    rows = {line[0]: line for line in lines[header + 1:] if line and line[0]}
    assert lines[header][7:12] == ["5 Rất hài lòng", "4 Hài lòng", "3 Bình thường", "2 Không hài lòng",
                                  "1 Rất không hài lòng"]
    total = rows.pop("Tổng cộng")
    assert set(rows) == {f"Cán bộ {c}" for c in OFFICERS} | {"(không rõ cán bộ)"}
    # The rows add up to the total: visits, and each level.
    for col in (2, 4, 7, 8, 9, 10, 11):
        assert sum(int(r[col]) for r in rows.values()) == int(total[col]), lines[header][col]
    assert int(total[2]) == sum(v for _c, v, _p in want.values())
    # The small sample is marked and not ranked; the others are ranked by share, best first.
    assert want["nv-moi"][0].total < MIN_VISITS and rows["Cán bộ nv-moi"][1] == "ít lượt"
    assert rows["(không rõ cán bộ)"][1] == "—"
    ranked = sorted((int(r[1]), want[name.removeprefix("Cán bộ ")][0].pct()) for name, r in rows.items()
                    if r[1].isdigit())
    assert [rank for rank, _p in ranked] == [1, 2, 3]
    assert [p for _r, p in ranked] == sorted((p for _r, p in ranked), reverse=True)
    assert officers.OFFICER_RULE in [line[0] for line in lines[:header] if line]


ABOUT_WORDS = {"officer": "Cán bộ", "procedure": "Thủ tục, hồ sơ", "result": "Kết quả",
               "facilities": "Cơ sở vật chất", "centre": "Trung tâm (chung)"}


def test_the_table_by_question_is_one_questionnaire_in_order_with_its_subjects(month):
    """Facilities and procedure questions have their figures per criterion, against the raw rows."""
    cfg, today = month
    client = staff_client(cfg)
    url = (f"/reports?period=custom&start={today.replace(day=1)}&end={today}&by=question"
           f"&questionnaire=phieu-8&fmt=csv")
    lines = list(csv.reader(io.StringIO(client.get(url).get_data()[3:].decode("utf-8"))))
    header = next(i for i, line in enumerate(lines) if line[:2] == ["Câu hỏi", "Về"])
    end = next(i for i in range(header + 1, len(lines)) if lines[i][:1] == ["Tổng cộng"])
    body = lines[header + 1:end]  # the table's rows; its total, then the 766-style estimate
    texts = {q["code"]: q["text"]["vi"] for q in PRESETS["phieu-8"]["questions"]}
    assert [(r[0], r[1]) for r in body] == [(f"{i}. {texts[code]}", ABOUT_WORDS[about])
                                            for i, (code, about) in enumerate(FORMS["phieu-8"], 1)]
    answers: dict[str, list[int]] = defaultdict(list)
    for r in Response.select().where(~Response.excluded):
        b = json.loads(r.body)
        if b["questionnaire"] == "phieu-8":
            for code, score in b["answers"].items():
                answers[code].append(score)
    for r, (code, _about) in zip(body, FORMS["phieu-8"], strict=True):
        c = Counts.from_scores(answers[code])
        assert int(r[2]) == c.total and [int(x) for x in r[5:10]] == list(reversed(c.n)), code
    assert lines[end][0] == "Tổng cộng" and int(lines[end][2]) == sum(len(v) for v in answers.values())
    # The page offers the questionnaires used in the period; none of another form's questions here.
    html = client.get(url.replace("&fmt=csv", "")).get_data(as_text=True)
    assert '<option value="phieu-8" selected>phieu-8</option>' in html and "vien" not in html.split(
        'id="report-table"')[1].split("</table>")[0]


def test_the_officer_page_reads_in_english_and_files_stay_vietnamese(month):
    cfg, today = month
    client = staff_client(cfg)
    english = client.get(f"/reports/officers?month={today:%Y-%m}&lang=en").get_data(as_text=True)
    for words in ("Satisfaction with officers and civil servants, month", "<th>Rank</th>", "few visits",
                  "(officer unknown)", "<th>3 Neutral</th>", "each visit once",
                  f"fewer than {MIN_VISITS} visits with an officer score"):
        assert words in english, words
    assert "ít lượt" not in english and "Xếp hạng" not in english
    client.get("/?lang=vi")
    text = client.get(f"/reports/officers?month={today:%Y-%m}&fmt=csv").get_data()[3:].decode("utf-8")
    assert f"dưới {MIN_VISITS} lượt có điểm về cán bộ" in text


def test_the_xlsx_has_numbers_as_numbers(month):
    """Share as a percentage, mean as a number, rank in its own column, a frozen header."""
    cfg, today = month
    client = staff_client(cfg)
    data = client.get(f"/reports/officers?month={today:%Y-%m}&fmt=xlsx").get_data()
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows())
    assert rows[0][0].value.startswith("Kết quả đánh giá") and rows[1][0].value == unit_name(cfg)  # the unit
    header = next(i for i, r in enumerate(rows) if r[0].value == "Cán bộ")
    assert ws.freeze_panes == f"A{header + 2}"
    want = raw_officer_figures()
    seen = 0
    for r in rows[header + 1:]:
        code = r[0].value.removeprefix("Cán bộ ") if r[0].value.startswith("Cán bộ ") else None
        if code is None:
            continue
        counts = want[code][0]
        assert r[2].data_type == "n" and r[2].value == want[code][1]
        assert r[6].number_format == "0.0%" and abs(r[6].value - counts.pct() / 100) < 0.0006
        assert r[5].number_format == "0.00" and abs(r[5].value - counts.mean) < 0.006
        assert isinstance(r[1].value, int) or r[1].value == "ít lượt"
        seen += 1
    assert seen == len(OFFICERS)


def test_the_dashboard_and_the_board_use_the_officer_figure(month, make_config):
    cfg, _today = month
    want = raw_officer_figures()
    html = staff_client(cfg).get("/").get_data(as_text=True)
    for code in OFFICERS:
        row = html.split(f'id="officer-{code}"')[1].split("</tr>")[0]
        assert f'data-month-pct="{want[code][0].pct():.1f}"' in row, code
        assert f'data-month-count="{want[code][1]}"' in row, code
    assert "mỗi lượt đánh giá một lần" in html  # the rule under the table
    board_cfg = make_config(extra=f"[reports]\nmin_visits = {MIN_VISITS}\n[board]\nshow_officers = true\n")
    board = create_app(board_cfg).test_client().get("/board").get_data(as_text=True)
    for code in OFFICERS:
        row = board.split(f"<tr><td>Cán bộ {code}</td>")[1].split("</tr>")[0]
        visits, share = want[code][1], fmt_pct(want[code][0].pct())
        assert f'<td class="num">{visits}</td><td class="num">{share}</td>' in row
    assert "mỗi lượt đánh giá một lần" in board
