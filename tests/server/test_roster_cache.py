"""The roster as the QR page reads it, kept while unchanged (sync_server.roster.cache, migration 21).

What must hold: any change to a table the kept values come from — made by a page, a script, or
another connection — is seen by the next request; while nothing changes, a submit reads none of
those tables; a code nobody has is never kept. Both databases (the triggers are each their own).
"""

from __future__ import annotations

import json
import logging
import sqlite3

import pytest

from sync_server.app import create_app
from sync_server.db import database
from sync_server.db import models as m
from sync_server.qr.target import active_procedures, resolve
from sync_server.roster import cache
from tests.support.qr import seed_roster
from tests.support.web import csrf_token


@pytest.fixture
def cfg(make_config):
    cache.forget()
    c = make_config([("quay-1", "http://127.0.0.1:9", "k" * 24)], extra="[qr]\nwindow_minutes = 0\n")
    seed_roster()
    yield c
    cache.forget()


def test_every_change_to_a_roster_table_moves_the_mark(cfg):
    changes = [
        lambda: m.Officer.create(code="nv-moi", name="Mới"),
        lambda: m.Officer.update(name="Lan").where(m.Officer.code == "nv-lan").execute(),
        lambda: m.Officer.delete().where(m.Officer.code == "nv-moi").execute(),
        lambda: m.Procedure.update(active=False).where(m.Procedure.code == "1.001193").execute(),
        lambda: m.Questionnaire.update(active=False).execute(),
        lambda: m.Field.update(name="Tư pháp").where(m.Field.code == "tu-phap").execute(),
        lambda: m.Unit.create(name="UBND xã Vạn Thọ"),
        lambda: m.Counter.create(code="q9", name="Quầy 9"),
        lambda: m.KioskSetting.update(officers_on_duty="[]").execute(),
        lambda: m.FleetKiosk.create(id="quay-9", url="http://127.0.0.1:9", token="t" * 24),
        lambda: m.ReceptionPoint.create(code="van-tho", name="Vạn Thọ"),
        lambda: m.KioskPoint.create(kiosk_id="quay-9", point="van-tho"),
        lambda: m.Kiosk.create(id="quay-8"),
    ]
    for change in changes:
        before = cache.mark()
        change()
        assert cache.mark() not in (None, before)
    # A pull updates its kiosk's row every few minutes and inserts it if missing: not the roster.
    before = cache.mark()
    m.Kiosk.update(last_pull_status="ok").where(m.Kiosk.id == "quay-8").execute()
    m.Kiosk.insert(id="quay-8").on_conflict_ignore().execute()
    m.Response.select().count()
    assert cache.mark() == before


def test_a_submit_reads_no_roster_table_while_the_roster_is_unchanged(cfg, caplog):
    client = create_app(cfg).test_client()
    body = {"csrf_token": csrf_token(client.get("/r/nv-lan").get_data(as_text=True)), "o": "nv-lan",
            "q_q1": "5", "q_q2": "4"}
    assert client.post("/r/nv-lan", data=body).status_code == 303  # the first one reads them
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        assert client.post("/r/nv-lan", data=body).status_code == 303
    tables = ("officer", "counter", "procedure", "kiosk_setting", "fleet_kiosk", "reception_point",
              "kiosk_point")
    read = [r.getMessage() for r in caplog.records if any(f'FROM "{t}"' in r.getMessage() for t in tables)]
    assert read == []
    assert m.Response.select().count() == 2


def test_the_next_request_sees_a_change_whoever_made_it(cfg):
    client = create_app(cfg).test_client()
    page = client.get("/r/quay-1").get_data(as_text=True)  # the counter: Lan and Hùng on duty
    assert "Nguyễn Thị Lan" in page and resolve("quay-1", cfg).officers[0].code == "nv-lan"
    m.KioskSetting.update(officers_on_duty=json.dumps(["nv-minh"])).execute()  # this process
    assert [o.code for o in resolve("quay-1", cfg).officers] == ["nv-minh"]
    assert "1.001193" in active_procedures()
    m.Procedure.update(active=False).where(m.Procedure.code == "1.001193").execute()
    assert "1.001193" not in active_procedures()
    body = {"csrf_token": csrf_token(client.get("/r/nv-hung").get_data(as_text=True)), "o": "nv-hung",
            "q_q1": "5"}
    m.Officer.update(active=False).where(m.Officer.code == "nv-hung").execute()  # after the form opened
    assert client.post("/r/nv-hung", data=body).status_code == 404  # no such code any more
    assert m.Response.select().count() == 0


def test_a_change_through_another_connection_is_seen(cfg, backend):
    assert resolve("nv-minh", cfg) is not None
    if backend:  # PostgreSQL: another session of the server's database
        import psycopg2

        other = psycopg2.connect(backend)
        with other, other.cursor() as cur:
            cur.execute("""UPDATE "officer" SET "active" = FALSE WHERE "code" = 'nv-minh'""")
    else:  # SQLite: another connection to the same file, as `hailong-server import` would be
        other = sqlite3.connect(database.obj.database)
        with other:
            other.execute("""UPDATE "officer" SET "active" = 0 WHERE "code" = 'nv-minh'""")
    other.close()
    assert resolve("nv-minh", cfg) is None


def test_a_code_nobody_has_is_never_kept(cfg):
    for n in range(50):
        assert resolve(f"khong-co-{n}", cfg) is None
    assert all(not (isinstance(k, tuple) and str(k[1]).startswith("khong-co")) for k in cache._held[1])
    m.Officer.create(code="khong-co-7", name="Mới")  # and once someone has it, it resolves
    assert resolve("khong-co-7", cfg).officers[0].name == "Mới"
