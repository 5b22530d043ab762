"""The province and national dashboards on a country-scale hub (issue 15, Measure): a year of
responses from 3,300 communes on PostgreSQL; the figures by commune (queries.figures by unit, what
/province, its ranking and /reports?by=unit read) for a month, a quarter, the year and a period
cut mid-month, for all communes ("national") and for one province's 100; and the whole /province
page's figures (sync_server.upstream.province.communes) — each beside one naive hand-written
GROUP BY over the raw answers and responses giving the same figures, in the same run.

    HAILONG_BENCH_PG_URL=postgresql://… .venv/bin/python bench/hub_dashboard.py --responses 1000000
    HAILONG_BENCH_PG_URL=postgresql://… .venv/bin/python bench/hub_dashboard.py --grow 10000000

With `?options=-csearch_path%3Dbench_dashboard` at the end of the URL the rows live in a schema of
their own, which the tests (they reset `public` of their database) leave alone.

The rows are generated inside PostgreSQL (INSERT … SELECT over generate_series: a year, 3,300
communes, six officers and twenty procedures each, two kiosks, one answer a visit, a JSON body
of a realistic size), then the rollups are built with the server's own `rollup.rebuild()` (the
sums the ingest keeps up to date). `--grow` adds rows up to the new size and rebuilds. Each side
is checked equal to the other before it is timed (the generation's transaction alone raises
`work_mem`, so that its sorts stay in memory; the timed queries run with the server's defaults);
best of 3 (a naive query of 10 s or more is timed once). The load average is printed beside
each figure. Prints how long generation took and the database's size. Not a test: run by
hand (bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.hub_ingest import config_for, reset  # noqa: E402
from sync_server.db import connection, database, init_db, write_transaction  # noqa: E402
from sync_server.reports import queries, rollup  # noqa: E402
from sync_server.upstream import province  # noqa: E402

COMMUNES = 3300
PROVINCE = 100  # the communes of the province whose page is measured (34 provinces, 40–170 each)
TODAY = date(2026, 6, 17)
MONTH, YEAR = queries.month_of(TODAY), queries.year_of(TODAY)


def unit(i: int) -> str:
    return f"xa-{i:04d}"


_GENERATE = """
INSERT INTO "epoch" ("kiosk_id", "store_id", "unit", "last_seq", "head_hash", "first_seen", "last_seen")
SELECT 'quay-' || k, 's-' || u || '-' || k, 'xa-' || lpad(u::text, 4, '0'), 0, '0', now(), now()
FROM generate_series(0, {communes} - 1) u, generate_series(0, 1) k ON CONFLICT DO NOTHING;
INSERT INTO "response" ("epoch_id", "unit", "kiosk_id", "store_id", "seq", "uuid", "officer", "procedure",
  "questionnaire", "questionnaire_version", "channel", "partial", "recorded_at", "recorded_utc", "local_date",
  "body", "hash", "received_at", "time_source", "local_hour", "excluded")
SELECT e."id", e."unit", e."kiosk_id", e."store_id", g.i, 'u-' || g.i, 'nv-' || (g.i / {communes} % 6),
  '1.' || lpad((g.i / 7 % 20)::text, 6, '0'), 'overall', 1,
  CASE WHEN g.i % 10 = 0 THEN 'qr' ELSE 'touch' END, g.i % 25 = 0, '2026-01-01T08:00:00.000+07:00',
  timestamp '2026-01-01 01:00' + (g.i / {communes} % 365)::int * interval '1 day',
  date '2026-01-01' + (g.i / {communes} % 365)::int,
  '{{"answers":{{"q1":' || (1 + (g.i * 7919) % 100 / 20) || '}},"boot_id":"b","channel":"touch","flags":[],'
  || '"hash":"' || md5(g.i::text) || md5(g.i::text) || '","kiosk_id":"' || e."kiosk_id"
  || '","officer":"nv-1",'
  || '"partial":false,"prev_hash":"' || md5((g.i - 1)::text) || md5((g.i - 1)::text) || '","procedure":null,'
  || '"questionnaire":"overall","questionnaire_version":1,"reasons":[],"recorded_at":"2026-01-01T08:00:00.000'
  || '+07:00","seq":' || g.i || ',"store_id":"' || e."store_id" || '","uptime_ms":1000,"uuid":"u-'
  || g.i || '"}}',
  md5(g.i::text) || md5(g.i::text), now(), 'kiosk', 8 + g.i % 9, g.i % 200 = 0
