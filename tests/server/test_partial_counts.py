"""Partial responses (a session that timed out, field test K10) are counted apart from complete
forms wherever a total of responses is shown, in one wording — "492 phiếu (trong đó 12 chưa trả
lời hết)" / "(12 of them not fully answered)" — against the raw rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import re
from collections import Counter

from openpyxl import load_workbook

from sync_server.app import create_app
from sync_server.db import write_transaction
from sync_server.db.models import Quota, Response
from sync_server.reports import queries as reports
from sync_server.reports.figures import fmt_count
from tests.support.web import add_user, client_as, page


def raw() -> tuple[Counter, Counter]:
    """Responses and partial ones per officer ('' for none), from the raw rows; excluded left out."""
    visits, partial = Counter(), Counter()
    for r in Response.select().where(~Response.excluded):
        visits[r.officer or ""] += 1
        partial[r.officer or ""] += bool(r.partial)
    return visits, partial


def footer(html: str) -> tuple[str, int, int]:
    """The total row's label, visits and partial ones."""
    m = re.search(r'<tfoot><tr><td>([^<]+)</td>(?:<td class="num"></td>)?<td class="num">(\d+)</td>'
                  r'<td class="num">(\d+)</td>', html)  # the officer tables: an empty rank cell first
    return m.group(1), int(m.group(2)), int(m.group(3))


def staff(cfg):
    app = create_app(cfg)
    add_user("staff", "staff")
    return client_as(app, "staff")


def test_report_tables_show_the_partial_ones_next_to_the_visits(month):
    cfg, today = month
    client = staff(cfg)
    visits, partial = raw()
    assert sum(partial.values()) >= 20
    url = f"/reports?period=custom&start={today.replace(day=1)}&end={today}&by=officer"
    html = page(client, url)
    headers = re.findall(r"<th>([^<]*)</th>", html.split('id="report-table"')[1].split("</thead>")[0])
    assert headers[1:4] == ["Xếp hạng", "Lượt đánh giá", "Trong đó chưa trả lời hết"]
    rows = re.findall(r'<td>Cán bộ ([^<]+)</td><td class="num">[^<]*</td><td class="num">(\d+)</td>'
                      r'<td class="num">(\d+)</td>', html)
    assert {code: (int(n), int(k)) for code, n, k in rows} == {
        code: (visits[code], partial[code]) for code in visits if code}
    assert footer(html) == ("Tổng cộng", sum(visits.values()), sum(partial.values()))
    # In the spreadsheet the two are numbers, side by side.
    ws = load_workbook(io.BytesIO(client.get(url + "&fmt=xlsx").get_data())).active
    lines = [row for row in ws.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(lines) if row[2] == "Lượt đánh giá")
    assert lines[header][3] == "Trong đó chưa trả lời hết"
    total = next(row for row in lines[header:] if row[0] == "Tổng cộng")  # the estimate follows it
    assert total[:4] == ("Tổng cộng", None, sum(visits.values()), sum(partial.values()))
    english = page(client, url + "&lang=en")
    assert "Of which not fully answered" in english
    # The monthly officer ranking has the same columns and total (still in English: the session).
    monthly = page(client, f"/reports/officers?month={today:%Y-%m}")
    assert footer(monthly) == ("Total", sum(visits.values()), sum(partial.values()))


def test_the_yearly_report_board_and_quotas_say_how_many_were_partial(month):
    cfg, today = month
    visits, partial = raw()
    n, k = sum(visits.values()), sum(partial.values())
    wording = f"{fmt_count(n)} phiếu (trong đó {k} chưa trả lời hết)"
    client = staff(cfg)
    html = page(client, f"/reports/year?year={today.year}")
    row7 = html.split('id="row-7"')[1].split("</tr>")[0]
    assert f"{wording}; tỷ lệ hài lòng" in row7
    row3 = html.split('id="row-3"')[1].split("</tr>")[0]
    assert f"(màn hình cảm ứng): {wording}" in row3  # every response of the fixture is a touch one

    board = create_app(cfg).test_client()
    lead = board.get("/board").get_data(as_text=True).split('id="board-total"')[1].split("</p>")[0]
    assert f"<strong>{n}</strong> lượt đánh giá (trong đó {k} chưa trả lời hết)" in lead
    lead = board.get("/board?lang=en").get_data(as_text=True).split('id="board-total"')[1].split("</p>")[0]
    assert f"({k} of them not fully answered)" in lead

    with write_transaction():
        quota = Quota.create(field_code="", target=30, start=today.replace(day=1), end=today, label="")
    row = page(client, "/reports/quotas").split(f'id="quota-{quota.id}"')[1].split("</tr>")[0]
    assert f'data-count="{n}"' in row and f"(trong đó {k} chưa trả lời hết)" in row
    assert reports.forms(n, k) == wording and reports.forms(n, 0) == f"{fmt_count(n)} phiếu"


def test_the_list_of_responses_marks_each_partial_one_in_the_same_words(month):
    cfg, today = month
    html = page(staff(cfg), f"/reports/responses?period=custom&start={today.replace(day=1)}&end={today}")
    newest = Response.select().order_by(Response.id.desc()).limit(100)
    assert html.count("<em>(chưa trả lời hết)</em>") == sum(bool(r.partial) for r in newest) > 0


def test_without_partial_responses_the_total_is_said_plainly(month):
    cfg, today = month
    with write_transaction():
        Response.update(partial=False).execute()  # the rollups still count the partial ones: rebuild
        from sync_server.reports import rollup

        rollup.rebuild()
    client = staff(cfg)
    html = page(client, f"/reports/year?year={today.year}")
    row7 = html.split('id="row-7"')[1].split("</tr>")[0]
    n = Response.select().where(~Response.excluded).count()
    assert f"{fmt_count(n)} phiếu; tỷ lệ hài lòng" in row7 and "chưa trả lời hết" not in row7
