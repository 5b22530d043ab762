"""The province hub's ingest of a backlog (issue 15, Measure): N responses from C communes, each
commune's store pushed in batches of 2,000 as `push --once` sends them, taken by the hub's own
path (JSON decoded, then sync_server.upstream.receive: the chain re-verified, rows, answers,
rollups and cursor stored) — beside a bulk insert of the same response and answer rows into the
same PostgreSQL tables with COPY (psycopg2's copy_expert, the driver's fast path), in the same run.

    HAILONG_BENCH_PG_URL=postgresql://… .venv/bin/python bench/hub_ingest.py [--responses 1000000]
        [--communes 100] [--http K]

With `--http K` the hub is a real `hailong-server serve` process (waitress, 8 threads) and the
batches go to it over HTTP on 127.0.0.1, K communes pushing at once (each commune's batches in
order, as `push` sends them; as a province's communes do, not one after the other); CPU is then
the hub process's and every PostgreSQL process's (its backends, WAL writer, checkpointer), on both
sides. Without it, the hub's path is called in this process, one batch at a time.

Everything is prepared before a clock starts: the sealed chains, the batches as the JSON bodies
that cross the wire, and the baseline's rows as COPY text (made from the batches after the hub's
run: while the hub ingests, the bench holds only the bodies, as bytes — a million decoded
responses held beside it made every full collection of Python's collector scan them, which a
hub's own process never pays). The database is emptied (its public
schema dropped) before each side. Both sides end with the same number of responses and answers,
checked. Not a test: run by hand (bench/RESULTS.md).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import queue
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg2  # noqa: E402
import requests  # noqa: E402
from playhouse.db_url import parse  # noqa: E402

from kiosk.shared.protocol import GENESIS_HASH, canonical_json, seal  # noqa: E402
from sync_server import config as server_config  # noqa: E402
from sync_server.db import connection, database, init_db  # noqa: E402
from sync_server.upstream import receive, wire  # noqa: E402

PAGE = 2000  # what push --once sends per batch
START = datetime(2026, 1, 5, 1, 0)  # UTC; 08:00 in Vietnam


def reset(url: str) -> None:
    """Drop and make again the schema the URL works in: `public`, or the first of a search_path
    given as `?options=-csearch_path%3Dname` (a benchmark's rows kept apart from the tests, which
    reset `public` of the same database)."""
    params = parse(url, unquote_password=True, unquote_user=True)
    con = psycopg2.connect(dbname=params.pop("database"), **params)
    con.autocommit = True
    with con.cursor() as cur:
        cur.execute("SELECT current_setting('search_path')")
        schema = cur.fetchone()[0].split(",")[0].strip().strip('"')
        if schema in ("", "$user"):
            schema = "public"
        cur.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        cur.execute(f'CREATE SCHEMA "{schema}"')
    con.close()


def config_for(url: str, communes: list[str], folder: Path) -> server_config.ServerConfig:
    text = f'[server]\ndata_dir = "{folder}"\ndatabase_url = "{url}"\n'
    for c in communes:
        text += f'[[downstream]]\nid = "{c}"\nname = "Xã {c}"\ntoken = "token-{c}-0123456789abcdef"\n'
    path = folder / "hub.toml"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return server_config.load(path)


def chain(store: str, n: int) -> tuple[list[dict], list[list]]:
    """A kiosk's sealed responses, three a working hour, and the commune's times for each."""
    out, times, prev = [], [], GENESIS_HASH
    for seq in range(1, n + 1):
        utc = START + timedelta(minutes=20 * seq)
        local = utc + timedelta(hours=7)
        r = {"store_id": store, "seq": seq, "uuid": f"{store}-{seq:012d}", "kiosk_id": "quay-1",
             "officer": f"nv-{seq % 6}", "procedure": f"1.{seq % 20:06d}", "questionnaire": "overall",
             "questionnaire_version": 1, "answers": {"q1": seq % 5 + 1}, "reasons": [],
             "channel": "touch", "partial": False, "flags": [],
             "recorded_at": local.isoformat(timespec="milliseconds") + "+07:00", "boot_id": "b",
             "uptime_ms": 1000 + seq}
        out.append(seal(r, prev))
        prev = out[-1]["hash"]
        times.append([utc.isoformat(), None, "kiosk", local.date().isoformat(), local.hour])
    return out, times


def roster() -> dict:
    return {"officer": [{"code": f"nv-{i}", "name": f"Cán bộ {i}"} for i in range(6)],
            "procedure": [{"code": f"1.{i:06d}", "name": f"Thủ tục {i}"} for i in range(20)]}


def prepare(communes: list[str], per: int) -> list[tuple[str, bytes]]:
    """The batches as the JSON bodies that cross the wire. Only the bodies are kept (bytes, which
    Python's collector never scans): a hub's process does not hold a million decoded responses
    while it ingests, and the bench's own must not make the hub's collections slower."""
    batches = []
    for c in communes:
        store = f"s-{c}"
        sealed, times = chain(store, per)
        for i in range(0, per, PAGE):
            batch = {"protocol": 1, "server_id": c, "roster": roster(), "exclusions": [],
                     "stores": [{"store_id": store, "kiosk_id": "quay-1", "responses": sealed[i:i + PAGE],
                                 "times": times[i:i + PAGE], "redacted": []}]}
            batches.append((c, json.dumps(batch, ensure_ascii=False).encode("utf-8")))
    return batches


def rows_of(batches: list[tuple[str, bytes]]) -> tuple[list, list]:
    """The baseline's (response, answer) rows, from the same batches (made after the hub's run,
    before the baseline's clock)."""
    responses, answers = [], []
    for c, body in batches:
        store = json.loads(body)["stores"][0]
        for r, t in zip(store["responses"], store["times"], strict=True):
            rid = len(responses) + 1
            responses.append((rid, c, r, t))
            answers.append((rid, "q1", r["answers"]["q1"], r["officer"], t[3]))
    return responses, answers


def backend_cpu(pid: int) -> float:
    """CPU seconds (user + system) of the PostgreSQL backend serving us, from /proc (the server
    runs on this machine), or NaN where /proc cannot tell."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


class Clock:
    """Wall time, this process's CPU and its database backend's CPU over a block."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def __enter__(self) -> Clock:
        self.started = (time.perf_counter(), time.process_time(), backend_cpu(self.pid))
        return self

    def __exit__(self, *_exc: object) -> None:
        wall, cpu, db = self.started
        self.wall = time.perf_counter() - wall
        self.cpu = time.process_time() - cpu
        self.db_cpu = backend_cpu(self.pid) - db

    def __str__(self) -> str:
        return f"{self.wall:,.1f} s wall, {self.cpu:,.1f} s CPU here, {self.db_cpu:,.1f} s CPU in PostgreSQL"


def ours(cfg: server_config.ServerConfig, batches: list[tuple[str, bytes]]) -> Clock:
    entries = {e.id: e for e in cfg.downstream}
    with connection():
        pid = database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        with Clock(pid) as clock:
            for server_id, body in batches:
                outcome = receive.receive(cfg, entries[server_id], wire.decode(body),
                                          datetime.utcnow())
                assert not outcome.refused, outcome.refused
    return clock


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process on this machine, its threads included."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0  # a process that ended meanwhile (an autovacuum worker)


def postgres_cpu() -> float:
    """CPU seconds PostgreSQL has used (the server runs on this machine): every process of it now
    running, and the backends that ended (a hub opens a connection per request), which their
    parent, the postmaster, has counted as its children's time."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() not in ("postgres", "postmaster"):
                    continue
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += sum(int(f) for f in fields[11:13]) / os.sysconf("SC_CLK_TCK")
            if not (entry / "cmdline").read_bytes().startswith(b"postgres:"):  # the postmaster
                total += sum(int(f) for f in fields[13:15]) / os.sysconf("SC_CLK_TCK")  # ended children
    return total


class WholeClock:
    """Wall time, one process's CPU (the hub's, or this one's) and all of PostgreSQL's over a block."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def __enter__(self) -> WholeClock:
        self.started = (time.perf_counter(), process_cpu(self.pid), postgres_cpu())
        return self

    def __exit__(self, *_exc: object) -> None:
        wall, cpu, db = self.started
        self.wall = time.perf_counter() - wall
        self.cpu = process_cpu(self.pid) - cpu
        self.db_cpu = postgres_cpu() - db

    def __str__(self) -> str:
        return (f"{self.wall:,.1f} s wall, {self.cpu:,.1f} s CPU in its process, "
                f"{self.db_cpu:,.1f} s CPU in PostgreSQL")


def ours_http(cfg: server_config.ServerConfig, config_path: Path, batches: list[tuple[str, bytes]],
              pushers: int) -> WholeClock:
    """The batches POSTed to a real hub process, `pushers` communes at once."""
    port = free_port()
    hub = subprocess.Popen([sys.executable, "-m", "sync_server", "serve", "--config", str(config_path),
                            "--host", "127.0.0.1", "--port", str(port), "--no-pull"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/api/v1/upstream"
    tokens = {e.id: e.token for e in cfg.downstream}
    try:
        for _ in range(300):
            try:
                requests.get(base + "/status", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        by_commune: dict[str, list[bytes]] = {}
        for server_id, body in batches:
            by_commune.setdefault(server_id, []).append(body)
        todo: queue.Queue[str] = queue.Queue()
        for server_id in by_commune:
            todo.put(server_id)
        failures: list[str] = []

        def pusher() -> None:
            session = requests.Session()
            while failures == []:
                try:
                    server_id = todo.get_nowait()
                except queue.Empty:
                    return
                headers = {"Authorization": f"Bearer {tokens[server_id]}", "Content-Type": "application/json"}
                for body in by_commune[server_id]:
                    reply = session.post(base + "/batch", data=body, headers=headers, timeout=600)
                    if reply.status_code != 200:
                        failures.append(f"{server_id}: {reply.status_code} {reply.text[:300]}")
                        return

        threads = [threading.Thread(target=pusher) for _ in range(pushers)]
        with WholeClock(hub.pid) as clock:
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        assert not failures, failures
    finally:
        hub.terminate()
        hub.wait(30)
    return clock


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_text(rows: list[tuple]) -> io.StringIO:
    def field(v) -> str:
        if v is None:
            return r"\N"
        return str(v).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return io.StringIO("".join("\t".join(field(v) for v in row) + "\n" for row in rows))


RESPONSE_COLUMNS = ('"id", "epoch_id", "unit", "kiosk_id", "store_id", "seq", "uuid", "officer", '
                    '"procedure", '
                    '"questionnaire", "questionnaire_version", "channel", "partial", "recorded_at", '
                    '"recorded_utc", "local_date", "body", "hash", "received_at", "corrected_utc", '
                    '"time_source", "local_hour", "excluded"')


def baseline(url: str, communes: list[str], responses: list, answers: list, whole: bool = False) -> Clock:
    """COPY of the same rows; the epochs (one per commune) made before the clock."""
    params = parse(url, unquote_password=True, unquote_user=True)
    con = psycopg2.connect(dbname=params.pop("database"), **params)
    now = datetime.utcnow().isoformat()
    with con.cursor() as cur:
        for i, c in enumerate(communes, 1):
            cur.execute('INSERT INTO "epoch" ("id", "kiosk_id", "store_id", "unit", "last_seq", "head_hash", '
                        '"first_seen", "last_seen") VALUES (%s, %s, %s, %s, 0, %s, %s, %s)',
                        (i, "quay-1", f"s-{c}", c, GENESIS_HASH, now, now))
    con.commit()
    epoch = {c: i for i, c in enumerate(communes, 1)}
    rows = [(rid, epoch[c], c, "quay-1", r["store_id"], r["seq"], r["uuid"], r["officer"], r["procedure"],
             "overall", 1, "touch", False, r["recorded_at"], t[0], t[3],
             canonical_json(r).decode("utf-8"), r["hash"], now, None, "kiosk", t[4], False)
            for rid, c, r, t in responses]
    response_text, answer_text = _copy_text(rows), _copy_text(answers)
    with (WholeClock(os.getpid()) if whole else Clock(con.get_backend_pid())) as clock:
        with con.cursor() as cur:
            cur.copy_expert(f'COPY "response" ({RESPONSE_COLUMNS}) FROM STDIN', response_text)
            cur.copy_expert('COPY "answer" ("response_id", "question", "score", "officer", "local_date") '
                            'FROM STDIN', answer_text)
        con.commit()
    con.close()
    return clock


def counts() -> tuple[int, int]:
    with connection():
        return tuple(database.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
                     for t in ("response", "answer"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--responses", type=int, default=1_000_000)
    ap.add_argument("--communes", type=int, default=100)
    ap.add_argument("--database-url", default=os.environ.get("HAILONG_BENCH_PG_URL", ""))
    ap.add_argument("--http", type=int, default=0, metavar="K",
                    help="POST to a real hub process, K communes at once (0: call the hub's path here)")
    args = ap.parse_args()
    if not args.database_url.startswith("postgresql://"):
        print("set HAILONG_BENCH_PG_URL (or --database-url) to an empty PostgreSQL database", file=sys.stderr)
        return 2
    communes = [f"xa-{i:03d}" for i in range(args.communes)]
    per = args.responses // args.communes
    t0 = time.perf_counter()
    batches = prepare(communes, per)
    n = per * len(communes)
    print(f"prepared {n:,} responses in {len(batches):,} batches "
          f"({sum(len(b) for _c, b in batches) / 1e6:,.0f} MB of JSON) in {time.perf_counter() - t0:,.0f} s",
          flush=True)
    folder = Path(__file__).resolve().parents[1] / "var" / "bench" / "hub_ingest"
    cfg = config_for(args.database_url, communes, folder)

    reset(args.database_url)
    init_db(cfg)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    if args.http:
        database.close()
        ours_clock = ours_http(cfg, folder / "hub.toml", batches, args.http)
        init_db(cfg)
    else:
        ours_clock = ours(cfg, batches)
    ours_counts = counts()
    database.close()

    reset(args.database_url)
    init_db(cfg)
    responses, answers = rows_of(batches)
    base_clock = baseline(args.database_url, communes, responses, answers, whole=bool(args.http))
    base_counts = counts()
    database.close()
    assert ours_counts == base_counts == (n, len(answers)) == (len(responses), n), (ours_counts, base_counts)
    ours_s, base_s = ours_clock.wall, base_clock.wall
    how = f"over HTTP, {args.http} communes at once" if args.http else "receive, one batch at a time"
    print(f"hub ingest ({how}: JSON, chain check, rows, answers, rollups): {ours_clock} "
          f"({n / ours_s:,.0f} responses/s)")
    print(f"bulk COPY of the same response and answer rows:                {base_clock} "
          f"({n / base_s:,.0f} responses/s)")
    cpu = (ours_clock.cpu + ours_clock.db_cpu) / (base_clock.cpu + base_clock.db_cpu)
    print(f"ratio: {ours_s / base_s:.2f}x wall, {cpu:.2f}x "
          f"CPU (here + PostgreSQL)  (load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