FROM generate_series({first}::bigint, {last}::bigint) g(i)
JOIN "epoch" e ON e."store_id" = 's-' || (g.i % {communes}) || '-' || (g.i / {communes} % 2);
INSERT INTO "answer" ("response_id", "question", "score", "officer", "local_date")
SELECT r."id", 'q1', 1 + (r."seq"::bigint * 7919) % 100 / 20, r."officer", r."local_date"
FROM "response" r WHERE r."seq" BETWEEN {first} AND {last};
"""


def generate(first: int, last: int) -> float:
    started = time.perf_counter()
    with write_transaction():
        # The generation's sorts (the rebuild's GROUP BYs over millions of rows) in memory rather
        # than on disk: a setting of this transaction only; the timed queries run with the defaults.
        database.execute_sql("SET LOCAL work_mem = '1GB'")
        database.execute_sql("SET LOCAL maintenance_work_mem = '2GB'")
        for statement in _GENERATE.format(communes=COMMUNES, first=first, last=last).split(";\n"):
            if statement.strip():  # no parameters: a % is the modulo, doubled for the driver
                database.execute_sql(statement.replace("%", "%%"))
        rollup.rebuild()
    database.execute_sql("ANALYZE")
    return time.perf_counter() - started


_NAIVE = """
SELECT r."unit", COUNT(DISTINCT r."id"), {scores}
FROM "response" r LEFT JOIN "answer" a ON a."response_id" = r."id"
WHERE r."local_date" BETWEEN %s AND %s AND NOT r."excluded" {only} GROUP BY r."unit"
"""


def naive(span: tuple[date, date], units: list[str] | None = None) -> dict:
    scores = ", ".join(f'SUM(CASE WHEN a."score" = {s} THEN 1 ELSE 0 END)' for s in range(1, 6))
    only = 'AND r."unit" = ANY(%s)' if units else ""
    params = [*span, units] if units else list(span)
    rows = database.execute_sql(_NAIVE.format(scores=scores, only=only), params).fetchall()
    return {u: (int(n), tuple(int(x) for x in s)) for u, n, *s in rows}


def ours(span: tuple[date, date], units: list[str] | None = None) -> dict:
    cells = queries.figures(queries.Filters(*span), ("unit",))
    keep = set(units) if units else None
    return {k[0]: (c.responses, tuple(c.counts.n)) for k, c in cells.items() if keep is None or k[0] in keep}


def timed(fn, *args) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - started, out


def best(fn, *args, runs: int = 3) -> float:
    return min(timed(fn, *args)[0] for _ in range(runs))


def size() -> str:
    return database.execute_sql("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]


def count(table: str) -> int:
    return database.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--responses", type=int, help="start afresh with this many responses")
    ap.add_argument("--grow", type=int, help="add responses up to this many (keeps what is there)")
    ap.add_argument("--database-url", default=os.environ.get("HAILONG_BENCH_PG_URL", ""))
    args = ap.parse_args()
    if not args.database_url.startswith("postgresql://") or not (args.responses or args.grow):
        print("set HAILONG_BENCH_PG_URL and --responses N or --grow N", file=sys.stderr)
        return 2
    mine = [unit(i) for i in range(PROVINCE)]
    folder = Path(__file__).resolve().parents[1] / "var" / "bench" / "hub_dashboard"
    cfg = config_for(args.database_url, mine, folder)
    if args.responses:
        reset(args.database_url)
    init_db(cfg)
    with connection():
        have = database.execute_sql('SELECT COALESCE(MAX("seq"), 0) FROM "response"').fetchone()[0]
        want = args.responses or args.grow
        if want > have:
            took = generate(have + 1, want)
            print(f"generated responses {have + 1:,}–{want:,} and rebuilt the rollups in {took:,.0f} s "
                  f"({load()}); database {size()}", flush=True)
        print(f"{count('response'):,} responses, {COMMUNES:,} communes; rollup rows: "
              f"{count('rollup_day'):,} daily, {count('rollup_month'):,} monthly, "
              f"{count('rollup_unit_day'):,} per day and commune, {count('rollup_unit_month'):,} per month "
              f"and commune; database {size()}", flush=True)
        now = datetime(2026, 6, 17, 3, 0)
        quarter, cut = queries.quarter_of(TODAY), (date(2026, 3, 20), date(2026, 6, 10))
        cases = [(f"{who}, {what}", span, units)
                 for who, units in (("national", None), (f"one province ({PROVINCE} communes)", mine))
                 for what, span in (("a month", MONTH), ("a quarter", quarter), ("the year", YEAR),
                                    ("20/03–10/06", cut))]
        for label, span, units in cases:
            naive_s, want_cells = timed(naive, span, units)
            assert ours(span, units) == want_cells, label
            if naive_s < 10:  # a naive scan of minutes is timed once (the check above)
                naive_s = min(naive_s, best(naive, span, units, runs=2))
            ours_s = best(ours, span, units)
            print(f"{label:<48} ours {ours_s * 1000:8,.0f} ms   naive GROUP BY {naive_s * 1000:9,.0f} ms   "
                  f"{naive_s / ours_s:6.1f}x   {load()}", flush=True)
        page = best(province.communes, cfg, TODAY, now)
        print(f"{'the /province page figures (month + year)':<48} ours {page * 1000:8,.0f} ms   {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
