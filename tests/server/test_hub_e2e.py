"""The province hub end to end (DESIGN.md §6): real commune servers on SQLite, pulling
protocol-faithful kiosks, push with `hailong-server push --once` to a real hub process
(`hailong-server serve`) on PostgreSQL. What the hub holds of each commune equals what the
commune holds; faults lose nothing acknowledged and store nothing twice."""

from __future__ import annotations

import csv
import http.client
import io
import json
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest
import requests

from kiosk.shared.protocol import canonical_json
from sync_server import config as server_config
from sync_server.db import database
from sync_server.db.models import User
from sync_server.reports import queries
from tests.support.chains import make_chain
from tests.support.fake_kiosk import FakeKiosk
from tests.support.hub import (
    NAMES,
    TOKENS,
    CutProxy,
    Hub,
    cli,
    commune_toml,
    open_db,
    raw_batch,
    running_hub,
)
from tests.support.server import REPO
from tests.support.web import PASSWORD, add_user, csrf_token, login, page

pytestmark = pytest.mark.e2e
WHOLE = queries.Filters(date(2026, 1, 1), date(2026, 12, 31))
BY = ("officer", "procedure", "kiosk", "channel", "question", "day")
OTHER_LAN = "Hoàng Văn Lan"  # commune B's nv-lan


def varied(seq: int) -> dict:
    """Responses over twenty days, two officers, some partial, every score."""
    return {"officer": ("nv-lan", "nv-hung", None)[seq % 3], "answers": {"q1": seq % 5 + 1},
            "recorded_at": f"2026-11-{1 + seq % 20:02d}T{8 + seq % 9:02d}:15:02.120+07:00",
            "partial": seq % 11 == 0}


@pytest.fixture
def hub(tmp_path):
    yield from running_hub(tmp_path)


@pytest.fixture
def kiosks():
    made: list[FakeKiosk] = []

    def make(kiosk_id: str, store_id: str, n: int) -> FakeKiosk:
        k = FakeKiosk(kiosk_id, store_id, make_chain(store_id, n, kiosk_id=kiosk_id, each=varied))
        made.append(k)
        return k

    yield make
    for k in made:
        k.stop()


def commune(tmp_path, server_id: str, hub_url: str, fakes: list[FakeKiosk], points: dict | None = None, **kw):
    """A commune server on the demo roster (two reception points) that pulled `fakes`; `points`:
    {kiosk id: reception point} for kiosks placed elsewhere than the main office before the pull."""
    path = commune_toml(tmp_path / f"{server_id}.toml", server_id, hub_url,
                        {k.kiosk_id: k.url for k in fakes}, **kw)
    assert cli("seed-demo", "--config", str(path)).returncode == 0
    db = sqlite3.connect(path.parent / (path.stem + "-data") / "server.db")
    db.executemany("UPDATE counter SET point = ? WHERE kiosk_id = ?",
                   [(point, kiosk) for kiosk, point in (points or {}).items()])
    db.commit()
    db.close()
    pull(path)
    return path


def pull(path) -> None:
    pulled = cli("pull", "--once", "--config", str(path))
    assert pulled.returncode == 0 and "refused" not in pulled.stdout, pulled.stdout + pulled.stderr


def push(path, *extra: str):
    return cli("push", "--once", "--config", str(path), *extra)


def figures(path, unit: str | None = None) -> dict:
    """Every figure the reports read, from the rollups, as plain numbers."""
    open_db(path)
    f = queries.Filters(WHOLE.start, WHOLE.end, unit=unit)
    return {k: (c.responses, c.partial, c.counts) for k, c in queries.figures(f, BY).items()}


def places_of(path, unit: str | None = None) -> dict:
    """The visits by counter (sync_server.reports.places), from the rollups."""
    open_db(path)
    return {k: c.responses for k, c in queries.figures(queries.Filters(WHOLE.start, WHOLE.end, unit=unit),
                                                       ("place",)).items()}


