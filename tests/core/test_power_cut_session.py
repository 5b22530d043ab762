"""Power cut in the middle of citizens' sessions: 100 SIGKILLs at random moments while the
controller runs eight-question sessions with reasons and procedures. Every session whose commit
returned is there, whole; nothing half-written exists; seq has no gap; the chain verifies."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from kiosk.shared.protocol import validate_response
from kiosk.store import Store

REPO = Path(__file__).resolve().parents[2]

SESSIONS = """
import copy, json, random, sys
from kiosk.controller import KioskController
from kiosk.flow import Outcome
from kiosk.shared.presets import PRESETS
from kiosk.store import Store
from tests.support.kiosk_core import roster

store = Store(sys.argv[1], "quay-1")
r = roster(1, questionnaire="phieu-8", ask_procedure=True)
store.save_roster(r)
c = KioskController(store, cooldown_s=0, thanks_s=3, inactivity_s=60)
rng = random.Random(int(sys.argv[2]))
print("ready", flush=True)
while True:
    for _ in range(8):
        outcome = c.press(rng.randint(1, 5), rng.choice(["touch", "button", "keypad"]))
    if c.flow.phase.value == "reasons":
        c.toggle_reason("wait")
        outcome = c.done()
    if c.flow.phase.value == "procedure":
        outcome = c.choose_procedure("1.001193")
    assert outcome is Outcome.RECORDED, outcome
    stored = c.flow.last_record
    # Printed only after the commit returned: what the citizen saw acknowledged.
    print(stored["seq"], stored["hash"], flush=True)
"""


def _run_and_kill(db: Path, rng: random.Random, seed: int) -> dict[int, str]:
    proc = subprocess.Popen([sys.executable, "-c", SESSIONS, str(db), str(seed)], cwd=REPO,
                            stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert proc.stdout is not None
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
    deadline = time.monotonic() + rng.uniform(0.0, 0.15)
    while time.monotonic() < deadline:
        if select.select([fd], [], [], 0.005)[0]:
            buf += os.read(fd, 65536)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    while chunk := os.read(fd, 65536):
        buf += chunk
    acknowledged = {}
    for line in buf.decode().splitlines():
        parts = line.split()
        if len(parts) == 2 and len(parts[1]) == 64:  # a torn last line acknowledged nothing
            acknowledged[int(parts[0])] = parts[1]
    return acknowledged


def test_sessions_survive_100_power_cuts(tmp_path):
    rng = random.Random(20261123)
    db = tmp_path / "kiosk.db"
    acknowledged: dict[int, str] = {}
    for kill in range(100):
        acknowledged.update(_run_and_kill(db, rng, kill))
        store = Store(db, "quay-1")
        result = store.verify()
        assert result.ok, f"after kill {kill}: {result.problem}"
        stored = store.responses_after(0, 10**6)
        store.close()
        assert [r["seq"] for r in stored] == list(range(1, len(stored) + 1))
        for response in stored:
            validate_response(response)
            # A whole session or nothing: eight answers (or the reasons/procedure it reached;
            # a session begun by a key or button never reaches that touch-only step).
            touch = response["channel"] == "touch"
            assert len(response["answers"]) == 8 and response["procedure"] == ("1.001193" if touch else None)
        by_seq = {r["seq"]: r["hash"] for r in stored}
        lost = {s: h for s, h in acknowledged.items() if by_seq.get(s) != h}
        assert not lost, f"acknowledged sessions lost after kill {kill}: {sorted(lost)}"
    assert len(acknowledged) > 100, "the kills did not land among the sessions"
