"""A change to the rollups costs what the change holds, not what the hub holds (PostgreSQL): it
reads the changed rows by index whatever the planner's statistics say (a hub's tables grow by a
page at a time between autovacuum's ANALYZE runs, so the page's new ids lie beyond the
statistics; a statement that joined the answers on the responses' ids only was planned, then, as
a read of the whole answer table for every page), and its scratch table does not keep the dead
rows of every page before (no autovacuum for a temporary table; issue 15)."""

from __future__ import annotations

import random

import pytest

from sync_server.db import connection, database
from sync_server.reports import rollup
from tests.support.responses import generated, store_chain


@pytest.fixture
def stale(make_config, backend):
    cfg = make_config()
    if not backend:
        pytest.skip("the plans are PostgreSQL's")
    rng = random.Random(15)
    with connection():
        store_chain(generated(3000, "quay-1", "touch", rng), "quay-1", cfg)
        for table in ("response", "answer"):  # statistics of the first page only, and kept so
            database.execute_sql(f'ALTER TABLE "{table}" SET (autovacuum_enabled = false)')
            database.execute_sql(f'ANALYZE "{table}"')
    store_chain(generated(3000, "quay-2", "touch", rng), "quay-2", cfg)
    return cfg


def test_a_change_reads_its_answers_by_index(stale, monkeypatch):
    with connection():
        last = database.execute_sql('SELECT "id" FROM "response" ORDER BY "id" DESC LIMIT 2000')
        ids = [i for (i,) in last]
        said: list[str] = []
        run = database.obj.execute_sql
        monkeypatch.setattr(database.obj, "execute_sql",
                            lambda sql, params=None, *a, **k: said.append(sql) or run(sql, params, *a, **k))
        with database.atomic() as transaction:
            rollup.add(ids, -1)
            monkeypatch.undo()
            plans = {sql: "\n".join(line for (line,) in database.execute_sql(f"EXPLAIN {sql}").fetchall())
                     for sql in said if '"answer"' in sql}
            transaction.rollback()
    assert len(plans) == 2  # the page's sums and the hour map's low answers
    for sql, plan in plans.items():
        assert "Seq Scan on answer" not in plan, (sql, plan)
        assert "answer_response_id" in plan, plan


def test_the_scratch_table_is_empty_on_disk_after_each_page(stale):
    """`stale` stored 3,000 + 3,000 responses in pages of 500 through one connection."""
    with connection():
        store_chain(generated(1500, "quay-3", "touch", random.Random(16)), "quay-3", stale)
        size = database.execute_sql("SELECT pg_relation_size('_rollup_delta')").fetchone()[0]
    assert size == 0
