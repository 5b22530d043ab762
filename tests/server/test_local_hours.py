"""One time zone for every local day and hour (field test C1): the server's `[server] timezone`,
applied to the best known UTC time, whatever offset the kiosk wrote; a repaired clock moves the
hour too; migration 8 rebuilds the hourly rollup of an older database; the report's hour ×
weekday map shows every hour with a rating, so its cells add up to the table."""

from __future__ import annotations

import ast
import re
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from kiosk.shared.protocol import GENESIS_HASH
from sync_server import config as server_config
from sync_server.app import create_app
from sync_server.collect import ingest
from sync_server.db import database, init_db, open_database, write_transaction
from sync_server.db.migrations import current_version, migrations
from sync_server.db.migrations import m0001_initial as v1
from sync_server.db.models import Epoch, Response, RollupHour
from sync_server.reports import exclusion
from sync_server.reports import queries as reports
from tests.support.chains import make_chain
from tests.support.server import server_toml
from tests.support.web import add_user, client_as, page

SOURCES = Path(__file__).resolve().parents[2] / "sync_server"
DAY = date(2026, 12, 3)  # a Thursday
WHEN = "2026-12-03T06:44:00.000+00:00"  # 13:44 in Vietnam


def store(kiosk_id: str, each, n: int = 1, boot: str = "b") -> list[dict]:
    chain = make_chain(f"store-{kiosk_id}", n, kiosk_id=kiosk_id,
                       each=lambda seq: {"boot_id": boot, **each(seq)})
    with write_transaction():
        epoch = Epoch.create(kiosk_id=kiosk_id, store_id=chain[0]["store_id"])
    ingest.store_page(epoch.id, kiosk_id, chain, (0, GENESIS_HASH), (chain[-1]["seq"], chain[-1]["hash"]),
                      tz=ZoneInfo("Asia/Ho_Chi_Minh"), now=datetime(2026, 12, 3, 8, 0),
                      roster=ingest.Roster.load())
    return chain


def hours() -> dict[tuple[date, int], tuple[int, int]]:
    return {(reports.as_date(h.local_date), h.hour): (h.responses, h.low)
            for h in RollupHour.select() if h.responses or h.low}


def test_the_same_instant_is_the_same_hour_whatever_the_kiosk_offset_and_a_repair_moves_it(make_config):
    make_config()
    store("quay-utc", lambda seq: {"recorded_at": WHEN, "answers": {"q1": 5}})
    store("quay-vn", lambda seq: {"recorded_at": "2026-12-03T13:44:00.000+07:00", "answers": {"q1": 1}})
    # A Pi whose clock said 2020 after a power cut: the anchor puts the rating at 06:44 UTC too.
    with write_transaction():
        ingest.save_anchor("quay-old", {"boot_id": "cut", "uptime_ms": 60_000 + 1000},
                           datetime(2026, 12, 3, 6, 45))
    store("quay-old", lambda seq: {"recorded_at": "2020-01-01T00:00:00.000+00:00", "uptime_ms": 1000,
                                   "answers": {"q1": 4}}, boot="cut")
    rows = {r.kiosk_id: r for r in Response.select()}
    assert rows["quay-old"].time_source == "repaired"
    assert {k: (r.local_date, r.local_hour) for k, r in rows.items()} == {
        k: (DAY, 13) for k in ("quay-utc", "quay-vn", "quay-old")}
    assert hours() == {(DAY, 13): (3, 1)}
    assert reports.hour_grid(DAY, DAY) == {(3, 13): (3, 1)}
    # An exclusion takes away exactly what was added, and taking it back in restores it.
    exclusion.set_excluded(rows["quay-vn"].id, True, "bấm thử", "tester")
    assert hours() == {(DAY, 13): (2, 0)}
    exclusion.set_excluded(rows["quay-vn"].id, False, "phiếu thật", "tester")
    assert hours() == {(DAY, 13): (3, 1)}


def migrate_to(db, version: int) -> None:
    """Apply migrations 1..version, as an older hailong-server left the database."""
    current_version(db)
    for m in migrations()[:version]:
        with db.atomic():
            m.apply(db, ZoneInfo("Asia/Ho_Chi_Minh"))
            db.execute_sql('INSERT INTO "schema_version" ("version", "name", "applied_at") VALUES '
                           f"({m.version}, '{m.name}', 'x')")


