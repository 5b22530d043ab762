"""The per-(day, commune) and per-(month, commune) rollups the province and national pages read
(migration 20) against the raw responses, at a hub holding three communes' stores.

The expected figures are worked out here in plain Python from the generated responses (not from
the server's tables), with exclusions made (and one taken back) through the server's own path,
over whole months, a year, one day and a period cut mid-month at both ends; then the same after
`rollup.rebuild()` and after migration 20's fill. A test damages the per-unit tables to show the
figures are read from them.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from sync_server.db import database, write_transaction
from sync_server.db.migrations import m0020_unit_rollups
from sync_server.db.models import Response, RollupUnitDay, RollupUnitMonth
from sync_server.reports import exclusion, rollup
from sync_server.reports import queries as reports
from sync_server.upstream import province
from tests.support.responses import expected, generated, local_day, store_chain

UNITS = {"xa-an-binh": 900, "xa-tan-phu": 600, "xa-hoa-lac": 300}  # responses each, one kiosk each
PERIODS = [(date(2026, 1, 1), date(2026, 12, 31)), (date(2026, 3, 1), date(2026, 3, 31)),
           (date(2026, 7, 14), date(2026, 7, 14)), (date(2026, 2, 10), date(2026, 5, 20))]


@pytest.fixture
def hub(make_config):
    cfg = make_config()
    rng = random.Random(2026_12_03)
    everything = []
    for unit, n in UNITS.items():
        chain = generated(n, f"{unit}-quay-1", "touch", rng)
        store_chain(chain, f"{unit}-quay-1", cfg, unit=unit)
        everything += [{**r, "unit": unit} for r in chain]
    ids = [row.id for row in Response.select(Response.id).order_by(Response.id)]
    out = rng.sample(ids, 30)
    for rid in out:
        exclusion.set_excluded(rid, True, "cán bộ bấm thử", "tester")
    exclusion.set_excluded(out[0], False, "nhầm: phiếu thật", "tester")
    gone = {r.uuid for r in Response.select(Response.uuid).where(Response.excluded)}
    assert len(gone) == 29
    return cfg, [r for r in everything if r["uuid"] not in gone]



def plain(cells: dict) -> dict:
    return {k: (c.counts, c.responses, c.partial) for k, c in cells.items() if c.responses}


def check(kept: list[dict]) -> None:
    for start, end in PERIODS:
        f = reports.Filters(start, end)
        assert plain(reports.figures(f, ("unit",))) == expected(kept, start, end, lambda r: (r["unit"],))
        assert plain(reports.figures(f)) == expected(kept, start, end, lambda r: ())
        assert plain(reports.figures(f, ("unit", "month"))) == expected(
            kept, start, end, lambda r: (r["unit"], local_day(r).replace(day=1)))
        assert plain(reports.figures(f, ("day",))) == expected(kept, start, end, lambda r: (local_day(r),))
        one = reports.Filters(start, end, unit="xa-tan-phu")
        assert plain(reports.figures(one)) == expected(
            [r for r in kept if r["unit"] == "xa-tan-phu"], start, end, lambda r: ())
    newest: dict = {}
    for r in kept:
        newest[r["unit"]] = max(newest.get(r["unit"], date.min), local_day(r))
    assert province.newest_days() == newest


def test_unit_rollups_equal_the_raw_responses_and_a_rebuild(hub):
    _cfg, kept = hub
    check(kept)
    with write_transaction():
        rollup.rebuild()
    check(kept)


def test_the_figures_by_commune_are_read_from_the_unit_rollups(hub):
    _cfg, kept = hub
    for table in (RollupUnitMonth, RollupUnitDay):
        with write_transaction():
            table.update(n5=table.n5 + 3).execute()  # damage
        with pytest.raises(AssertionError):
            check(kept)
        with write_transaction():
            rollup.rebuild()
        check(kept)


def test_migration_17_fills_them_from_the_rollups_already_kept(hub):
    _cfg, kept = hub
    with write_transaction():
        RollupUnitDay.delete().execute()
        RollupUnitMonth.delete().execute()
    with pytest.raises(AssertionError):
        check(kept)
    with write_transaction():
        m0020_unit_rollups.up(database)
    check(kept)