def held(path, unit: str = "") -> dict[tuple[str, int], str]:
    """(store, seq) → the sealed response as stored, for one unit."""
    open_db(path)
    rows = database.execute_sql('SELECT "store_id", "seq", "body" FROM "response" WHERE "unit" = '
                                f'{database.obj.param}', (unit,)).fetchall()
    return {(s, q): b for s, q, b in rows}


def test_two_communes_push_in_pages_and_the_hub_holds_exactly_what_each_holds(tmp_path, hub, kiosks):
    a = commune(tmp_path, "xa-a", hub.base, [kiosks("quay-1", "store-a1", 230),
                                             kiosks("quay-2", "store-a2", 40)], points={"quay-2": "van-tho"})
    # Commune B has a kiosk named quay-1 too and officers with the same codes: (server_id, code).
    b = commune(tmp_path, "xa-b", hub.base, [kiosks("quay-1", "store-b1", 90)])

    first = push(a, "--page", "50")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "push: ok, 270 sent, 0 left"
    # At B, nv-lan is another person, in another field: the hub must never add the two up.
    db = sqlite3.connect(b.parent / (b.stem + "-data") / "server.db")
    db.execute("UPDATE officer SET name = ?, fields = ? WHERE code = 'nv-lan'", (OTHER_LAN, '["dia-chinh"]'))
    db.commit()
    db.close()
    # B is pushed by its own `serve` ([upstream] interval_s): the schedule, not a timer's push --once.
    commune_b = Hub(b, server_config.load(b).port).start()
    try:
        deadline = time.monotonic() + 60
        while requests.get(hub.base + "/api/v1/upstream/status", headers=auth("xa-b"),
                           timeout=10).json()["acks"] != {"store-b1": 90}:
            assert time.monotonic() < deadline, "serve did not push"
            time.sleep(0.2)
    finally:
        commune_b.stop()

    hub_cfg = hub.config
    for path, unit in ((a, "xa-a"), (b, "xa-b")):
        assert held(hub_cfg, unit) == held(path), unit  # exactly what the kiosks sealed
        assert figures(hub_cfg, unit) == figures(path), unit
    open_db(hub_cfg)
    by_unit = {k: c.responses for k, c in queries.figures(WHOLE, ("unit", "officer")).items()}
    # varied(): nv-lan serves every third seq of each store
    assert by_unit[("xa-a", "nv-lan")] == 230 // 3 + 40 // 3 and by_unit[("xa-b", "nv-lan")] == 90 // 3

    again = push(a)
    assert again.returncode == 0 and again.stdout.strip() == "push: ok, 0 sent, 0 left"
    assert len(held(hub_cfg, "xa-a")) == 270

    # The hub's report by commune, in its CSV: the commune's code and name, its own figures.
    totals = {}
    for unit, path in (("xa-a", a), ("xa-b", b)):
        open_db(path)
        totals[unit] = queries.total(WHOLE)
    csv_text = report_csv(hub_cfg, "by=unit")
    rows = {r[0]: r for r in csv.reader(io.StringIO(csv_text)) if r and r[0] in ("xa-a", "xa-b")}
    for unit, cell in totals.items():
        assert rows[unit][1] == NAMES[unit]
        assert (int(rows[unit][2]), int(rows[unit][4])) == (cell.responses, cell.counts.total)
    assert "Mã đơn vị,Tên đơn vị" in csv_text
    province = hub_page(hub_cfg, "/province")
    for unit, cell in totals.items():
        row = re.search(rf'<tr id="unit-{unit}"([^>]*)>', province).group(1)
        assert f'data-year="{cell.responses}"' in row and 'data-silent="0"' in row
        # Each commune's last batch said it had nothing left to push.
        whole_row = re.search(rf'<tr id="unit-{unit}".*?</tr>', province, re.S).group(0)
        assert '<td class="backlog" data-backlog="0">0</td>' in whole_row
        assert f'href="/reports?by=officer&amp;unit={unit}"' in province  # the drill-down

    # Drill-down: each commune's own officers, procedures, fields, counters, reception points and
    # officer sheet at the hub are the commune's own tables, row for row (names from its snapshot,
    # B's nv-lan is not A's; A's points with the commune Vạn Thọ was before the merger).
    year = "/reports?period=year&date=2026-11-01&fmt=csv"
    points_a = {r[0]: r for r in table_rows(a, f"{year}&by=point")}
    assert [int(points_a[name][2]) for name in ("Trụ sở Trung tâm (xã Đại Lãnh)", "Điểm tiếp nhận Vạn Thọ")] \
        == [230, 40] and points_a["Điểm tiếp nhận Vạn Thọ"][1].startswith("xã Vạn Thọ")
    assert 'value="point"' in hub_page(hub_cfg, "/reports?by=officer&unit=xa-a")  # the grouping is offered
    for unit, path in (("xa-a", a), ("xa-b", b)):
        for by in ("officer", "procedure", "field", "kiosk", "point"):
            mine = table_rows(path, f"{year}&by={by}")
            assert mine and table_rows(hub_cfg, f"{year}&by={by}&unit={unit}") == mine, (unit, by)
        sheet = "/reports/officers?month=2026-11&fmt=csv"
        assert table_rows(hub_cfg, f"{sheet}&unit={unit}") == table_rows(path, sheet), unit
    lan_a = next(r for r in table_rows(a, f"{year}&by=officer") if r[0] == "Nguyễn Thị Lan")
    lan_b = next(r for r in table_rows(b, f"{year}&by=officer") if r[0] == OTHER_LAN)
    assert int(lan_a[2]) == 230 // 3 + 40 // 3 and int(lan_b[2]) == 90 // 3  # visits
    fields_b = {r[0]: r for r in table_rows(b, f"{year}&by=field")}
    assert int(fields_b["Kinh tế – Đất đai – Xây dựng"][1]) == 90 // 3  # B's nv-lan's field
    # Without a unit the hub reads one commune (the first), never the sum of equal codes.
    assert table_rows(hub_cfg, f"{year}&by=officer") == table_rows(a, f"{year}&by=officer")
    assert OTHER_LAN not in csv_text_of(hub_cfg, f"{year}&by=officer")
    assert http_status(hub_cfg, f"{year}&by=officer&unit=xa-khong-co") == 400

    # The province's reports by period, through the commune's own export code: a quarter's XLSX
    # and DOCX by commune name both communes with their figures.
    quarter = "/reports?period=quarter&date=2026-11-01&by=unit"
    sheet = openpyxl.load_workbook(io.BytesIO(staff_client(hub_cfg).get(f"{quarter}&fmt=xlsx").data)).active
    cells = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0] in totals}
    expected = {u: (NAMES[u], c.responses) for u, c in totals.items()}
    assert {u: (r[1], r[2]) for u, r in cells.items()} == expected
    docx = staff_client(hub_cfg).get(f"{quarter}&fmt=docx")
    text = zipfile.ZipFile(io.BytesIO(docx.data)).read("word/document.xml").decode("utf-8")
    assert docx.status_code == 200 and all(NAMES[u] in text and u in text for u in totals)


