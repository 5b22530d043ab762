"""The topic report (/reports/topics): how often each topic chip was chosen, by the response's
lowest score, with the addenda from phones in a column of their own — checked over HTTP against
an independent count from the raw `response` and `addendum` rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import random
import uuid
from datetime import date, datetime, timedelta

import pytest

from kiosk.shared import qrticket
from sync_server.app import create_app
from sync_server.collect.puller import pull_kiosk
from sync_server.db.models import Addendum, Questionnaire, Response
from sync_server.qr import store as qr_store
from sync_server.reports import exclusion
from sync_server.reports.topics import GONE_NAME
from tests.support.qr import QUESTIONNAIRE, seed_roster
from tests.support.server import TOKEN
from tests.support.web import add_user, client_as

# An older version of the questionnaire had a topic that is gone from the active one.
OLD = {**QUESTIONNAIRE, "version": 1,
       "reasons": [*QUESTIONNAIRE["reasons"], {"code": "giay-to", "text": {"vi": "Giấy tờ phức tạp"}}]}
NAMES = {"cho-lau": "Chờ lâu", "thai-do": "Thái độ chưa tốt", "thieu-ht": "Hướng dẫn chưa rõ",
         "giay-to": "Giấy tờ phức tạp"}
CODES = ["cho-lau", "thai-do", "thieu-ht", "giay-to", "khong-ro"]  # khong-ro: in no questionnaire
START, END = date(2026, 11, 1), date(2026, 11, 30)


@pytest.fixture
def scene(make_config, make_kiosk):
    kiosk = make_kiosk("quay-1")
    cfg = make_config([kiosk.entry()])
    seed_roster()
    Questionnaire.create(qid="tt01", version=1, active=False, document=json.dumps(OLD, ensure_ascii=False))
    rng = random.Random(11)
    # Responses on the QR chain over three months, around November; some with topics.
    for n in range(90):
        day = datetime(2026, 10, 15, 3) + timedelta(days=rng.randrange(0, 50), minutes=n)
        answers = {q: rng.randint(1, 5) for q in ("q1", "q2") if rng.random() < 0.8} or {"q1": 4}
        reasons = sorted(rng.sample(CODES, rng.randrange(0, 3)))
        qr_store.store({"officer": "nv-lan", "questionnaire": "tt01", "questionnaire_version": 2,
                        "answers": answers, "reasons": reasons, "flags": []}, tz=cfg.tz, now=day)
    # A few from a real kiosk (today, pulled), one an 8-question-like visit with many answers.
    for answers, reasons in (({"q1": 5, "q2": 2}, ["cho-lau"]), ({"q1": 1}, ["thai-do", "khong-ro"]),
                             ({"q1": 4, "q2": 4}, [])):
        kiosk.store.append({"questionnaire": "tt01", "questionnaire_version": 2, "answers": answers,
                            "reasons": reasons, "channel": "touch", "officer": "nv-hung"})
    assert pull_kiosk(cfg.kiosks[0], cfg).received == 3
    # Some left out of the reports by staff.
    for row in [r for r in Response.select().order_by(Response.id) if r.seq % 9 == 0]:
        exclusion.set_excluded(row.id, True, "cán bộ bấm thử", "admin", role="admin")
    # Addenda: for responses on the server (one of them excluded) and for kiosk visits not pulled yet.
    uuids = [r.uuid for r in Response.select().order_by(Response.id)]
    excluded_uuid = Response.select().where(Response.excluded).order_by(Response.id.desc()).first().uuid
    assert excluded_uuid not in uuids[:12]
    for n, response_uuid in enumerate([*uuids[:12], excluded_uuid, *(str(uuid.uuid4()) for _n in range(6))]):
        ticket = qrticket.parse(qrticket.make("quay-1", TOKEN, 1_790_000_000, response=response_uuid))
        when = datetime(2026, 10, 25, 4) + timedelta(days=3 * (n % 5))  # both sides of 1 November
        qr_store.add_addendum(ticket, questionnaire=QUESTIONNAIRE if n % 4 else OLD,
                              topics=sorted(rng.sample(CODES[:4], rng.randrange(0, 3))),
                              comment="" if n % 3 else "ghi chú", tz=cfg.tz, now=when, issued_utc=when)
    add_user()
    return client_as(create_app(cfg), "admin")


def independent(start: date, end: date) -> dict[str, list[int]]:
    """Name -> [score 1..5, sum, from phones, total] straight from every raw row, in Python."""
    out: dict[str, list[int]] = {}

    def row(code: str) -> list[int]:
        return out.setdefault(NAMES.get(code, GONE_NAME), [0] * 8)

    visits = [0] * 8
    excluded = set()
    for r in Response.select():
        if r.excluded:
            excluded.add(r.uuid)
        body = json.loads(r.body)
        day = r.local_date if isinstance(r.local_date, date) else date.fromisoformat(r.local_date)
        if r.excluded or not start <= day <= end or not body["reasons"] or not body["answers"]:
            continue
        low = min(body["answers"].values())
        visits[low - 1] += 1
        for code in set(body["reasons"]):
            row(code)[low - 1] += 1
    added = 0
    for a in Addendum.select():
        day = a.local_date if isinstance(a.local_date, date) else date.fromisoformat(a.local_date)
        topics = json.loads(a.topics)
        if a.response_uuid in excluded or not start <= day <= end:
            continue
        added += bool(topics)
        for code in topics:
            row(code)[6] += 1
    for values in [*out.values(), visits]:
        values[5] = sum(values[:5])
    visits[6] = added
    for values in [*out.values(), visits]:
        values[7] = values[5] + values[6]
    out["Số lượt có chọn chủ đề"] = visits
    return out


def read_csv(data: bytes) -> tuple[list[str], dict[str, list[int]]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    at = next(i for i, r in enumerate(rows) if r and r[0] == "Chủ đề")
    return rows[at], {r[0]: [int(v) for v in r[1:]] for r in rows[at + 1:] if r}


@pytest.mark.parametrize("query,start,end", [
    ("period=month&date=2026-11-20", START, END),
    ("period=custom&start=2026-10-01&end=2026-12-31", date(2026, 10, 1), date(2026, 12, 31)),
])
def test_the_topic_table_matches_an_independent_count(scene, query, start, end):
    client = scene
    r = client.get(f"/reports/topics?{query}&fmt=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    headers, table = read_csv(r.data)
    assert headers == ["Chủ đề", "Mức 1", "Mức 2", "Mức 3", "Mức 4", "Mức 5", "Cộng (đánh giá)",
                       "Thêm từ điện thoại", "Tổng cộng"]
    expected = independent(start, end)
    for name in ("Chờ lâu", "Thái độ chưa tốt", "Hướng dẫn chưa rõ"):  # the active ones, 0 or not
        expected.setdefault(name, [0] * 8)
    assert table == expected
    assert sum(table["Số lượt có chọn chủ đề"][:5]) > 20 and table["Số lượt có chọn chủ đề"][6] > 1
    assert 0 < Response.select().where(Response.excluded).count() < 20
    assert GONE_NAME in table and "Giấy tờ phức tạp" in table
    text = r.data.decode("utf-8-sig")
    for code in CODES:
        assert code not in text  # names, never codes
    assert "điểm thấp nhất" in text  # the rule for multi-question forms is stated


def test_the_topic_page_is_linked_from_the_reports_and_shows_the_table(scene):
    client = scene
    overview = client.get("/reports?period=month&date=2026-11-20").get_data(as_text=True)
    assert "/reports/topics?period=month" in overview and "Chủ đề người dân quan tâm" in overview
    html = client.get("/reports/topics?period=month&date=2026-11-20").get_data(as_text=True)
    assert "Chủ đề người dân quan tâm, theo mức đánh giá" in html and "Thêm từ điện thoại" in html
    assert "Chờ lâu" in html and "điểm thấp nhất" in html and "fmt=csv" in html
    assert client.get("/reports/topics?period=custom&start=2026-12-01&end=2026-11-01").status_code == 400
    assert client.get("/reports/topics?fmt=docx").status_code == 400


def test_addenda_are_never_counted_as_responses(scene):
    """The rollups and the report figures know nothing of addenda."""
    client = scene
    responses = Response.select().where(~Response.excluded).count()
    html = client.get("/reports?period=custom&start=2026-01-01&end=2027-12-31&by=channel").get_data(
        as_text=True)
    footer = html[html.index("<tfoot>"):html.index("</tfoot>")]
    assert f'<td class="num">{responses}</td>' in footer
    assert Addendum.select().count() == 19
