"""The field of a rating (field test R1): its procedure's field; without a procedure, the field
of the officer who served when that officer has exactly one field; otherwise unknown. Every
by-field figure — the report table and its files, quotas, the public board, the yearly report's
row 6 — against an independent computation from the raw response and answer rows, with the rule
applied here in plain Python to the roster written below, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter, defaultdict

from docx import Document
from openpyxl import load_workbook

from sync_server.app import create_app
from sync_server.db import write_transaction
from sync_server.db.models import Answer, Quota, Response
from sync_server.reports import queries as reports
from sync_server.reports import quotas
from sync_server.reports.figures import Counts
from tests.support.field_rule import FIELDS, OFFICERS, PROCEDURES, RULE
from tests.support.web import add_user, client_as, login, page


def field_of(procedure: str | None, officer: str | None) -> str:
    """The rule, written out independently of sync_server.reports.queries"""
    if procedure:
        return PROCEDURES.get(procedure) or ""
    raw = OFFICERS.get(officer or "", "[]")
    try:
        listed = json.loads(raw)
    except ValueError:
        listed = []
    mine = {f for f in listed if f in FIELDS}
    return mine.pop() if len(mine) == 1 else ""


def raw_by_field() -> dict[tuple[str], tuple[Counts, int, int]]:
    """{(field,): (answer counts, responses, partial)} from the raw rows, excluded left out."""
    scores: dict[str, list[int]] = defaultdict(list)
    visits: Counter = Counter()
    partial: Counter = Counter()
    kept = {r.id: r for r in Response.select().where(~Response.excluded)}
    for r in kept.values():
        key = field_of(r.procedure, r.officer)
        visits[key] += 1
        partial[key] += bool(r.partial)
    for a in Answer.select():
        if a.response_id in kept:
            r = kept[a.response_id]
            scores[field_of(r.procedure, r.officer)].append(a.score)
    return {(k,): (Counts.from_scores(scores[k]), visits[k], partial[k]) for k in visits}


def test_every_case_of_the_rule_is_in_the_data_and_the_figures_match_the_raw_rows(month):
    _cfg, today = month
    cases = Counter()
    for r in Response.select().where(~Response.excluded):
        if r.procedure:
            cases["procedure"] += 1
        elif field_of(None, r.officer):
            cases["one-field officer"] += 1
        elif r.officer:
            cases["officer without one field"] += 1
        else:
            cases["neither"] += 1
    assert min(cases.values()) >= 10 and len(cases) == 4, cases
    f = reports.Filters(today.replace(day=1), today)
    got = {k: (c.counts, c.responses, c.partial) for k, c in reports.figures(f, ("field",)).items()}
    want = raw_by_field()
    assert got == want
    # Before the rule, every rating without a procedure was "unknown": now fewer are.
    without_procedure = Response.select().where(~Response.excluded & Response.procedure.is_null()).count()
    assert want[("",)][1] < without_procedure


def test_the_report_by_field_says_the_rule_on_the_page_and_in_every_file(month):
    cfg, today = month
    app = create_app(cfg)
    add_user("staff", "staff")
    client = client_as(app, "staff")
    url = f"/reports?period=custom&start={today.replace(day=1)}&end={today}&by=field"
    html = page(client, url)
    want = raw_by_field()
    for code, name in FIELDS.items():
        row = re.search(rf"<tr[^>]*>\s*<td>{re.escape(name)}</td><td class=\"num\">(\d+)</td>", html)
        assert row and int(row.group(1)) == want[(code,)][1], name
    assert RULE in html
    assert RULE not in page(client, url.replace("by=field", "by=officer"))  # only under by-field tables
    english = page(client, url + "&lang=en")
    assert "A rating without a procedure counts in the field of the officer who served" in english
    client.get("/?lang=vi")
    text = client.get(url + "&fmt=csv").get_data()[3:].decode("utf-8")
    assert [RULE] in list(csv.reader(io.StringIO(text)))
    ws = load_workbook(io.BytesIO(client.get(url + "&fmt=xlsx").get_data())).active
    assert RULE in [row[0] for row in ws.iter_rows(values_only=True)]
    doc = Document(io.BytesIO(client.get(url + "&fmt=docx").get_data()))
    assert RULE in [p.text for p in doc.paragraphs]


def test_quotas_count_the_same_way_and_say_so(month):
    cfg, today = month
    with write_transaction():
        for code in ("", *FIELDS):
            Quota.create(field_code=code, target=1000, start=today.replace(day=1), end=today, label="")
    want = raw_by_field()
    got = {p.quota.field_code: p.count for p in quotas.progress(today)}
    assert got == {"": sum(v[1] for v in want.values()), **{c: want[(c,)][1] for c in FIELDS}}
    app = create_app(cfg)
    add_user("staff", "staff")
    client = client_as(app, "staff")
    html = page(client, "/reports/quotas")
    assert RULE in html
    for p in quotas.progress(today):
        assert f'id="quota-{p.quota.id}" data-state="{p.state}" data-count="{p.count}"' in html


def test_the_public_board_and_the_yearly_row_6_follow(month):
    cfg, today = month
    want = raw_by_field()
    client = create_app(cfg).test_client()
    board = client.get("/board").get_data(as_text=True)
    rows = dict(re.findall(r'<tr><td>([^<]+)</td><td class="num">(\d+)</td>', board))
    assert rows == {**{FIELDS[c]: str(want[(c,)][1]) for c in FIELDS}, "Khác": str(want[("",)][1])}
    assert RULE in board
    add_user("staff", "staff")
    login(client, "staff")
    html = page(client, f"/reports/year?year={today.year}")
    row6 = html.split('id="row-6"')[1].split("</tr>")[0]
    # The generated month depends on the time of day (the span of its random times); at some
    # times two fields tie for the most forms, and the row names one of them.
    most = max(want[(c,)][1] for c in FIELDS)
    assert any(f"Lĩnh vực: {FIELDS[c]} — {most} phiếu" in row6 for c in FIELDS if want[(c,)][1] == most), row6
    assert RULE in row6
