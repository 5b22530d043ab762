"""The citizens' QR page under load: requests/s and p99 for the form GET and the submit POST.

A real `hailong-server serve` (waitress, 8 threads) on 127.0.0.1 with SQLite, driven by wrk with
32 connections. Baseline, in the same run and the same server: a static file (style.css) served
by the same waitress, i.e. what the server costs before any page logic or database work.
The per-device limit is switched off ([qr] window_minutes = 0), so every POST is stored: each is
one sealed response on the QR chain, in one write transaction. Afterwards the stored chain is
verified end to end and compared with wrk's count of successful submits. The server process's
CPU time per request is printed beside each rate (on a shared machine it varies far less than
the wall-clock rate).

    apt-get install wrk
    .venv/bin/python bench/qr_load.py [--seconds 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402

from kiosk.shared.protocol import verify_chain  # noqa: E402
from sync_server import config as server_config  # noqa: E402
from sync_server.db import database, init_db  # noqa: E402
from tests.support.qr import seed_roster  # noqa: E402
from tests.support.server import REPO, free_port, server_toml, wait_until_up  # noqa: E402
from tests.support.web import csrf_token  # noqa: E402


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> dict[str, float]:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if script:
        cmd[1:1] = ["-s", str(script)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99_ms = float(p99.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p99_ms": p99_ms, "requests": total, "non_2xx_3xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else ""}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of process `pid` so far (Linux /proc): under a shared machine's load
    the server's CPU per request is steadier than its wall-clock rate."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(pid: int, *args) -> dict[str, float]:
    before = cpu_seconds(pid)
    result = wrk(*args)
    result["cpu_ms"] = (cpu_seconds(pid) - before) * 1000 / max(result["requests"], 1)
    return result


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("needs wrk: apt-get install wrk", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="qr-load-"))
    port = free_port()
    path = tmp / "server.toml"
    path.write_text(server_toml(tmp / "data", [("quay-1", "http://127.0.0.1:9", "k" * 24)], port=port,
                                extra="[qr]\nwindow_minutes = 0\n"), encoding="utf-8")
    init_db(server_config.load(path))
    seed_roster()
    database.close()
    proc = subprocess.Popen([sys.executable, "-m", "sync_server", "serve", "--config", str(path)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, base + "/login")
        s = requests.Session()
        token = csrf_token(s.get(base + "/r/nv-lan", timeout=10).text)
        cookie = "; ".join(f"{c.name}={c.value}" for c in s.cookies)
        body = urlencode({"csrf_token": token, "o": "nv-lan", "q_q1": "5", "q_q2": "4"})
        check = s.post(base + "/r/nv-lan", data=body, allow_redirects=False, timeout=10,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert check.status_code == 303, check.text[:300]
        script = tmp / "post.lua"
        script.write_text(f'wrk.method = "POST"\nwrk.body = {lua_string(body)}\n'
                          'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
                          f'wrk.headers["Cookie"] = {lua_string(cookie)}\n', encoding="utf-8")
        time.sleep(0.5)
        results = {
            "static": measured(proc.pid, base + "/static/style.css", args.seconds, args.connections),
            "form_get": measured(proc.pid, base + "/r/nv-lan", args.seconds, args.connections),
            "submit_post": measured(proc.pid, base + "/r/nv-lan", args.seconds, args.connections, script),
        }
    finally:
        proc.terminate()
        proc.wait(timeout=30)

    from sync_server.db.models import Response

    init_db(server_config.load(path), create=False)
    rows = Response.select().where(Response.kiosk_id == "qr").order_by(Response.seq)
    chain = [json.loads(r.body) for r in rows]
    # A group commit stores its responses with one received_at: distinct values = transactions.
    groups = len({r.received_at for r in rows})
    last, _head = verify_chain(chain)
    database.close()
    post = results["submit_post"]
    stored_by_wrk = post["requests"] - post["non_2xx_3xx"]
    print(f"{'':12} {'req/s':>9} {'p99 ms':>8} {'vs static req/s':>16} {'requests':>9} {'non-2xx/3xx':>11} "
          f"{'CPU ms/req':>10} {'vs static CPU':>13}")
    for name, r in results.items():
        ratio = results["static"]["rps"] / r["rps"]
        cpu_ratio = r["cpu_ms"] / max(results["static"]["cpu_ms"], 1e-9)
        print(f"{name:12} {r['rps']:9.1f} {r['p99_ms']:8.1f} {ratio:15.1f}x {r['requests']:9d} "
              f"{r['non_2xx_3xx']:11d} {r['cpu_ms']:10.2f} {cpu_ratio:12.1f}x {r['socket_errors']}")
    print(f"stored on the QR chain: {len(chain)} (1 check + {stored_by_wrk} answered 303 within wrk's "
          f"window, + any still in flight at its end); chain verified to seq {last}")
    print(f"write transactions: {groups} ({len(chain) / max(groups, 1):.1f} responses each)")
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if last == len(chain) else 1


if __name__ == "__main__":
    sys.exit(main())