def staff_client(path):
    """A test client of a server's own app, logged in as staff."""
    cfg = open_db(path)
    from sync_server.app import create_app

    if not User.select().where(User.username == "staff").exists():
        add_user("staff", role="staff")
    client = create_app(cfg).test_client()
    login(client, "staff")
    return client


def http_status(path, url: str) -> int:
    return staff_client(path).get(url).status_code


def csv_text_of(path, url: str) -> str:
    r = staff_client(path).get(url)
    assert r.status_code == 200, (url, r.status_code)
    return r.get_data(as_text=True).lstrip("\ufeff")


def table_rows(path, url: str) -> list[list[str]]:
    """The rows of a report's CSV table (the header row and the rows after it up to the blank
    line before any closing section; the title and notes, which name the unit, left out). The
    766-style estimate after the table says where the full criterion is computed: not compared."""
    rows = list(csv.reader(io.StringIO(csv_text_of(path, url))))
    start = next(i for i, r in enumerate(rows) if len(r) > 3)
    end = next((i for i in range(start + 1, len(rows)) if not rows[i]), len(rows))
    return rows[start + 1:end]


def report_csv(path, query: str) -> str:
    """A report page of a server as CSV, from its own app, logged in as staff."""
    return csv_text_of(path, f"/reports?period=year&date=2026-11-01&{query}&fmt=csv")


