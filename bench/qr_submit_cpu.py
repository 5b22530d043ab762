"""CPU time of one QR submit and one form GET, through Flask's test client in one thread.

No HTTP server, no other thread: each submit is a group of one (sync_server.qr.group), stored,
scanned for service alerts and answered 303. The figure `qr_load.py` cannot give on a shared
machine: what a request costs the one core the GIL lets the server use (1000 / ms = requests a
second of one core). `--before N` submits are stored first, so that the alert scan has the
officer's window of a load run to look through. Baseline in the same run: the static file.

    .venv/bin/python bench/qr_submit_cpu.py [--before 1500]
    .venv/bin/py-spy record --gil -r 250 -f raw -o submit.raw -- .venv/bin/python bench/qr_submit_cpu.py
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sync_server import config as server_config  # noqa: E402
from sync_server.app import create_app  # noqa: E402
from sync_server.db import database, init_db  # noqa: E402
from tests.support.qr import seed_roster  # noqa: E402
from tests.support.server import server_toml  # noqa: E402
from tests.support.web import csrf_token  # noqa: E402


def cpu_ms(call, n: int = 20, rounds: int = 7) -> tuple[float, float]:
    """(median, minimum) over `rounds` of the process CPU time of one `call`, `n` calls a round.
    On a shared machine other processes only ever add to a round (caches, frequency): the
    minimum is the steadier figure there, the median the one comparable with earlier runs."""
    per = []
    for _ in range(rounds):
        t = time.process_time()
        for _ in range(n):
            call()
        per.append((time.process_time() - t) / n * 1000)
    return sorted(per)[rounds // 2], min(per)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=int, default=1500, help="submits stored before measuring")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="qr-submit-cpu-"))
    path = tmp / "server.toml"
    path.write_text(server_toml(tmp / "data", [("quay-1", "http://127.0.0.1:9", "k" * 24)],
                                extra="[qr]\nwindow_minutes = 0\n"), encoding="utf-8")
    cfg = server_config.load(path)
    init_db(cfg)
    seed_roster()
    client = create_app(cfg).test_client()
    body = {"csrf_token": csrf_token(client.get("/r/nv-lan").get_data(as_text=True)), "o": "nv-lan",
            "q_q1": "5", "q_q2": "4"}

    def submit() -> None:
        r = client.post("/r/nv-lan", data=body)
        assert r.status_code == 303, r.status_code

    for _ in range(args.before):
        submit()
    static = cpu_ms(lambda: client.get("/static/style.css").close())
    form = cpu_ms(lambda: client.get("/r/nv-lan"))
    post = cpu_ms(submit)
    database.close()
    shutil.rmtree(tmp, ignore_errors=True)
    print(f"after {args.before} submits, CPU ms a request (median of 7 x 20): static {static[0]:.2f}, "
          f"form GET {form[0]:.2f}, submit {post[0]:.2f}; minimum: static {static[1]:.2f}, "
          f"form GET {form[1]:.2f}, submit {post[1]:.2f}")
    print(f"ratio submit/static: {post[0] / static[0]:.1f}x; one core: {1000 / post[0]:.0f} submits/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
