"""The report figures (rollups) against an independent computation from the raw rows.

Generated data: 10,000 responses over a year from two kiosks and the QR channel, two
questionnaires (one in two versions), partial responses with skipped questions, procedures in
two fields, some responses excluded and one taken back in. The expected figures are computed
here in plain Python from the generated responses themselves — not from the server's tables —
so a rollup that drifts from the raw data fails.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date

import pytest

from sync_server.db import write_transaction
from sync_server.db.models import Field, Officer, Procedure, Response, RollupDay
from sync_server.exc import InputError
from sync_server.reports import exclusion, rollup
from sync_server.reports import queries as reports
from sync_server.reports.figures import Counts
from tests.support.responses import (
    OFFICERS,
    PROCEDURES,
    expected,
    generated,
    local_day,
    local_time,
    store_chain,
)


@pytest.fixture
def year(make_config):
    cfg = make_config()
    with write_transaction():
        for code in ("tu-phap", "dia-chinh"):
            Field.create(code=code, name=code)
        for code, fld in PROCEDURES.items():
            if code:
                Procedure.create(code=code, name=code, field=fld)
        for code in OFFICERS:
            if code:
                Officer.create(code=code, name=code)
    rng = random.Random(20261123)
    chains = {"quay-1": generated(4500, "quay-1", "touch", rng),
              "quay-2": generated(3500, "quay-2", "button", rng, utc_clock=True),
              "qr": generated(2000, "qr", "qr", rng)}
    for kiosk_id, chain in chains.items():
        store_chain(chain, kiosk_id, cfg)
    everything = [r for chain in chains.values() for r in chain]
    assert len(everything) == 10_000
    # Exclude 40 responses (staff tests), then take one back in.
    ids = [row.id for row in Response.select(Response.id).order_by(Response.id)]
    excluded_ids = rng.sample(ids, 40)
    for rid in excluded_ids:
        exclusion.set_excluded(rid, True, "cán bộ bấm thử", "tester")
    exclusion.set_excluded(excluded_ids[0], False, "nhầm: phiếu thật", "tester")
    out_uuids = {r.uuid for r in Response.select(Response.uuid).where(Response.excluded)}
    assert len(out_uuids) == 39
    return cfg, [r for r in everything if r["uuid"] not in out_uuids]



def as_plain(cells: dict) -> dict:
    return {k: (c.counts, c.responses, c.partial) for k, c in cells.items()}


def check_against_raw(kept: list[dict]) -> None:
    # A year and a month (monthly rollups), a day (daily), and a span with days on both sides
    # of whole months (both kinds, added up).
    for start, end in [(date(2026, 1, 1), date(2026, 12, 31)), (date(2026, 3, 1), date(2026, 3, 31)),
                       (date(2026, 7, 14), date(2026, 7, 14)), (date(2026, 2, 10), date(2026, 5, 20))]:
        f = reports.Filters(start, end)
        assert as_plain(reports.figures(f)) == expected(kept, start, end, lambda r: ())
        assert as_plain(reports.figures(f, ("officer",))) == expected(kept, start, end,
                                                                       lambda r: (r["officer"] or "",))
        assert as_plain(reports.figures(f, ("field", "channel"))) == expected(
            kept, start, end, lambda r: (PROCEDURES[r["procedure"]] or "", r["channel"]))
        by_month = expected(kept, start, end, lambda r: (local_day(r).replace(day=1), r["kiosk_id"]))
        assert as_plain(reports.figures(f, ("month", "kiosk"))) == by_month
        by_day = expected(kept, start, end, lambda r: (local_day(r), r["procedure"] or ""))
        assert as_plain(reports.figures(f, ("day", "procedure"))) == by_day
        # The hour × weekday map, in the unit's zone: quay-2 writes UTC, the others +07:00.
        grid: dict = defaultdict(lambda: [0, 0])
        for r in kept:
            if start <= local_day(r) <= end:
                cell = grid[(local_day(r).weekday(), local_time(r).hour)]
                cell[0] += 1
                cell[1] += any(s <= 2 for s in r["answers"].values())
        assert reports.hour_grid(start, end) == {k: tuple(v) for k, v in grid.items()}


def test_rollup_figures_equal_the_raw_responses_and_a_rebuild(year):
    _cfg, kept = year
    check_against_raw(kept)
    with write_transaction():
        rollup.rebuild()
    check_against_raw(kept)


def test_per_question_counts_and_definitions(year):
    _cfg, kept = year
    f = reports.Filters(date(2026, 1, 1), date(2026, 12, 31), questionnaire="tieu-chi-5")
    got = reports.figures(f, ("question",))
    want: dict = defaultdict(list)
    for r in kept:
        if r["questionnaire"] == "tieu-chi-5":
            for q, s in r["answers"].items():
                want[q].append(s)
    assert {k[0]: c.counts for k, c in got.items()} == {q: Counts.from_scores(s) for q, s in want.items()}
    # c5 and c6 exist only in one version each: both are reported, neither is imputed.
    assert {("c5",), ("c6",)} <= set(got)
    c1 = got[("c1",)].counts
    n = want["c1"]
    assert c1.pct("survey") == pytest.approx(100 * sum(s >= 4 for s in n) / len(n))
    assert c1.pct("not_dissatisfied") == pytest.approx(100 * sum(s >= 3 for s in n) / len(n))
    assert c1.three_level() == (n.count(5), n.count(3) + n.count(4), n.count(1) + n.count(2))


def test_exclusion_needs_a_reason_and_is_audited(year):
    from sync_server.db.models import AuditLog

    rid = Response.select(Response.id).where(~Response.excluded).first().id
    with pytest.raises(InputError, match="lý do"):
        exclusion.set_excluded(rid, True, "   ", "tester")
    assert not Response.get_by_id(rid).excluded
    exclusion.set_excluded(rid, True, "thử máy", "tester", role="staff", ip="10.0.0.5")
    entry = AuditLog.select().order_by(AuditLog.id.desc()).first()
    assert (entry.action, entry.target, entry.actor) == ("response.exclude", f"response:{rid}", "tester")
    assert "thử máy" in entry.detail
    with pytest.raises(InputError, match="đã bị loại"):
        exclusion.set_excluded(rid, True, "again", "tester")
    assert Response.select().count() == 10_000  # never deleted


def test_rebuild_rollups_command(year, tmp_path):
    """`hailong-server rebuild-rollups` repairs rollups that were damaged by hand."""
    import subprocess
    import sys
    from pathlib import Path

    from sync_server.db import database

    cfg, kept = year
    with write_transaction():
        RollupDay.update(n5=RollupDay.n5 + 7).execute()  # damage
    with pytest.raises(AssertionError):
        check_against_raw(kept)
    database.close()
    done = subprocess.run([sys.executable, "-m", "sync_server", "rebuild-rollups", "--config", str(cfg.path)],
                          capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert "rollups rebuilt" in done.stdout
    check_against_raw(kept)


def test_segments_split_whole_months_from_the_days_around_them():
    from sync_server.db.models import RollupMonth

    assert reports.segments(date(2026, 2, 10), date(2026, 5, 20), need_days=False) == [
        (RollupDay, date(2026, 2, 10), date(2026, 2, 28)), (RollupMonth, date(2026, 3, 1), date(2026, 4, 30)),
        (RollupDay, date(2026, 5, 1), date(2026, 5, 20))]
    assert reports.segments(date(2026, 1, 1), date(2026, 12, 31), need_days=False) == [
        (RollupMonth, date(2026, 1, 1), date(2026, 12, 31))]
    assert reports.segments(date(2026, 1, 1), date(2026, 12, 31), need_days=True) == [
        (RollupDay, date(2026, 1, 1), date(2026, 12, 31))]
    assert reports.segments(date(2026, 3, 5), date(2026, 3, 25), need_days=False) == [
        (RollupDay, date(2026, 3, 5), date(2026, 3, 25))]
