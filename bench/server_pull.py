"""How long does a catch-up pull of a large backlog take, against storing the same rows directly?

Ours: one real kiosk (kiosk.store + kiosk.api on waitress, 127.0.0.1) holding N responses that
were never pulled; `pull_kiosk` fetches every page over HTTP, validates it, verifies the hash
chain, repairs times, stores responses + answers and moves the cursor, page by page.
Baseline, in the same run on the same database engine: the same response and answer rows,
made ready beforehand, bulk-inserted straight into an empty server database in one transaction
through the driver's fast path (sqlite3 executemany / psycopg2 execute_values): no HTTP, no
JSON, no checks, nothing but the database's own work. The ratio is the figure; the target is
within 3x.

    .venv/bin/python bench/server_pull.py [--responses 100000] [--database-url postgresql://…]

With --database-url (PostgreSQL) both sides use that database; the schema it points at is
emptied first (`public`, or the one named by `?options=-csearch_path%3Dbench_pull`), so give it a
scratch database or a schema of its own.

    --here-too: a third side, the same pull with every page checked in this process (the
    long-catch-up path checks them in a process of its own, sync_server.collect.pagecheck).
    --text-ahead: a fourth side, the bulk insert with its response rows' COPY text made before
    its clock too (PostgreSQL): on PostgreSQL the pull makes that text in the page checking
    process, while the page before is stored (sync_server.collect.rows.prepare).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import subprocess  # noqa: E402

import requests  # noqa: E402

import sync_server.db as server_db  # noqa: E402
from bench.hub_ingest import backend_cpu  # noqa: E402
from kiosk.shared.protocol import GENESIS_HASH, canonical_json, seal  # noqa: E402
from kiosk.store import Store  # noqa: E402
from sync_server import config as server_config  # noqa: E402
from sync_server.collect import clockfix  # noqa: E402
from sync_server.collect.ingest import ANSWER_COLUMNS, RESPONSE_COLUMNS  # noqa: E402
from sync_server.collect.puller import pull_kiosk  # noqa: E402
from sync_server.db import bulk_insert, database, init_db, write_transaction  # noqa: E402
from sync_server.db.models import Answer, Epoch, Officer, Response, utcnow  # noqa: E402
from sync_server.reports import service_alerts

TOKEN = "b" * 32
OFFICERS = ("nv-lan", "nv-hung", "nv-minh", "nv-hoa")
# CPU time of this process (every thread), per side: steadier than wall time on a shared machine.
# The kiosk's own work is in its process and not counted here; the wall time counts it.
CPU: dict[str, list[float]] = {"pull": [], "bulk": [], "checker": [], "here": [], "ahead": []}
# PostgreSQL: CPU time of the database backend serving each side (its own work, apart from ours).
PG_CPU: dict[str, list[float]] = {"pull": [], "bulk": []}
AHEAD: list[int] = []  # pages whose rows the checking process made (PostgreSQL; 0 before issue 16e)


KIOSK_PROCESS = """
import sys, time
from kiosk.api import ApiServer, create_api
from kiosk.store import Store
store = Store(sys.argv[1], "bench-1")
api = ApiServer(create_api(store, kiosk_id="bench-1", token=sys.argv[2]), "127.0.0.1", 0).start()
print(api.port, flush=True)
sys.stdin.read()  # until the bench closes our stdin
api.stop()
"""


def start_kiosk(db_path: Path) -> tuple[subprocess.Popen, int]:
    """The kiosk API in a process of its own, as on the Pi: its JSON work is not the server's."""
    proc = subprocess.Popen([sys.executable, "-c", KIOSK_PROCESS, str(db_path), TOKEN],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    return proc, int(proc.stdout.readline())


def make_backlog(store: Store, n: int) -> list[dict]:
    """N sealed responses written into the kiosk's store in one transaction (setup, not timed:
    the kiosk writes them one press at a time over weeks)."""
    start = datetime.now(UTC) - timedelta(days=30)
    chain, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        at = start + timedelta(seconds=seq * 25)
        r = {"store_id": store.store_id, "seq": seq, "uuid": str(uuid.uuid4()), "kiosk_id": store.kiosk_id,
             "officer": OFFICERS[seq % 4], "procedure": None, "questionnaire": "overall",
             "questionnaire_version": 1, "answers": {"q1": seq % 5 + 1}, "reasons": [],
             "channel": "button", "partial": False, "flags": [],
             "recorded_at": at.astimezone().isoformat(timespec="milliseconds"),
             "boot_id": "bench-boot", "uptime_ms": seq * 25_000}
        chain.append(seal(r, prev))
        prev = chain[-1]["hash"]
    with store.db.connection_context(), store.db.atomic("IMMEDIATE"):
        store.db.cursor().executemany(
            "INSERT INTO response (seq, uuid, recorded_at, hash, body) VALUES (?, ?, ?, ?, ?)",
            [(r["seq"], r["uuid"], r["recorded_at"], r["hash"], canonical_json(r).decode()) for r in chain])
    return chain


def reset(cfg: server_config.ServerConfig) -> None:
    """An empty server database with its schema (and the officers, so nothing is flagged)."""
    if cfg.database_url:
        db = init_db(cfg, create=False)
        with db.connection_context():
            # The schema the URL points at (…?options=-csearch_path%3Dbench_pull), else public.
            schema = db.execute_sql("SHOW search_path").fetchone()[0].split(",")[-1].strip().strip('"')
            db.execute_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            db.execute_sql(f'CREATE SCHEMA "{schema}"')
    elif cfg.sqlite_path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(str(cfg.sqlite_path) + suffix).unlink(missing_ok=True)
    init_db(cfg)
    with database.connection_context():
        for code in OFFICERS:
            Officer.create(code=code, name=code)


def bench_pull(cfg: server_config.ServerConfig, n: int, here: bool = False) -> tuple[float, float]:
    """The pull (collect, verify, store, rollups, cursor) and, timed apart, the service-alert scan
    that `pull_kiosk` runs after it by default. `here`: every page checked in this process (a
    session of the caller's own keeps them here), to compare with the pages checked apart."""
    reset(cfg)
    backend = _backend(cfg)  # the pull uses this thread's connection, opened here (PostgreSQL)
    t0, c0, b0 = time.perf_counter(), time.process_time(), backend_cpu(backend) if backend else 0.0
    result = pull_kiosk(cfg.kiosks[0], cfg, scan_alerts=False, session=requests.Session() if here else None)
    elapsed = time.perf_counter() - t0
    if backend:
        if not here:
            PG_CPU["pull"].append(backend_cpu(backend) - b0)
        database.close()
    # A long catch-up checks its pages in a process of its own (pagecheck.Apart): its CPU counts.
    if here:
        CPU["here"].append(time.process_time() - c0)
    else:
        apart = getattr(result, "checker_cpu_s", 0.0)  # (0 for code before it: run against main)
        CPU["checker"].append(apart)
        CPU["pull"].append(time.process_time() - c0 + apart)
        AHEAD.append(getattr(result, "made_ahead", 0))
    assert (result.status, result.received) == ("ok", n), result.line()
    with database.connection_context():
        assert Response.select().count() == n and Answer.select().count() == n
        t0 = time.perf_counter()
        with write_transaction():
            service_alerts.scan_page(result.store_id, result.first_seq, result.last_seq,
                                     cfg.service_alert_rule, utcnow())
        scanned = time.perf_counter() - t0
    return elapsed, scanned


def _backend(cfg: server_config.ServerConfig) -> int | None:
    """The pid of the PostgreSQL backend of this thread's connection (opened now), None on SQLite."""
    if not cfg.database_url:
        return None
    database.connect(reuse_if_open=True)
    return database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def bench_bulk(cfg: server_config.ServerConfig, chain: list[dict], text_ahead: bool = False) -> float:
    """The same rows, straight in: what storing them costs with nothing else around it. The rows
    (bodies as JSON, times parsed) are made before the clock starts. The clock stops after the
    connection is closed, as the pull's does: on SQLite closing the last connection checkpoints
    the WAL into the database file, work that belongs to the rows on both sides. `text_ahead`
    (PostgreSQL): the response rows' COPY text made before the clock too; the answers' rows,
    which need the ids, in it, as the pull does."""
    reset(cfg)
    tz, now = cfg.tz, utcnow()
    with database.connection_context():
        epoch = Epoch.create(kiosk_id="bench-1", store_id=chain[0]["store_id"], first_seen=now, last_seen=now)
    rows, days = [], []
    for r in chain:
        t = clockfix.response_times(r["recorded_at"], r["boot_id"], r["uptime_ms"], None, tz, now)
        days.append(t.local_date)
        rows.append((epoch.id, "", "bench-1", r["store_id"], r["seq"], r["uuid"], r["officer"], None,
                     "overall", 1, r["channel"], False, r["recorded_at"], t.recorded_utc, None, "kiosk",
                     t.local_date, t.local_hour, canonical_json(r).decode(), r["hash"], now, None, False, "",
                     "chinh"))
    text = server_db.copy_text(rows) if text_ahead else None
    backend = _backend(cfg)
    t0, c0, b0 = time.perf_counter(), time.process_time(), backend_cpu(backend) if backend else 0.0
    with database.connection_context():
        with write_transaction():
            if text is not None:
                server_db.copy_in(Response, RESPONSE_COLUMNS, text)
            else:
                bulk_insert(Response, RESPONSE_COLUMNS, rows)
            ids = dict(Response.select(Response.seq, Response.id).tuples())
            bulk_insert(Answer, ANSWER_COLUMNS, [(ids[r["seq"]], "q1", r["answers"]["q1"], r["officer"], day)
                                                 for r, day in zip(chain, days, strict=True)])
        if backend and not text_ahead:  # before the close: the backend ends with its connection
            PG_CPU["bulk"].append(backend_cpu(backend) - b0)
    elapsed = time.perf_counter() - t0
    CPU["ahead" if text_ahead else "bulk"].append(time.process_time() - c0)
    with database.connection_context():
        assert Response.select().count() == len(chain) and Answer.select().count() == len(chain)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--database-url", default="", help="default: SQLite in a temporary directory")
    parser.add_argument("--runs", type=int, default=3, help="runs of each side, interleaved")
    parser.add_argument("--here-too", action="store_true",
                        help="a third side: the same pull with every page checked in this process")
    parser.add_argument("--text-ahead", action="store_true",
                        help="a fourth side (PostgreSQL): the bulk insert, COPY text made before the clock")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path(__file__).parent) as tmp:
        directory = Path(tmp)
        store = Store(directory / "kiosk.db", "bench-1")
        t0 = time.perf_counter()
        chain = make_backlog(store, args.responses)
        setup_s = time.perf_counter() - t0
        print(f"setup: {args.responses} sealed responses in the kiosk store ({setup_s:.1f} s)")
        store.close()
        kiosk, port = start_kiosk(directory / "kiosk.db")
        try:
            path = directory / "server.toml"
            path.write_text(f'[server]\ndata_dir = "{directory / "server"}"\n'
                            f'database_url = "{args.database_url}"\n'
                            f'[[kiosks]]\nid = "bench-1"\nurl = "http://127.0.0.1:{port}"\n'
                            f'token = "{TOKEN}"\n', encoding="utf-8")
            cfg = server_config.load(path, environ={})
            # Interleaved: disk and CPU noise hit both sides alike.
            pulls, scans, bulks, heres, aheads = [], [], [], [], []
            for _ in range(args.runs):
                pulled, scanned = bench_pull(cfg, args.responses)
                pulls.append(pulled)
                scans.append(scanned)
                bulks.append(bench_bulk(cfg, chain))
                if args.here_too:
                    heres.append(bench_pull(cfg, args.responses, here=True)[0])
                if args.text_ahead:
                    aheads.append(bench_bulk(cfg, chain, text_ahead=True))
        finally:
            kiosk.stdin.close()
            kiosk.wait(timeout=30)
            database.close()
    engine = "PostgreSQL" if args.database_url else "SQLite"
    pull, bulk = min(pulls), min(bulks)
    print(f"engine: {engine}; best of {len(pulls)} runs each (median ratio "
          f"{statistics.median(pulls) / statistics.median(bulks):.2f}x)")
    print(f"catch-up pull over HTTP : {pull:7.2f} s  {args.responses / pull:9.0f} responses/s")
    print(f"bulk insert, same rows  : {bulk:7.2f} s  {args.responses / bulk:9.0f} responses/s")
    print(f"ratio pull/bulk: {pull / bulk:.2f}x  (runs: pull {', '.join(f'{x:.2f}' for x in pulls)} s; "
          f"bulk {', '.join(f'{x:.2f}' for x in bulks)} s)")
    cpu_pull, cpu_bulk = statistics.median(CPU["pull"]), statistics.median(CPU["bulk"])
    print(f"CPU time of the server's processes, median: pull {cpu_pull:.2f} s (of it "
          f"{statistics.median(CPU['checker']):.2f} s in the page checking process), bulk {cpu_bulk:.2f} s, "
          f"ratio {cpu_pull / cpu_bulk:.2f}x")
    print(f"pages whose rows were made in the page checking process: {AHEAD}")
    if PG_CPU["pull"]:
        pg_pull, pg_bulk = statistics.median(PG_CPU["pull"]), statistics.median(PG_CPU["bulk"])
        print(f"CPU time of the PostgreSQL backend, median: pull {pg_pull:.2f} s, bulk {pg_bulk:.2f} s; "
              f"with the server's processes: pull {cpu_pull + pg_pull:.2f} s, "
              f"bulk {cpu_bulk + pg_bulk:.2f} s, "
              f"ratio {(cpu_pull + pg_pull) / (cpu_bulk + pg_bulk):.2f}x")
    if heres:
        print(f"pull, every page checked in this process: best {min(heres):.2f} s, ratio best "
              f"{min(heres) / bulk:.2f}x, median {statistics.median(heres) / statistics.median(bulks):.2f}x "
              f"(runs {', '.join(f'{x:.2f}' for x in heres)} s); CPU median "
              f"{statistics.median(CPU['here']):.2f} s = {statistics.median(CPU['here']) / cpu_bulk:.2f}x")
    if aheads:
        print(f"bulk insert, its response COPY text made before the clock: best {min(aheads):.2f} s, "
              f"pull/that: best {pull / min(aheads):.2f}x, median "
              f"{statistics.median(pulls) / statistics.median(aheads):.2f}x "
              f"(runs {', '.join(f'{x:.2f}' for x in aheads)} s; "
              f"CPU median {statistics.median(CPU['ahead']):.2f} s)")
    print(f"then the service-alert scan of the same responses: {min(scans):.2f} s "
          f"({min(scans) / bulk:.2f}x the bulk insert)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
