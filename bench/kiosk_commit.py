"""How long from a press reaching the flow to the committed response?

Our path: KioskController.press() -> RatingFlow -> Store.append (peewee, IMMEDIATE transaction,
hash chain, WAL + synchronous=FULL). Baseline, measured in the same run on the same disk: a raw
`sqlite3` INSERT + COMMIT of a row of the same size with the same pragmas. The ratio is the
figure; absolute times depend on the disk (an SD card's fsync is far slower than this PC's).

    .venv/bin/python bench/kiosk_commit.py [--presses 1000]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.controller import KioskController  # noqa: E402
from kiosk.flow import Outcome  # noqa: E402
from kiosk.store import PRAGMAS, Store  # noqa: E402


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_ours(directory: Path, presses: int) -> list[float]:
    store = Store(directory / "ours.db", "bench-1")
    ctl = KioskController(store, cooldown_s=0, thanks_s=3, inactivity_s=60)
    times = []
    for i in range(presses):
        t0 = time.perf_counter()
        outcome = ctl.press(i % 5 + 1, "button")
        times.append(time.perf_counter() - t0)
        assert outcome is Outcome.RECORDED
    assert store.verify().ok and store.count() == presses
    store.close()
    return times


def bench_raw(directory: Path, presses: int, body: str) -> list[float]:
    con = sqlite3.connect(directory / "raw.db", isolation_level=None)
    for key, value in PRAGMAS.items():
        con.execute(f"PRAGMA {key} = {value}")
    con.execute("CREATE TABLE r (seq INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    times = []
    for i in range(presses):
        t0 = time.perf_counter()
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO r (seq, body) VALUES (?, ?)", (i + 1, body))
        con.execute("COMMIT")
        times.append(time.perf_counter() - t0)
    con.close()
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--presses", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=Path(__file__).parent) as tmp:
        directory = Path(tmp)
        sample = Store(directory / "sample.db", "bench-1").append(
            {"questionnaire": "overall", "questionnaire_version": 1, "answers": {"q1": 5},
             "channel": "button"})
        body = json.dumps(sample, sort_keys=True, separators=(",", ":"))
        # Interleave runs so that disk and CPU noise hit both sides alike.
        ours, raw = [], []
        for half in range(2):
            for side in ("ours", "raw"):
                (directory / f"{side}{half}").mkdir()
            ours += bench_ours(directory / f"ours{half}", args.presses // 2)
            raw += bench_raw(directory / f"raw{half}", args.presses // 2, body)
    rows = [("press -> committed (ours)", ours), ("raw sqlite3 insert+commit", raw)]
    print(f"{'':28} {'p50 ms':>8} {'p99 ms':>8}   (n={len(ours)} presses)")
    for name, values in rows:
        print(f"{name:28} {percentile(values, 50) * 1e3:8.3f} {percentile(values, 99) * 1e3:8.3f}")
    r50 = percentile(ours, 50) / percentile(raw, 50)
    r99 = percentile(ours, 99) / percentile(raw, 99)
    mean = statistics.mean(ours) / statistics.mean(raw)
    print(f"ratio ours/raw: p50 {r50:.2f}x, p99 {r99:.2f}x  (mean {mean:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
