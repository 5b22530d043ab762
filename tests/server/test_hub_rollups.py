"""The five rollups a hub keeps as batches arrive (day, month, hour, and per commune by day and
by month) equal what `rollup.rebuild()` computes from the raw rows afterwards, on SQLite and
PostgreSQL: a varied backlog (two questionnaires, partial and skipped answers, no officer or
procedure, kiosk and QR channels, days all over a year, three communes) taken through the hub's
own path `upstream.receive` in pages, one page sent twice, one commune's exclusions applied.
"""

from __future__ import annotations

import random
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from sync_server.db import connection, database, write_transaction
from sync_server.reports import rollup
from sync_server.upstream import receive
from tests.support.responses import generated, local_time

COMMUNES = {"xa-an-binh": 700, "xa-tan-phu": 450, "xa-hoa-lac": 250}  # responses each
PAGE = 300
TABLES = ("rollup_day", "rollup_month", "rollup_hour", "rollup_unit_day", "rollup_unit_month")
DOWNSTREAM = "".join(f'[[downstream]]\nid = "{c}"\nname = "Xã {c}"\ntoken = "token-{c}-0123456789abcdef"\n'
                     for c in COMMUNES)


def times_of(r: dict[str, Any]) -> list:
    """What a commune sends beside each response: [recorded_utc, corrected, source, day, hour]."""
    local = local_time(r)
    utc = local.astimezone(UTC).replace(tzinfo=None)
    return [utc.isoformat(), None, "kiosk", local.date().isoformat(), local.hour]


def batch(commune: str, kiosk_id: str, page: list[dict], exclusions: list[dict]) -> dict:
    return {"protocol": 1, "server_id": commune, "roster": {}, "exclusions": exclusions,
            "stores": [{"store_id": page[0]["store_id"], "kiosk_id": kiosk_id, "responses": page,
                        "times": [times_of(r) for r in page], "redacted": []}]}


def snapshot() -> dict[str, list[tuple]]:
    out = {}
    for table in TABLES:
        columns = [c.name for c in database.get_columns(table) if c.name != "id"]
        names = ", ".join(f'"{c}"' for c in columns)
        rows = database.execute_sql(f'SELECT {names} FROM "{table}"').fetchall()
        # Dates come back as text on SQLite and as dates on PostgreSQL: compare as text.
        # A key whose counts an exclusion took back to zero is kept as zeros; a rebuild has none.
        counted = [i for i, c in enumerate(columns) if c in (*rollup.COUNTS, "low")]
        out[table] = sorted(tuple(str(v) for v in row) for row in rows if any(row[i] for i in counted))
    return out


@pytest.fixture
def ingested(make_config):
    cfg = make_config(extra=DOWNSTREAM)
    entries = {e.id: e for e in cfg.downstream}
    rng = random.Random(2026_12_15)
    now = datetime(2026, 12, 31, 3, 0)
    with connection():
        for n_commune, (commune, n) in enumerate(COMMUNES.items()):
            for kiosk_id, channel, share in ((f"{commune}-quay-1", "touch", 0.8),
                                             (f"{commune}-qr", "qr", 0.2)):
                chain = generated(int(n * share), kiosk_id, channel, rng)
                exclusions = [{"uuid": r["uuid"], "excluded": True, "reason": "bấm thử", "by": "ct"}
                              for r in rng.sample(chain, 5)] if n_commune == 0 else []
                for i in range(0, len(chain), PAGE):
                    body = batch(commune, kiosk_id, chain[i:i + PAGE], exclusions)
                    outcome = receive.receive(cfg, entries[commune], body, now)
                    assert not outcome.refused, outcome.refused
                    if i == PAGE:  # a page sent twice (a reply lost): stored once
                        again = receive.receive(cfg, entries[commune], body, now)
                        assert again.stored == 0 and not again.refused
        yield cfg


def test_rollups_kept_at_ingest_equal_a_rebuild(ingested):
    kept = snapshot()
    assert all(kept[t] for t in TABLES), {t: len(v) for t, v in kept.items()}
    excluded = database.execute_sql('SELECT COUNT(*) FROM "response" WHERE "excluded"').fetchone()[0]
    assert excluded == 10  # two kiosks of the first commune, five each
    with write_transaction():
        rollup.rebuild()
    rebuilt = snapshot()
    for table in TABLES:
        assert kept[table] == rebuilt[table], table


def test_communes_pushing_at_once_store_everything_once_and_the_rollups_still_equal_a_rebuild(make_config):
    """A province's communes push at the same time (the hub serves each request in a thread with
    its own connection): their pages' transactions add to shared rollup rows (the hour × weekday
    map, the same days) concurrently. Nothing is refused, lost or doubled, and the rollups equal
    a rebuild."""
    cfg = make_config(extra=DOWNSTREAM)
    entries = {e.id: e for e in cfg.downstream}
    rng = random.Random(2026_12_4)
    now = datetime(2026, 12, 31, 3, 0)
    pages = {c: [batch(c, f"{c}-quay-{k}", chain[i:i + 60], [])
                 for k in (1, 2) for chain in [generated(300, f"{c}-quay-{k}", "touch", rng)]
                 for i in range(0, len(chain), 60)] for c in COMMUNES}
    start, problems = threading.Barrier(len(COMMUNES)), []

    def push(commune: str) -> None:
        try:
            with connection():
                start.wait()
                for body in pages[commune]:
                    outcome = receive.receive(cfg, entries[commune], body, now)
                    if outcome.refused:
                        problems.append((commune, [r.as_json() for r in outcome.refused]))
        except Exception as e:  # noqa: BLE001  (reported below, with its commune)
            problems.append((commune, repr(e)))

    threads = [threading.Thread(target=push, args=(c,)) for c in COMMUNES]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert problems == []
    with connection():
        stored = dict(database.execute_sql('SELECT "unit", COUNT(*) FROM "response" GROUP BY 1').fetchall())
        assert stored == {c: 600 for c in COMMUNES}
        kept = snapshot()
        with write_transaction():
            rollup.rebuild()
        assert snapshot() == kept
