"""Memory of the running kiosk over 10,000 sessions (no growth wanted), driven through the real
app by mock GPIO buttons under Xvfb; the baseline is the kiosk's own RSS after start-up, in the
same run.

    .venv/bin/python bench/kiosk_soak.py [--sessions 10000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.kiosk_idle import rss_mb  # noqa: E402
from tests.support.kiosk_process import KioskProcess  # noqa: E402
from tests.support.xvfb import Xvfb  # noqa: E402

PINS = (5, 6, 13, 19, 26)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--step", type=int, default=1000)
    args = parser.parse_args()
    xvfb = Xvfb(1280, 800).start()
    with tempfile.TemporaryDirectory() as tmp:
        presses = Path(tmp) / "presses"
        k = KioskProcess(
            Path(tmp), xvfb, extra_toml=f"\n[gpio]\nrating_pins = {list(PINS)}\ndebounce_s = 0\n",
            env={"HAILONG_TEST_PRESSES": str(presses), "HAILONG_TEST_PRESS_HOLD_S": "0.001"},
            argv=[sys.executable, "-m", "tests.support.kiosk_with_mock_gpio", "run", "--config",
                  str(Path(tmp) / "kiosk.toml")])
        k.start()
        try:
            time.sleep(3)
            start_rss = rss_mb(k.proc.pid)
            print(f"after start: RSS {start_rss:.1f} MB")
            started = time.monotonic()
            done = 0
            with presses.open("a") as f:
                while done < args.sessions:
                    for i in range(args.step):
                        f.write(f"{PINS[(done + i) % 5]}\n")
                    f.flush()
                    done += args.step
                    k.wait_for_count(done, timeout=600)
                    print(f"{done:6d} sessions: RSS {rss_mb(k.proc.pid):6.1f} MB "
                          f"(+{rss_mb(k.proc.pid) - start_rss:.1f})", flush=True)
            elapsed = time.monotonic() - started
            final = rss_mb(k.proc.pid)
            print(f"{args.sessions} sessions in {elapsed:.0f} s; RSS growth {final - start_rss:+.1f} MB "
                  f"({(final - start_rss) / start_rss * 100:+.1f} % of the start-up RSS)")
        finally:
            k.terminate()
            xvfb.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
