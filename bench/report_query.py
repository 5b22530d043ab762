"""Report figures on 1,000,000 responses (5,000,000 answers) in SQLite: ours (the daily rollups,
sync_server.reports.queries) beside one naive hand-written SQL GROUP BY over the raw answers computing
the same figures, in the same run (issue 5, Measure).

    .venv/bin/python bench/report_query.py [--responses 1000000]

The database is generated once (a year of responses from 10 kiosks, 12 officers, 40 procedures,
the five-criteria questionnaire, 4 % partial, 0.5 % excluded) and cached under var/bench/,
keyed by the generator's version and size; rollups are built with `rollup.rebuild()` (the same
sums the ingest keeps up to date). Each figure set — the dashboard's (total, per officer, per
question, per day or month) and the monthly officer report — is timed for a day, a month and
the whole year, best of 5, and checked equal to the naive query's answer before it is timed.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync_server import config as server_config  # noqa: E402
from sync_server.db import database, init_db, write_transaction  # noqa: E402
from sync_server.reports import queries as reports  # noqa: E402
from sync_server.reports import rollup
from sync_server.reports.figures import Counts  # noqa: E402

GENERATOR = 4  # 4: response.local_hour (migration 8)
REPO = Path(__file__).resolve().parents[1]
QUESTIONS = ("c1", "c2", "c3", "c4", "c5")
RANGES = {"day": (date(2026, 6, 17), date(2026, 6, 17)), "month": (date(2026, 6, 1), date(2026, 6, 30)),
          "year": (date(2026, 1, 1), date(2026, 12, 31))}


def generate(path: Path, n: int) -> None:
    """Rows straight into the server's tables (schema from init_db), in one transaction."""
    rng = random.Random(GENERATOR)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    officers = [f"nv-{i:02d}" for i in range(12)]
    procedures = [f"1.{i:06d}" for i in range(40)]
    con.executemany('INSERT INTO "procedure" ("code", "name", "field", "active", "sort") '
                    "VALUES (?, ?, ?, 1, 0)", [(p, p, f"f{i % 4}") for i, p in enumerate(procedures)])
    con.executemany('INSERT INTO "officer" ("code", "name", "title", "fields", "active", "sort") '
                    "VALUES (?, ?, '', '[]', 1, 0)", [(o, o) for o in officers])
    kiosks = [f"quay-{i}" for i in range(10)]
    for k in kiosks:
        con.execute('INSERT INTO "epoch" ("kiosk_id", "store_id", "last_seq", "head_hash", "first_seen", '
                    '"last_seen") VALUES (?, ?, 0, \'0\', \'2026-01-01\', \'2026-01-01\')', (k, f"s-{k}"))
    epochs = {k: i + 1 for i, k in enumerate(kiosks)}
    start = datetime(2026, 1, 1, 1, 0)
    seqs = defaultdict(int)
    responses, answers = [], []
    for rid in range(1, n + 1):
        when = start + timedelta(seconds=rng.randrange(0, 365 * 86400))
        local = when + timedelta(hours=7)  # Asia/Ho_Chi_Minh, the config's default zone
        day = local.date().isoformat()
        partial = rng.random() < 0.04
        excluded = rng.random() < 0.005
        # As at a one-stop: an officer sits at a counter and handles the procedures of one field.
        o = rng.randrange(12)
        officer, kiosk = officers[o], kiosks[o % 10]
        seqs[kiosk] += 1
        procedure = procedures[(o % 4) + 4 * rng.randrange(10)]
        channel = rng.choices(("touch", "button", "qr"), (80, 10, 10))[0]
        responses.append((rid, epochs[kiosk], kiosk, f"s-{kiosk}", seqs[kiosk], f"u-{rid}", officer,
                          procedure, "tieu-chi-5", 1, channel, partial,
                          when.isoformat(), when.isoformat(sep=" "), day, local.hour, "{}", "h", "2026-12-31",
                          excluded))
        asked = QUESTIONS[: rng.randint(1, 4)] if partial else QUESTIONS
        for q in asked:
            answers.append((rid, q, rng.choices((1, 2, 3, 4, 5), (1, 1, 2, 4, 6))[0], officer, day))
    con.executemany(
        'INSERT INTO "response" ("id", "epoch_id", "kiosk_id", "store_id", "seq", "uuid", "officer", '
        '"procedure", "questionnaire", "questionnaire_version", "channel", "partial", "recorded_at", '
        '"recorded_utc", "local_date", "local_hour", "body", "hash", "received_at", "excluded") '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", responses)
    con.executemany('INSERT INTO "answer" ("response_id", "question", "score", "officer", "local_date") '
                    "VALUES (?, ?, ?, ?, ?)", answers)
    con.commit()
    con.close()


def naive(con: sqlite3.Connection, start: date, end: date, by: str | None) -> dict:
    """One hand-written GROUP BY over the raw answers (and one over the responses for the visit
    count), as someone would write it without rollups."""
    group = {None: "''", "officer": 'COALESCE(r."officer", \'\')', "question": 'a."question"',
             "day": 'r."local_date"', "month": 'substr(r."local_date", 1, 7)'}[by]
    counts = con.execute(
        f'SELECT {group}, ' + ", ".join(f'SUM(a."score" = {s})' for s in range(1, 6)) +
        ' FROM "answer" a JOIN "response" r ON r."id" = a."response_id" '
        'WHERE r."local_date" BETWEEN ? AND ? AND NOT r."excluded" GROUP BY 1',
        (start.isoformat(), end.isoformat())).fetchall()
    out = {k: [Counts.of(*n), 0] for k, *n in counts}
    if by != "question":
        visits = con.execute(
            f'SELECT {group.replace("a.", "r.")}, COUNT(*) FROM "response" r '
            'WHERE r."local_date" BETWEEN ? AND ? AND NOT r."excluded" GROUP BY 1',
            (start.isoformat(), end.isoformat())).fetchall()
        for k, v in visits:
            out.setdefault(k, [Counts(), 0])[1] = v
    return out


def ours(start: date, end: date, by: str | None) -> dict:
    cells = reports.figures(reports.Filters(start, end), (by,) if by else ())
    out = {}
    for key, cell in cells.items():
        k = key[0] if key else ""
        if isinstance(k, date):
            k = k.isoformat()[:7] if by == "month" else k.isoformat()
        out[k] = [cell.counts, 0 if by == "question" else cell.responses]
    return out


def best_of(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def naive_hours(con: sqlite3.Connection, start: date, end: date) -> dict:
    """The hour × weekday map in one GROUP BY over the responses, a response counted low when one
    of its answers is 1 or 2; the hour is the UTC time's in Vietnam (+07:00, no summer time), as
    the day is."""
    rows = con.execute(
        """SELECT (CAST(strftime('%w', r."local_date") AS INTEGER) + 6) % 7,
                  (CAST(substr(r."recorded_utc", 12, 2) AS INTEGER) + 7) % 24, COUNT(*),
                  SUM(EXISTS(SELECT 1 FROM "answer" a WHERE a."response_id" = r."id" AND a."score" <= 2))
           FROM "response" r WHERE r."local_date" BETWEEN ? AND ? AND NOT r."excluded" GROUP BY 1, 2""",
        (start.isoformat(), end.isoformat())).fetchall()
    return {(w, h): (n, low) for w, h, n, low in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    args = parser.parse_args()
    where = REPO / "var" / "bench" / f"report-g{GENERATOR}-{args.responses}"
    where.mkdir(parents=True, exist_ok=True)
    (where / "server.toml").write_text(f'[server]\ndata_dir = "{where}"\n', encoding="utf-8")
    cfg = server_config.load(where / "server.toml", environ={})
    ready = where / "ready"
    if not ready.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(str(cfg.sqlite_path) + suffix).unlink(missing_ok=True)
        t0 = time.perf_counter()
        init_db(cfg)
        database.close()
        generate(cfg.sqlite_path, args.responses)
        init_db(cfg)
        with database.connection_context(), write_transaction():
            rows = rollup.rebuild()
        database.close()
        ready.write_text(str(rows))
        print(f"generated {args.responses:,} responses in {time.perf_counter() - t0:.0f} s "
              f"({rows:,} rollup rows); cached in {where}")
    init_db(cfg)
    raw = sqlite3.connect(cfg.sqlite_path)
    answers = raw.execute('SELECT COUNT(*) FROM "answer"').fetchone()[0]
    print(f"SQLite, {args.responses:,} responses, {answers:,} answers; best of 5; ratio = naive / ours")
    print(f"{'range':6} {'figures':22} {'ours':>9} {'naive':>9} {'ratio':>8}")
    with database.connection_context():
        for name, (start, end) in RANGES.items():
            series = "month" if name == "year" else "day"  # as the page: months past 62 days
            sets = {"dashboard: total": None, "dashboard: per officer": "officer",
                    "dashboard: per question": "question", f"dashboard: per {series}": series,
                    "monthly officer report": "officer"}
            whole_ours = whole_naive = 0.0
            for label, by in sets.items():
                if label == "monthly officer report" and name != "month":
                    continue
                mine, theirs = ours(start, end, by), naive(raw, start, end, by)
                assert {k: (c.n, v) for k, (c, v) in mine.items()} == \
                       {k: (c.n, v) for k, (c, v) in theirs.items()}, (name, label)
                t_ours = best_of(lambda s=start, e=end, b=by: ours(s, e, b))
                t_naive = best_of(lambda s=start, e=end, b=by: naive(raw, s, e, b),
                                  runs=3 if name == "year" else 5)
                if label.startswith("dashboard"):
                    whole_ours, whole_naive = whole_ours + t_ours, whole_naive + t_naive
                print(f"{name:6} {label:22} {t_ours * 1000:7.1f}ms {t_naive * 1000:7.0f}ms "
                      f"{t_naive / t_ours:7.1f}×")
            print(f"{name:6} {'dashboard, all four':22} {whole_ours * 1000:7.1f}ms "
                  f"{whole_naive * 1000:7.0f}ms {whole_naive / whole_ours:7.1f}×")
            # The report page's hour × weekday map (from rollup_hour) against one GROUP BY.
            assert reports.hour_grid(start, end) == naive_hours(raw, start, end), name
            t_ours = best_of(lambda s=start, e=end: reports.hour_grid(s, e))
            t_naive = best_of(lambda s=start, e=end: naive_hours(raw, s, e), runs=3)
            print(f"{name:6} {'hour × weekday map':22} {t_ours * 1000:7.1f}ms {t_naive * 1000:7.0f}ms "
                  f"{t_naive / t_ours:7.1f}×")
    raw.close()
    database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
