"""The per-officer sheet of a month or a quarter (issue 13, NĐ 335/2025's KPI): visits, the five
levels, the share, the change from the previous period, the visits with an officer score of 1–2
and the topics they chose, the small-sample mark — against an independent computation from the
raw sealed responses, on SQLite and PostgreSQL; and the quarter as a period of the report page."""

from __future__ import annotations

import csv
import io
import json
import random
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from kiosk.shared.presets import PRESETS, TOPICS
from sync_server.db import write_transaction
from sync_server.db.models import Officer, Questionnaire, Response
from sync_server.reports.figures import Counts
from tests.support.chains import make_chain
from tests.support.responses import store_chain
from tests.support.web import staff_client

OFFICER_QUESTION = {"phieu-8": "lich-su", "overall": "q1"}  # each form's first officer question
TOPIC_NAMES = {t["code"]: t["text"]["vi"] for t in TOPICS}
OFFICERS = ["nv-lan"] * 12 + ["nv-hung"] * 10 + ["nv-it"] + [None] * 2
START = datetime(2026, 4, 1, 1)  # UTC; 08:00 in Vietnam
DAYS = 183  # April to September


@pytest.fixture
def half_year(make_config):
    cfg = make_config(extra="[reports]\nmin_visits = 25\n")
    with write_transaction():
        for code in set(OFFICERS) - {None}:
            Officer.create(code=code, name=f"Cán bộ {code}", fields="[]")
        Questionnaire.create(qid="phieu-8", version=1, active=True, document=json.dumps(PRESETS["phieu-8"]))
    rng = random.Random(35)

    def each(seq: int) -> dict:
        form = rng.choice(["phieu-8", "overall"])
        codes = [q["code"] for q in PRESETS[form]["questions"]]
        return {"officer": rng.choice(OFFICERS), "questionnaire": form,
                "answers": {c: rng.choices([1, 2, 3, 4, 5], [2, 2, 2, 4, 5])[0] for c in codes},
                "reasons": rng.sample(sorted(TOPIC_NAMES), rng.choice([0, 0, 1, 2])),
                "recorded_at": (START + timedelta(days=rng.randrange(DAYS), minutes=rng.randrange(540)))
                .isoformat(timespec="milliseconds") + "+00:00"}

    chain = make_chain("store-k", 900, kiosk_id="quay-1", each=each)
    store_chain(chain, "quay-1", cfg)
    return staff_client(cfg)


def raw(start: date, end: date) -> dict[str, dict]:
    """Per officer ('' = none): visits, officer-score counts, and the topics of the 1–2 visits."""
    out: dict[str, dict] = {}
    for r in Response.select().where((Response.local_date >= start) & (Response.local_date <= end)):
        body = json.loads(r.body)
        mine = out.setdefault(body["officer"] or "", {"visits": 0, "scores": [], "topics": Counter()})
        mine["visits"] += 1
        score = body["answers"].get(OFFICER_QUESTION[body["questionnaire"]])
        if score is not None:
            mine["scores"].append(score)
            if score <= 2:
                mine["topics"].update(body["reasons"])
    return out


def sheet(client, query: str) -> tuple[list[str], dict[str, list[str]]]:
    text = client.get(f"/reports/officers?{query}&fmt=csv").get_data()[3:].decode("utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    header = next(i for i, line in enumerate(lines) if line[:2] == ["Cán bộ", "Xếp hạng"])
    return lines[header], {line[0]: line for line in lines[header + 1:] if line and line[0]}


def change(now: list[int], before: list[int]) -> str:
    a = 100 * sum(s >= 4 for s in now) / len(now)
    b = 100 * sum(s >= 4 for s in before) / len(before)
    text = f"{abs(a - b):.1f}".replace(".", ",")
    return ("= " if text == "0,0" else "↑ " if a > b else "↓ ") + text


@pytest.mark.parametrize("query, period, previous", [
    ("month=2026-08", (date(2026, 8, 1), date(2026, 8, 31)), (date(2026, 7, 1), date(2026, 7, 31))),
    ("quarter=2026-Q3", (date(2026, 7, 1), date(2026, 9, 30)), (date(2026, 4, 1), date(2026, 6, 30))),
])
def test_the_sheet_matches_the_raw_rows(half_year, query, period, previous):
    header, rows = sheet(half_year, query)
    assert header[-3:] == ["So với kỳ trước (điểm %)", "Không hài lòng (mức 2, 1)",
                           "Chủ đề người dân chọn khi không hài lòng"]
    now, before = raw(*period), raw(*previous)
    total = rows.pop("Tổng cộng")
    assert int(total[2]) == sum(v["visits"] for v in now.values())
    for code, want in now.items():
        row = rows[f"Cán bộ {code}" if code else "(không rõ cán bộ)"]
        counts = Counts.from_scores(want["scores"])
        assert int(row[2]) == want["visits"] and int(row[4]) == counts.total, code
        assert [int(x) for x in row[7:12]] == list(reversed(counts.n)), code
        assert int(row[-2]) == counts.low, code
        said = dict(part.rsplit(": ", 1) for part in row[-1].split("; ")) if row[-1] else {}
        assert {name: int(n) for name, n in said.items()} == {
            TOPIC_NAMES[c]: n for c, n in want["topics"].items()}, code
        assert row[-3] == change(want["scores"], before[code]["scores"]), code
    # The small sample: marked, not ranked.
    assert rows["Cán bộ nv-it"][1] == "ít lượt" and len(now["nv-it"]["scores"]) < 25
    assert sorted(r[1] for r in rows.values() if r[1].isdigit()) == ["1", "2"]


def test_the_quarter_is_a_period_of_the_report_page_and_bad_ones_are_named(half_year):
    html = half_year.get("/reports?period=quarter&date=2026-08-15").get_data(as_text=True)
    assert "01/07/2026 – 30/09/2026" in html and '<option value="quarter" selected>' in html
    page = half_year.get("/reports/officers?quarter=2026-Q3").get_data(as_text=True)
    assert "cán bộ, công chức quý 3/2026" in page
    bad = half_year.get("/reports/officers?quarter=2026-Q5")
    assert bad.status_code == 400 and "quý dạng năm-Qsố (2026-Q4)" in bad.get_data(as_text=True)
