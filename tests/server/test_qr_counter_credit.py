"""A QR rating made from a counter's poster counts for that counter (issue 13): stored with the
response at ingest, carried into the rollups (and their rebuild, and migration 17), shown under the
counter's name in the report by counter — page and CSV — with the kiosk and QR visits side by side,
on SQLite and PostgreSQL. Nothing misattributed: the general poster stays under the QR page, a code
that names no counter is refused at the QR page, and a forged flag is credited to nothing."""

from __future__ import annotations

import csv
import io
import re

import pytest

from sync_server.app import create_app
from sync_server.db import database, write_transaction
from sync_server.db.migrations import m0017_qr_counter as m17
from sync_server.db.models import Counter, Response, RollupDay, RollupMonth, utcnow
from sync_server.qr import store as qr_store
from sync_server.reports import rollup
from tests.support.chains import make_chain
from tests.support.qr import seed_roster
from tests.support.responses import store_chain
from tests.support.server import TOKEN
from tests.support.web import add_user, client_as, csrf_token

REPORT = "/reports?period=year&date={year}-06-01&by=kiosk"
QR_ROW = "Mã QR (điện thoại)"


def at_kiosk(seq: int) -> dict:
    # The third carries a QR counter flag it has no business carrying: a kiosk's rating stays its kiosk's.
    return {"questionnaire": "tt01", "questionnaire_version": 2, "answers": {"q1": 5, "q2": 4},
            "flags": ["qr:counter:quay-3"] if seq == 3 else []}


@pytest.fixture
def scene(make_config):
    """Counter "Quầy 2" (code quay-2) with kiosk-b and its three ratings; "Quầy 3" with no kiosk."""
    cfg = make_config([("kiosk-b", "http://127.0.0.1:9", TOKEN)])
    seed_roster()
    with write_transaction():
        Counter.create(code="quay-2", name="Quầy 2", kiosk_id="kiosk-b")
        Counter.create(code="quay-3", name="Quầy 3")
    store_chain(make_chain("store-b", 3, kiosk_id="kiosk-b", each=at_kiosk), "kiosk-b", cfg)
    add_user("staff", "staff")
    return cfg, create_app(cfg)


def rate(phone, code: str, device: str, officer: str = "-", score: str = "2") -> int:
    """A citizen's phone scans `code` and rates (each on its own device: the limit is per device)."""
    phone.set_cookie("hl_qr", device)
    r = phone.get(f"/r/{code}?o={officer}")
    if r.status_code != 200:
        return r.status_code
    token = csrf_token(r.get_data(as_text=True))
    return phone.post(f"/r/{code}", data={"csrf_token": token, "o": officer, "q_q1": score,
                                          "q_q2": score}).status_code


def by_counter(staff, year: int) -> dict[str, list[str]]:
    """The CSV by counter: name -> [at the kiosk, by QR, visits]."""
    text = staff.get(REPORT.format(year=year) + "&fmt=csv").get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    head = next(i for i, r in enumerate(rows) if r[:1] == ["Quầy (ki-ốt)"])
    assert rows[head][1:4] == ["Lượt tại ki-ốt", "Lượt qua mã QR", "Lượt đánh giá"]
    return {r[0]: r[1:4] for r in rows[head + 1:] if r}


def rollups() -> list[tuple]:
    out = []
    for model in (RollupDay, RollupMonth):
        out += sorted(tuple(str(v) for v in row) for row in model.select(
            model.local_date, model.unit, model.officer, model.kiosk_id, model.counter, model.channel,
            model.questionnaire, model.question, model.responses, model.partial, model.n1, model.n2,
            model.n5).tuples())
    return out


def test_a_qr_rating_at_a_counter_counts_for_that_counter_and_nothing_is_misattributed(scene):
    cfg, app = scene
    phone = app.test_client()
    assert rate(phone, "quay-2", "phone-1") == 303  # the poster at Quầy 2, no officer chosen
    assert rate(phone, "quay-3", "phone-2") == 303  # a counter with no kiosk: QR only
    assert rate(phone, "nv-lan", "phone-3", officer="nv-lan") == 303  # an officer's own poster: no counter
    assert rate(phone, "quay-9", "phone-4") == 404  # a code that names no counter: refused at the page
    # A forged flag that reached the store anyway (a sealed body, as a pull or a hub receives it).
    forged = {"officer": None, "procedure": None, "questionnaire": "tt01", "questionnaire_version": 2,
              "answers": {"q1": 1}, "reasons": [], "flags": ["qr:counter:quay-9"]}
    qr_store.store(forged, tz=cfg.tz, now=utcnow())
    stored = sorted((r.kiosk_id, r.counter) for r in Response.select())
    assert stored == sorted([
        ("kiosk-b", ""), ("kiosk-b", ""), ("kiosk-b", ""),  # the kiosk's own, the forged flag too
        ("qr", "quay-2"), ("qr", "quay-3"), ("qr", ""), ("qr", "")])

    staff = client_as(app, "staff")
    year = utcnow().year
    table = by_counter(staff, year)
    # Quầy 2: its kiosk's three and the QR rating made there, under the counter's name.
    assert table["Quầy 2"] == ["3", "1", "4"]
    assert table["Quầy 3"] == ["0", "1", "1"]
    assert table[QR_ROW] == ["0", "2", "2"]  # the officer's poster and the forged counter
    assert table["Tổng cộng"] == ["3", "4", "7"]
    assert not {"quay-2", "quay-3", "quay-9", "kiosk-b", "qr"} & set(table)
    html = staff.get(REPORT.format(year=year)).get_data(as_text=True)
    cells = re.findall(r"<tr[^>]*>\s*<td>([^<]*)</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>", html)
    assert ("Quầy 2", "3", "1") in cells and ("Quầy 3", "0", "1") in cells and (QR_ROW, "0", "2") in cells
    assert "Đánh giá qua mã QR dán tại một quầy được tính cho quầy đó" in html

    # The rollups rebuilt from the raw rows say the same (rebuild-rollups carries the counter).
    before = rollups()
    with write_transaction():
        rollup.rebuild()
    assert rollups() == before and by_counter(staff, year) == table

    # Migration 17 on rows stored before it: the counter from the sealed flag, the QR rollups split.
    with write_transaction():
        Response.update(counter="").execute()
        for model in (RollupDay, RollupMonth):
            model.delete().where(model.channel == "qr").execute()
        m17._fill_counters(database.obj)
        m17._refill_qr_rollups(database.obj)
    assert sorted((r.kiosk_id, r.counter) for r in Response.select()) == stored
    assert rollups() == before

