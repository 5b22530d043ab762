"""20 kiosks pulled concurrently, one of them dead: the cycle time (issue 4, Measure).

    .venv/bin/python bench/server_fleet.py [--database-url postgresql://…] [--backlog 1000]

Nineteen real kiosk APIs (kiosk.store + kiosk.api on waitress, one process each, 127.0.0.1),
each holding a backlog of sealed responses, and one dead kiosk: a socket that accepts
connections and never answers (a Pi frozen mid-boot; the worst case, as each read waits for
the read timeout — a powered-off Pi is refused at once). `pull_all` pulls them with the
server's default timeouts. Baseline in the same run, interleaved: the same nineteen without
the dead one. Reported: when the last live kiosk was done (the dead one must not delay it), and
the whole cycle (bounded by the dead kiosk's timeouts, not by the others).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.server_pull import OFFICERS, TOKEN, make_backlog, reset  # noqa: E402
from kiosk.store import Store  # noqa: E402
from sync_server import config as server_config  # noqa: E402
from sync_server.collect.puller import pull_kiosk  # noqa: E402
from sync_server.db import database  # noqa: E402
from sync_server.db.models import Response  # noqa: E402

LIVE = 19
KIOSK_PROCESS = """
import sys
from kiosk.api import ApiServer, create_api
from kiosk.store import Store
store = Store(sys.argv[1], sys.argv[3])
api = ApiServer(create_api(store, kiosk_id=sys.argv[3], token=sys.argv[2]), "127.0.0.1", 0).start()
print(api.port, flush=True)
sys.stdin.read()
api.stop()
"""


def start_kiosk(db_path: Path, kiosk_id: str) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen([sys.executable, "-c", KIOSK_PROCESS, str(db_path), TOKEN, kiosk_id],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[1])
    return proc, int(proc.stdout.readline())


def dead_kiosk() -> socket.socket:
    """Listens, lets the kernel complete the handshake, never reads or answers."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s


def cycle(cfg: server_config.ServerConfig, entries: list, live_ids: set[str],
          backlog: int) -> tuple[float, float]:
    """One concurrent pull of `entries`: (last live kiosk done, whole cycle), in seconds."""
    from concurrent.futures import ThreadPoolExecutor

    reset(cfg)
    done_at: dict[str, float] = {}
    t0 = time.perf_counter()

    def one(entry):
        result = pull_kiosk(entry, cfg)
        done_at[entry.id] = time.perf_counter() - t0
        return result

    with ThreadPoolExecutor(max_workers=min(32, len(entries))) as pool:  # as pull_all
        results = list(pool.map(one, entries))
    whole = time.perf_counter() - t0
    for r in results:
        expected = "ok" if r.kiosk_id in live_ids else "unreachable"
        assert r.status == expected, r.line()
    with database.connection_context():
        assert Response.select().count() == backlog * len(live_ids)
    return max(done_at[k] for k in live_ids), whole


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backlog", type=int, default=1000, help="responses waiting on each kiosk")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    procs: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(dir=Path(__file__).parent) as tmp:
        directory = Path(tmp)
        kiosks = []
        for i in range(1, LIVE + 1):
            kiosk_id = f"quay-{i:02d}"
            store = Store(directory / f"{kiosk_id}.db", kiosk_id)
            make_backlog(store, args.backlog)
            store.close()
            proc, port = start_kiosk(directory / f"{kiosk_id}.db", kiosk_id)
            procs.append(proc)
            kiosks.append((kiosk_id, port))
        dead = dead_kiosk()
        kiosks.append(("quay-dead", dead.getsockname()[1]))
        try:
            path = directory / "server.toml"
            path.write_text(f'[server]\ndata_dir = "{directory / "server"}"\n'
                            f'database_url = "{args.database_url}"\n'
                            + "".join(f'[[kiosks]]\nid = "{k}"\nurl = "http://127.0.0.1:{p}"\n'
                                      f'token = "{TOKEN}"\n' for k, p in kiosks), encoding="utf-8")
            cfg = server_config.load(path, environ={})
            live = [e for e in cfg.kiosks if e.id != "quay-dead"]
            live_ids = {e.id for e in live}
            with_dead, without = [], []
            for _ in range(args.runs):
                without.append(cycle(cfg, live, live_ids, args.backlog))
                with_dead.append(cycle(cfg, list(cfg.kiosks), live_ids, args.backlog))
        finally:
            for proc in procs:
                proc.stdin.close()
            for proc in procs:
                proc.wait(timeout=30)
            dead.close()
            database.close()
    engine = "PostgreSQL" if args.database_url else "SQLite"
    base_live = statistics.median(x[0] for x in without)
    dead_live = statistics.median(x[0] for x in with_dead)
    dead_whole = statistics.median(x[1] for x in with_dead)
    print(f"engine: {engine}; {LIVE} live kiosks × {args.backlog} responses (+ 1 dead); officers "
          f"{len(OFFICERS)}; timeouts connect {cfg.connect_timeout_s:g} s, read {cfg.read_timeout_s:g} s; "
          f"median of {args.runs} interleaved runs")
    print(f"baseline, {LIVE} live only      : all done in {base_live:6.2f} s "
          f"({LIVE * args.backlog / base_live:,.0f} responses/s)")
    print(f"with the dead one, live done   : {dead_live:6.2f} s  (ratio ×{dead_live / base_live:.2f})")
    print(f"with the dead one, whole cycle : {dead_whole:6.2f} s  (the dead kiosk's timeout bounds it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