def hub_alerts(hub_cfg) -> list[tuple[str, str, str]]:
    open_db(hub_cfg)
    from sync_server.collect.messages import render
    from sync_server.db.models import Alert

    return [(a.kiosk_id, a.kind, render(a.message, lambda s: s)) for a in Alert.select().order_by(Alert.id)]


def tamper(path, store_id: str, seq: int) -> None:
    """Change one stored response's score in the commune's SQLite database, its hash left alone."""
    db = sqlite3.connect(path.parent / (path.stem + "-data") / "server.db")
    body = json.loads(db.execute("SELECT body FROM response WHERE store_id = ? AND seq = ?",
                                 (store_id, seq)).fetchone()[0])
    body["answers"]["q1"] = 6 - body["answers"]["q1"] if body["answers"]["q1"] != 3 else 4
    db.execute("UPDATE response SET body = ? WHERE store_id = ? AND seq = ?",
               (canonical_json(body).decode(), store_id, seq))
    db.commit()
    db.close()


def test_a_tampered_response_is_refused_named_and_alerted_and_the_rest_of_its_store_is_not_kept(
        tmp_path, hub, kiosks):
    a = commune(tmp_path, "xa-a", hub.base, [kiosks("quay-1", "store-a1", 60),
                                             kiosks("quay-2", "store-a2", 20)])
    tamper(a, "store-a1", 25)
    pushed = push(a, "--page", "10")
    assert pushed.returncode == 3, pushed.stdout + pushed.stderr
    line = pushed.stderr.strip()
    assert line.startswith("push: refused") and "store store-a1 at seq 25" in line
    assert "hash does not match" in line
    at_hub = held(hub.config, "xa-a")
    # The batches before it are kept; nothing of store-a1 from the refused batch (seq 21-30) nor
    # after; the commune's other store went on.
    assert sorted(s for st, s in at_hub if st == "store-a1") == list(range(1, 21))
    assert sorted(s for st, s in at_hub if st == "store-a2") == list(range(1, 21))
    assert any(k == "xa-a" and kind == "chain" and "store-a1" in text and "seq 25" in text
               for k, kind, text in hub_alerts(hub.config))

    # The commune's health page: the last push, the refusal and its reason, the backlog.
    html = health_page(a)
    assert 'data-upstream-last="refused"' in html and "store-a1" in html and "seq 25" in html
    assert f'data-upstream-backlog="{60 - 20}"' in html
    assert push(a).returncode == 3  # still refused at the next push; nothing more kept
    assert len(held(hub.config, "xa-a")) == 40

    # The hub's page of its communes: A pushed and was refused, with an open alert; B never pushed.
    province = hub_page(hub.config, "/province")
    row_a = re.search(r'<tr id="unit-xa-a"([^>]*)>', province).group(1)
    row_b = re.search(r'<tr id="unit-xa-b"([^>]*)>', province).group(1)
    assert 'data-silent="0"' in row_a and 'data-status="refused"' in row_a and 'data-alerts="1"' in row_a
    assert 'data-silent="1"' in row_b and 'data-year="0"' in row_b
    # Four days without a push (the hub's clock moved on): A is flagged silent too.
    open_db(hub.config)
    from sync_server.db.models import Downstream

    Downstream.update(last_push_at=Downstream.last_push_at - timedelta(days=4)).execute()
    row_a = re.search(r'<tr id="unit-xa-a"([^>]*)>', hub_page(hub.config, "/province")).group(1)
    assert 'data-silent="1"' in row_a


