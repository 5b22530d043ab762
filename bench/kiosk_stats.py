"""What the idle screen's month figures (`show_stats`) cost on a store of 100,000 responses.

Three numbers, all measured in this run on the same store:
- reload: counting this month from the store (once at start, at a new month, at a new roster)
  through the recorded_at index — beside a full scan of every body (what no index would cost);
- per refresh: `desk_stats()` from the running counters — beside one committed press (the work
  the screen refresh follows anyway).

    .venv/bin/python bench/kiosk_stats.py [--responses 100000]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from kiosk.controller import KioskController  # noqa: E402
from kiosk.store import Store  # noqa: E402


def fill(store: Store, n: int) -> None:
    """n responses over the last ~10 months, a tenth of them this month."""
    now = datetime.now().astimezone()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    with store.transaction():
        for i in range(n):
            this_month = i >= n * 0.9
            when = (month_start + timedelta(seconds=(i % 86400)) if this_month
                    else month_start - timedelta(days=1 + (n - i) % 300))
            store.append({"officer": "nv-lan" if i % 3 else "nv-hung", "questionnaire": "overall",
                          "questionnaire_version": 1, "answers": {"q1": 1 + i % 5}, "channel": "touch",
                          "recorded_at": when.isoformat(timespec="milliseconds")})


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--responses", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "kiosk.db", "bench")
        t0 = time.perf_counter()
        fill(store, args.responses)
        print(f"filled {args.responses} responses in {time.perf_counter() - t0:.1f} s")
        store.save_roster({"version": 1, "unit": {"name": "x"}, "officers": [
            {"code": "nv-lan", "name": "Lan"}, {"code": "nv-hung", "name": "Hùng"}],
            "kiosk": {"officers_on_duty": ["nv-lan"], "show_stats": True}})
        c = KioskController(store, cooldown_s=0, thanks_s=0.5, inactivity_s=60)

        def full_scan() -> None:
            with store._connected():
                for (body,) in store.db.execute_sql("SELECT body FROM response"):
                    json.loads(body)

        reload = timed(c.month_stats.reload, 5)
        scan = timed(full_scan, 3)
        per_refresh = timed(c.desk_stats, 2000)
        commit = timed(lambda: c.press(4, "touch"), 200)
        stats = c.desk_stats()
        print(f"this month: {stats.answered} answered, {stats.percent}% satisfied (nv-lan)")
        r, s = statistics.median(reload), statistics.median(scan)
        d, p = statistics.median(per_refresh), statistics.median(commit)
        print(f"reload (index, this month)  median {r * 1000:.1f} ms")
        print(f"full scan of every body     median {s * 1000:.1f} ms   reload/scan = {r / s:.3f}")
        print(f"desk_stats() per refresh    median {d * 1e6:.1f} µs")
        print(f"one committed press         median {p * 1000:.2f} ms   desk_stats/commit = {d / p:.4f}")
        store.close()


if __name__ == "__main__":
    main()