def test_migration_8_files_every_response_under_the_servers_zone(tmp_path, backend):
    """A database of version 7 whose hourly rollup took the hour from the kiosk's offset: after
    the upgrade the hours follow the configured zone (here Asia/Tokyo, +09:00, to see that the
    runner hands the migration the configured zone and not a default)."""
    path = tmp_path / "server.toml"
    path.write_text(server_toml(tmp_path / "data", [], database_url=backend,
                                extra='timezone = "Asia/Tokyo"'), encoding="utf-8")
    cfg = server_config.load(path)
    cfg.data_dir.mkdir(parents=True)
    db = open_database(cfg)
    rows = [  # (recorded_at as written, recorded_utc, corrected_utc, score)
        ("2026-12-03T06:44:00.000+00:00", "2026-12-03 06:44:00", None, 5),   # a kiosk in UTC: 15h
        ("2026-12-03T13:44:00.000+07:00", "2026-12-03 06:44:00", None, 2),   # one in +07:00: 15h
        ("2020-01-01T00:00:00.000+00:00", "2020-01-01 00:00:00", "2026-12-03 14:10:00", 4),  # repaired: 23h
    ]
    with db.connection_context():
        migrate_to(db, 7)
        with db.bind_ctx(v1.TABLES), db.atomic():
            epoch = v1.Epoch.create(kiosk_id="quay-1", store_id="s", last_seq=3, head_hash="h" * 64,
                                    first_seen="2026-12-03 07:00:00", last_seen="2026-12-03 07:00:00")
            for seq, (recorded_at, recorded_utc, corrected_utc, score) in enumerate(rows, 1):
                resp = v1.Response.create(
                    epoch=epoch, kiosk_id="quay-1", store_id="s", seq=seq, uuid=f"u-{seq}", officer="nv-lan",
                    procedure=None, questionnaire="overall", questionnaire_version=1, channel="touch",
                    partial=False, recorded_at=recorded_at, recorded_utc=recorded_utc,
                    local_date="2026-12-03", body="{}", hash="h" * 64, received_at="2026-12-03 07:00:00")
                v1.Answer.create(response=resp, question="q1", score=score, officer="nv-lan",
                                 local_date="2026-12-03")
                if corrected_utc:
                    q = db.param
                    db.execute_sql(f'UPDATE "response" SET "corrected_utc" = {q} WHERE "id" = {q}',
                                   (corrected_utc, resp.id))
            # What version 7 filed: the hour by each kiosk's own offset.
            from sync_server.db.migrations.m0006_service import fill_hours

            fill_hours(db)
        old = {(str(d)[:10], h): n for d, h, n in db.execute_sql(
            'SELECT "local_date", "hour", "responses" FROM "rollup_hour"')}
        assert old == {("2026-12-03", 6): 1, ("2026-12-03", 13): 1, ("2026-12-03", 14): 1}
    db.close()

    init_db(cfg)  # the upgrade: migration 8 with the configured zone
    try:
        with database.connection_context():
            assert current_version(database.obj) == len(migrations())
            assert [r.local_hour for r in Response.select().order_by(Response.seq)] == [15, 15, 23]
            assert hours() == {(DAY, 15): (2, 1), (DAY, 23): (1, 0)}
    finally:
        database.close()


def test_the_hour_map_shows_every_hour_with_a_rating_and_adds_up_to_the_table(make_config):
    cfg = make_config()
    at = ["2026-12-01T22:30:00.000+00:00",  # 05:30 on the 2nd in Vietnam, before the office opens
          "2026-12-02T06:00:00.000+00:00", "2026-12-02T06:59:59.000+00:00",  # 13h twice
          "2026-12-03T14:45:00.000+00:00",  # 21:45 on the 3rd
          "2026-12-03T16:59:00.000+00:00"]  # 23:59 on the 3rd
    store("quay-utc", lambda seq: {"recorded_at": at[seq - 1], "answers": {"q1": 1 + seq % 5}}, n=len(at))
    app = create_app(cfg)
    add_user("staff", "staff")
    client = client_as(app, "staff")
    html = page(client, "/reports?period=custom&start=2026-12-01&end=2026-12-07&by=officer")
    heat = html.split('id="heatmap"')[1].split("</table>")[0]
    shown = [int(h) for h in re.findall(r"<th>(\d+)h</th>", heat)]
    assert shown == list(range(5, 24))  # 7h–17h widened to 5h and 23h
    cells = [int(n) for n in re.findall(r'<td class="num[^"]*">(\d+)', heat)]
    total = int(re.search(r'<tfoot><tr><td>[^<]*</td><td class="num">(\d+)</td>', html).group(1))
    assert sum(cells) == total == len(at)
    by_day_hour = {}
    for row in heat.split("<tr>")[2:]:
        day = re.search(r"<th>([^<]+)</th>", row).group(1)
        for hour, cell in zip(shown, re.findall(r"<td[^>]*>([^<]*)</td>", row), strict=True):
            if cell:
                by_day_hour[(day, hour)] = cell
    # Scores 2, 3, 4, 5, 1: the 05:30 and the 23:59 ratings are the low ones.
    assert by_day_hour == {("T4", 5): "1 (1)", ("T4", 13): "2", ("T5", 21): "1", ("T5", 23): "1 (1)"}


def test_runtime_code_never_imports_a_migration_module():
    """Migrations are frozen copies; what the running server needs is its own code."""
    offenders = []
    for path in SOURCES.rglob("*.py"):
        if "migrations" in path.relative_to(SOURCES).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            offenders += [(path.name, n) for n in names if re.match(r"sync_server\.migrations\.m\d{4}", n)]
    assert offenders == []