def health_page(path) -> str:
    """/kiosks of the commune server, rendered by its own app, logged in."""
    return hub_page(path, "/kiosks")


def hub_page(path, url: str) -> str:
    """A page of a server (hub or commune), rendered by its own app, logged in as admin."""
    cfg = open_db(path)
    from sync_server.app import create_app

    if not User.select().where(User.username == "admin").exists():
        add_user()
    client = create_app(cfg).test_client()
    login(client)
    return page(client, url)


def auth(server_id: str, token: str | None = None) -> dict:
    return {"Authorization": f"Bearer {token or TOKENS[server_id]}"}


def test_the_batch_endpoint_by_hand_tokens_a_batch_twice_a_tampered_one_and_size(hub):
    url = hub.base + "/api/v1/upstream"
    chain = make_chain("store-x", 10, kiosk_id="quay-9")
    for headers in ({}, {"Authorization": "Bearer " + "z" * 24}, {"Authorization": TOKENS["xa-a"]}):
        assert requests.get(url + "/status", headers=headers, timeout=10).status_code == 401
        assert requests.post(url + "/batch", json=raw_batch("xa-a", chain), headers=headers,
                             timeout=10).status_code == 401
    # A's token for B's server_id
    assert requests.post(url + "/batch", json=raw_batch("xa-b", chain), headers=auth("xa-a"),
                         timeout=10).status_code == 401

    bad = [dict(r) for r in chain]
    bad[3] = {**bad[3], "answers": {"q1": 1}}
    r = requests.post(url + "/batch", json=raw_batch("xa-a", bad), headers=auth("xa-a"), timeout=30)
    assert r.status_code == 409
    error = r.json()["error"]
    assert (error["store_id"], error["seq"], error["reason"]) == ("store-x", 4, "chain")
    assert r.json()["acks"] == {"store-x": 0}

    for stored in (10, 0):  # the same batch twice: stored once
        r = requests.post(url + "/batch", json=raw_batch("xa-a", chain), headers=auth("xa-a"), timeout=30)
        assert r.status_code == 200 and r.json() == {"acks": {"store-x": 10}, "stored": stored}
    assert requests.get(url + "/status", headers=auth("xa-a"), timeout=10).json() == {
        "server_id": "xa-a", "acks": {"store-x": 10}}
    # That batch's roster snapshot was empty: its officer is stored, counted and flagged.
    assert any(k == "xa-a" and kind == "unknown" and "officer:nv-lan" in text
               for k, kind, text in hub_alerts(hub.config))
    # Sent again but altered: what the hub holds is not overwritten, the seq is named.
    r = requests.post(url + "/batch", json=raw_batch("xa-a", bad), headers=auth("xa-a"), timeout=30)
    assert r.status_code == 409 and (r.json()["error"]["seq"], r.json()["error"]["reason"]) == (4, "chain")
    assert "differs from the response the hub holds" in r.json()["error"]["message"]
    assert requests.get(url + "/status", headers=auth("xa-b"), timeout=10).json()["acks"] == {}
    # The same store pushed by another commune server: refused, alerted, nothing stored.
    r = requests.post(url + "/batch", json=raw_batch("xa-b", chain), headers=auth("xa-b"), timeout=30)
    assert r.status_code == 409 and r.json()["error"]["reason"] == "two_units"
    assert "xa-a" in r.json()["error"]["message"]
    assert len(held(hub.config, "xa-a")) == 10 and held(hub.config, "xa-b") == {}
    assert any(k == "xa-b" and kind == "two_units" for k, kind, _t in hub_alerts(hub.config))

    for body, problem in ((b"not json", "not JSON"), (b"[" * 100_000 + b"]" * 100_000, "not JSON"),
                          (b'{"protocol": 1, "server_id": "xa-a"}', "roster")):
        r = requests.post(url + "/batch", data=body, headers=auth("xa-a"), timeout=10)
        assert r.status_code == 400 and problem in r.json()["error"]["message"]
    conn = http.client.HTTPConnection("127.0.0.1", hub.port, timeout=10)
    conn.putrequest("POST", "/api/v1/upstream/batch")
    conn.putheader("Authorization", auth("xa-a")["Authorization"])
    conn.putheader("Content-Length", str(64 * 1024 * 1024))
    conn.endheaders()
    assert conn.getresponse().status == 413  # refused before 64 MB is read
    conn.close()


