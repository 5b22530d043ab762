"""A response whose commit returned survives SIGKILL at any moment (50 random kills)."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from kiosk.store import Store

REPO = Path(__file__).resolve().parents[2]

WRITER = """
import sys
from kiosk.store import Store
store = Store(sys.argv[1], "quay-1")
print("ready", flush=True)
n = 0
while True:
    n += 1
    r = store.append({"questionnaire": "overall", "questionnaire_version": 1,
                      "answers": {"q1": n % 5 + 1}, "channel": "button"})
    # Printed only after append() returned, i.e. after the commit: the kiosk's "thank you".
    print(r["seq"], r["uuid"], flush=True)
"""


def _run_and_kill(db: Path, rng: random.Random) -> list[tuple[int, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert proc.stdout is not None
    acknowledged: list[tuple[int, str]] = []
    # Only raw os.read on the pipe: mixing it with proc.stdout's buffered reads would put bytes
    # the buffer had already taken after later ones, and splice lines into false seqs.
    fd = proc.stdout.fileno()
    buf = b""
    while b"\n" not in buf:
        chunk = os.read(fd, 65536)
        assert chunk, "the writer exited before it was ready"
        buf += chunk
    ready, _, buf = buf.partition(b"\n")
    assert ready.strip() == b"ready"
    deadline = time.monotonic() + rng.uniform(0.0, 0.25)
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.01)
        if ready:
            buf += os.read(fd, 65536)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    while chunk := os.read(fd, 65536):
        buf += chunk
    for line in buf.decode().splitlines():
        parts = line.split()
        if len(parts) == 2:  # a torn last line was never an acknowledgement
            acknowledged.append((int(parts[0]), parts[1]))
    return acknowledged


def test_acknowledged_responses_survive_sigkill(tmp_path):
    rng = random.Random(20261122)
    db = tmp_path / "kiosk.db"
    acknowledged: dict[int, str] = {}
    for _ in range(50):
        acknowledged.update(_run_and_kill(db, rng))
        store = Store(db, "quay-1")
        result = store.verify()
        assert result.ok, result.problem
        stored = {r["seq"]: r["uuid"] for r in store.responses_after(0, 10**6)}
        store.close()
        # No gap: seq runs 1..N; and everything acknowledged is there, unchanged.
        assert sorted(stored) == list(range(1, len(stored) + 1))
        missing = {s: u for s, u in acknowledged.items() if stored.get(s) != u}
        assert not missing, f"acknowledged but lost after SIGKILL: {missing}"
    assert len(acknowledged) > 50  # the kills really landed mid-stream
