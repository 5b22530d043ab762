"""The monthly results poster a centre posts (NĐ 118/2025 Điều 34.1): a whole month's share
satisfied per field and overall, against an independent count of the stored answers; no officer
names unless [board] show_officers; staff only; a bad month stays on the form with its error."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta

import pytest

from sync_server.app import create_app
from sync_server.db import write_transaction
from sync_server.db.models import Field, Officer, Procedure
from sync_server.reports.overview import local_today
from tests.support.chains import iso_vn, make_chain
from tests.support.responses import store_chain
from tests.support.web import add_user, client_as, page

SCORES = [5, 4, 2, 5, 3, 1, 5]  # last month: field tu-phap 5,4,2 · dia-chinh 5,3 · none 1,5
PROCS = ["1.001193", "1.001193", "1.001193", "2.000889", "2.000889", None, None]


@pytest.fixture
def office(make_config):
    cfg = make_config()
    fields = {"tu-phap": ("Tư pháp – Hộ tịch", "1.001193"), "dia-chinh": ("Đất đai", "2.000889")}
    with write_transaction():
        for code, (name, procedure) in fields.items():  # one procedure in each field
            Field.create(code=code, name=name)
            Procedure.create(code=procedure, name=f"Thủ tục {procedure}", field=code)
        Officer.create(code="nv-lan", name="Nguyễn Thị Lan")
    today = local_today(cfg.tz)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=10)
    when = datetime.combine(last_month, datetime.min.time()) + timedelta(hours=2)
    this_month = datetime.combine(today.replace(day=1), datetime.min.time()) + timedelta(hours=2)
    n = len(SCORES)
    chain = make_chain("store-p", n + 2, each=lambda seq: {
        "answers": {"q1": SCORES[seq - 1] if seq <= n else 1},
        "procedure": PROCS[seq - 1] if seq <= n else None,
        "recorded_at": iso_vn(when if seq <= n else this_month)})  # two this month: not on last month's
    store_chain(chain, "quay-1", cfg)
    add_user("viewer", "viewer")
    return cfg, last_month, today


def cells(html: str, table: str) -> dict[str, tuple[str, str]]:
    body = re.search(rf'id="{table}">(.*?)</table>', html, re.S).group(1)
    rows = re.findall(r'<td class="name">([^<]*)</td><td class="num">(\d+)</td>\s*<td class="num">([^<]*)<',
                      body)
    return {name: (count, pct) for name, count, pct in rows}


def share(scores: list[int]) -> str:
    return f"{100 * sum(s >= 4 for s in scores) / len(scores):.1f}".replace(".", ",") + " %"


def test_last_month_per_field_and_overall(office):
    cfg, last_month, _today = office
    client = client_as(create_app(cfg), "viewer")
    html = page(client, "/board/poster")  # by default the last whole month
    assert f"{last_month:%m/%Y}" in html
    by_field = cells(html, "poster-fields")
    assert by_field == {"Tư pháp – Hộ tịch": ("3", share([5, 4, 2])), "Đất đai": ("2", share([5, 3])),
                        "Khác": ("2", share([1, 5]))}
    overall = re.search(r'id="poster-overall">\s*<div class="big">([^<]*)<', html).group(1)
    assert overall == share(SCORES) and "trên 7 lượt đánh giá" in html
    assert "Nguyễn Thị Lan" not in html and 'id="poster-officers"' not in html
    assert "Điều 34 Nghị định số 118/2025/NĐ-CP" in html
    assert "size: A4 portrait" in html and "size: A3 portrait" in page(client, "/board/poster?size=a3")
    on = create_app(dataclasses.replace(cfg, board_show_officers=True)).test_client()
    from tests.support.web import login

    login(on, "viewer")
    assert "Nguyễn Thị Lan" in page(on, "/board/poster")


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_the_poster_needs_a_login_and_keeps_a_bad_month_on_the_form(office):
    cfg, _last, today = office
    app = create_app(cfg)
    assert app.test_client().get("/board/poster").status_code == 302
    client = client_as(app, "viewer")
    for bad in ("2026-13", "abc", f"{today.year + 1}-01"):
        html = page(client, f"/board/poster?month={bad}")
        assert 'id="month-error"' in html and 'id="poster"' not in html and f'value="{bad}"' in html
    running = page(client, f"/board/poster?month={today:%Y-%m}")
    assert "Tháng chưa kết thúc" in running  # the month so far, said
    english = page(client, "/board/poster?lang=en")
    assert "SATISFACTION" in english and "Khác" not in english