def test_a_wrong_token_and_a_store_pushed_by_two_communes_are_refused(tmp_path, hub, kiosks):
    shared = kiosks("quay-1", "store-a1", 30)
    a = commune(tmp_path, "xa-a", hub.base, [shared])
    b = commune(tmp_path, "xa-b", hub.base, [shared, kiosks("quay-2", "store-b2", 5)])
    wrong = commune_toml(tmp_path / "wrong.toml", "xa-a", hub.base, {}, token="not-the-token-0123456789")
    denied = push(wrong)
    assert denied.returncode == 3 and "401" in denied.stderr and "not-the-token" not in denied.stderr
    assert push(a).returncode == 0
    pushed = push(b)
    assert pushed.returncode == 3 and "store store-a1" in pushed.stderr and "xa-a" in pushed.stderr
    assert {s for s, _q in held(hub.config, "xa-b")} == {"store-b2"}
    assert len(held(hub.config, "xa-a")) == 30
    assert any(k == "xa-b" and kind == "two_units" and "store-a1" in text
               for k, kind, text in hub_alerts(hub.config))

    # Enrolment by a pairing code: the hub's page shows it once; the commune's technician gives
    # it to `pair-hub`, which checks it with the hub before it writes [upstream]; then push works.
    code = enrol_on_page(hub, "xa-moi")
    new = commune_toml(tmp_path / "xa-moi.toml", "xa-moi", hub.base,
                       {"quay-1": kiosks("quay-1", "store-moi", 12).url}, upstream=False)
    assert cli("seed-demo", "--config", str(new)).returncode == 0
    pull(new)
    typo = code[:-3] + ("aaa" if code[-3:] != "aaa" else "bbb")
    bad = cli("pair-hub", typo, "--write", "--config", str(new))
    assert bad.returncode == 2 and "mistyped" in bad.stderr
    assert "[upstream]" not in new.read_text(encoding="utf-8")
    paired = cli("pair-hub", code, "--write", "--config", str(new))
    assert paired.returncode == 0, paired.stderr
    assert "knows xa-moi (0 store(s) held)" in paired.stderr and code not in paired.stderr
    assert push(new).stdout.strip() == "push: ok, 12 sent, 0 left"
    assert len(held(hub.config, "xa-moi")) == 12
    again = cli("pair-hub", code, "--write", "--config", str(new))
    assert again.returncode == 2 and "already there" in again.stderr
    revoke_on_page(hub, "xa-moi")
    revoked = cli("pair-hub", code, "--config", str(new))
    assert revoked.returncode == 3 and "401" in revoked.stderr


def admin_post(hub, url: str, form: dict[str, str]):
    """POST a form of /province on the hub's own app (its database) as admin, every request made
    to the hub's real address (the page writes it into the pairing code)."""
    cfg = open_db(hub.config)
    from sync_server.app import create_app

    if not User.select().where(User.username == "admin").exists():
        add_user()
    client = create_app(cfg).test_client()
    token = csrf_token(client.get("/login", base_url=hub.base).get_data(as_text=True))
    r = client.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token},
                    base_url=hub.base)
    assert r.status_code == 302
    token = csrf_token(client.get("/province", base_url=hub.base).get_data(as_text=True))
    return client.post(url, data={**form, "csrf_token": token}, base_url=hub.base)


def enrol_on_page(hub, server_id: str) -> str:
    r = admin_post(hub, "/province/enrol", {"server_id": server_id, "name": server_id})
    assert r.status_code == 200
    return re.search(r"<pre data-pairing>(hl1-[a-z2-7]+)</pre>", r.get_data(as_text=True)).group(1)


def revoke_on_page(hub, server_id: str) -> None:
    assert admin_post(hub, f"/province/{server_id}/revoke", {}).status_code == 302


def test_a_commune_restored_from_an_old_backup_resumes_without_doubles(tmp_path, hub, kiosks):
    kiosk = kiosks("quay-1", "store-a1", 40)
    a = commune(tmp_path, "xa-a", hub.base, [kiosk])
    assert push(a).returncode == 0
    db = a.parent / "xa-a-data" / "server.db"
    shutil.copy(db, tmp_path / "old-backup.db")  # the commune's backup: 40 held, 40 acknowledged
    kiosk.responses += make_chain("store-a1", 35, kiosk_id="quay-1", start=41,
                                  prev=kiosk.responses[-1]["hash"], each=varied)
    pull(a)
    assert push(a).returncode == 0
    shutil.copy(tmp_path / "old-backup.db", db)  # the disk died; the old backup is restored
    for wal in db.parent.glob("server.db-*"):
        wal.unlink()
    again = push(a)  # the hub holds 75, this database 40: nothing to send, nothing doubled
    assert again.returncode == 0 and again.stdout.strip() == "push: ok, 0 sent, 0 left"
    pull(a)  # the kiosk still holds 41-75: the commune takes them again
    assert push(a).stdout.strip() == "push: ok, 0 sent, 0 left"
    assert held(hub.config, "xa-a") == held(a) and len(held(a)) == 75
    assert figures(hub.config, "xa-a") == figures(a)


def test_a_connection_cut_after_the_hub_stored_a_batch_and_a_hub_killed_mid_batch_lose_and_double_nothing(
        tmp_path, hub, kiosks):
    lost_reply = CutProxy(hub.port, "after_reply")
    a = commune(tmp_path, "xa-a", lost_reply.url, [kiosks("quay-1", "store-a1", 120)])
    cut = push(a, "--page", "50")
    assert cut.returncode == 1 and "push: unreachable, 0 sent" in cut.stderr
    assert len(held(hub.config, "xa-a")) == 50  # the hub stored the batch; its reply was lost
    resumed = push(a, "--page", "50")
    assert resumed.stdout.strip() == "push: ok, 70 sent, 0 left"  # from the hub's status on
    assert held(hub.config, "xa-a") == held(a)
    lost_reply.close()

    half = CutProxy(hub.port, "half_body")
    b = commune(tmp_path, "xa-b", half.url, [kiosks("quay-1", "store-b1", 80)])
    proc = subprocess.Popen([sys.executable, "-m", "sync_server", "push", "--once", "--config", str(b)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert half.holding.wait(60)  # the hub has half of the batch's body
    hub.kill()  # SIGKILL mid-batch
    half.release.set()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "push: unreachable" in err
    hub.start()
    assert held(hub.config, "xa-b") == {}
    assert push(b).stdout.strip() == "push: ok, 80 sent, 0 left"
    assert held(hub.config, "xa-b") == held(b) and held(hub.config, "xa-a") == held(a)
    assert figures(hub.config, "xa-b") == figures(b)
    half.close()


def test_thirty_days_offline_then_20000_responses_and_an_exclusion_go_up(tmp_path, hub, kiosks):
    def month(seq: int) -> dict:
        return {**varied(seq),
                "recorded_at": f"2026-11-{1 + seq % 30:02d}T{7 + seq % 10:02d}:00:00.000+07:00"}

    big = FakeKiosk("quay-1", "store-a1", make_chain("store-a1", 20000, kiosk_id="quay-1", each=month))
    try:
        a = commune(tmp_path, "xa-a", hub.base, [big])
    finally:
        big.stop()
    cfg = open_db(a)
    from sync_server.db.models import Response
    from sync_server.reports.exclusion import set_excluded

    target = Response.get((Response.store_id == "store-a1") & (Response.seq == 7))
    set_excluded(target.id, True, "cán bộ bấm thử", "admin")
    database.close()
    pushed = push(a)
    assert pushed.returncode == 0 and pushed.stdout.strip() == "push: ok, 20000 sent, 0 left"
    assert figures(hub.config, "xa-a") == figures(a)
    open_db(hub.config)
    excluded = Response.get(Response.uuid == target.uuid)
    assert excluded.excluded and excluded.excluded_reason == "cán bộ bấm thử"
    assert excluded.excluded_by == "xa-a:admin" and excluded.unit == "xa-a"
    assert cfg.upstream is not None


def test_a_citizens_name_never_leaves_the_commune(tmp_path, hub, kiosks):
    a = commune(tmp_path, "xa-a", hub.base, [kiosks("quay-1", "store-a1", 3)])
    cfg = open_db(a)
    from sync_server.db.models import utcnow
    from sync_server.qr import store as qr_store

    rating = {"officer": "nv-lan", "procedure": None, "questionnaire": "overall", "questionnaire_version": 1,
              "answers": {"q1": 5}, "reasons": [], "flags": ["qr:officer:nv-lan"]}
    # The second made at counter quay-1's poster (the demo's "Quầy số 1"); the third names a counter
    # the commune does not have (forged): credited to nothing, at the commune and at the hub alike.
    for extra in ({"name": "Nguyễn Văn Dân"}, {"flags": ["qr:counter:quay-1"]},
                  {"name": "Trần Thị Bình", "flags": ["qr:counter:quay-7"]}):
        qr_store.store({**rating, **extra}, tz=cfg.tz, now=utcnow())
    qr_id = database.execute_sql("SELECT store_id FROM epoch WHERE kiosk_id = 'qr'").fetchone()[0]
    database.close()
    pushed = push(a)
    assert pushed.returncode == 0 and pushed.stdout.strip() == "push: ok, 6 sent, 0 left"
    at_hub, at_commune = held(hub.config, "xa-a"), held(a)
    assert at_hub.keys() == at_commune.keys()
    assert "Nguyễn Văn Dân" in at_commune[(qr_id, 1)] and "Trần Thị Bình" in at_commune[(qr_id, 3)]
    assert not any("Nguyễn Văn Dân" in b or "Trần Thị Bình" in b for b in at_hub.values())
    assert at_hub[(qr_id, 2)] == at_commune[(qr_id, 2)]  # without a name: exactly as sealed
    assert figures(hub.config, "xa-a") == figures(a)
    # The hub derives the counter from the sealed flag by the commune's rule: Quầy số 1 has its
    # kiosk's three ratings and the QR one made there.
    places = places_of(hub.config, "xa-a")
    assert places == places_of(a) == {("quay-1",): 4, ("qr",): 2}
    rows = {r[0]: r[1:4] for r in csv.reader(io.StringIO(report_csv(hub.config, "by=kiosk&unit=xa-a"))) if r}
    assert rows["Quầy số 1"] == ["3", "1", "4"] and rows["Mã QR (điện thoại)"] == ["0", "2", "2"]

    # Only a QR page response may come without part of itself: a kiosk's is refused.
    chain = make_chain("store-y", 2, kiosk_id="quay-9")
    batch = raw_batch("xa-a", chain)
    batch["stores"][0]["redacted"] = [1]
    chain[0]["answers"] = {"q1": 1}
    r = requests.post(hub.base + "/api/v1/upstream/batch", json=batch, headers=auth("xa-a"), timeout=30)
    assert r.status_code == 409 and r.json()["error"]["seq"] == 1
    assert "only a QR page response" in r.json()["error"]["message"]
