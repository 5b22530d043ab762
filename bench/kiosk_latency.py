"""Press → thanks screen drawn, and start-up → first frame, of the real kiosk under Xvfb.

Presses are real X key events (xdotool). The app (HAILONG_BENCH_LOG) writes, per rating, the
monotonic times the key event arrived, the response was committed, and the next frame after
the switch to the thanks screen was flipped (Window.on_flip). Baseline for the press: the commit
of that same response, inside the same measurement. Baseline for start-up: a bare five-button
Kivy window started the same way in the same run (process start → its first on_flip).

The thanks screen is a screen of its own (kiosk/ui/kivy_thanks.py): `--qr` pushes a roster with
a QR address, so that each thanks screen also draws a fresh signed code and its caption.

    .venv/bin/python bench/kiosk_latency.py [--presses 500] [--starts 5] [--qr]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import requests  # noqa: E402

from tests.support.kiosk_process import TOKEN, KioskProcess  # noqa: E402
from tests.support.xvfb import Xvfb, wait_for  # noqa: E402

QR_ROSTER = {"version": 1, "unit": {"name": "UBND xã Đại Lãnh"},
             "questionnaire": {"id": "overall", "version": 1, "questions": [
                 {"code": "q1", "text": {"vi": "Ông/Bà hài lòng với sự phục vụ hôm nay?"}}]},
             "kiosk": {"mode": "counter", "qr_url": "http://192.168.1.10:5000/r/quay-1"}}

BARE_KIVY = """
import os, tempfile, time
os.environ["KIVY_HOME"] = tempfile.mkdtemp()
os.environ["KIVY_NO_ARGS"] = "1"
from kivy.config import Config
Config.set("graphics", "width", "1024"); Config.set("graphics", "height", "600")
Config.set("graphics", "maxfps", "30")
from kivy.app import App
from kivy.core.window import Window
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
def first(*_):
    Window.unbind(on_flip=first)
    with open(os.environ["HAILONG_BENCH_LOG"], "a") as f:
        f.write(f"first_frame {time.monotonic():.6f}\\n")
class Bare(App):
    def build(self):
        Window.bind(on_flip=first)
        row = BoxLayout()
        for n in range(5, 0, -1):
            row.add_widget(Button(text=str(n)))
        return row
Bare().run()
"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def first_frame(log: Path, started: float, proc: subprocess.Popen, timeout: float = 120) -> float:
    def seen():
        if proc.poll() is not None:
            raise SystemExit(f"process exited with {proc.returncode} before its first frame")
        lines = log.read_text().split() if log.exists() else []
        return float(lines[1]) if len(lines) >= 2 else None

    return wait_for(seen, timeout, "the first frame", interval=0.01) - started


def start_up(xvfb: Xvfb, tmp: Path, starts: int) -> dict[str, list[float]]:
    bare_script = tmp / "bare_kivy.py"
    bare_script.write_text(BARE_KIVY)
    out: dict[str, list[float]] = {"bare": [], "kiosk": []}
    for i in range(starts):  # interleaved: a busy moment hits both alike
        log = tmp / f"bare-{i}.log"
        t0 = time.monotonic()
        bare = subprocess.Popen([sys.executable, str(bare_script)], env=xvfb.env(HAILONG_BENCH_LOG=str(log)),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out["bare"].append(first_frame(log, t0, bare))
        bare.send_signal(signal.SIGTERM)
        bare.wait(timeout=20)

        work = tmp / f"kiosk-{i}"
        work.mkdir()
        log = work / "bench.log"
        k = KioskProcess(work, xvfb, env={"HAILONG_BENCH_LOG": str(log)})
        t0 = time.monotonic()
        k.start()
        out["kiosk"].append(first_frame(log, t0, k.proc))
        k.terminate()
    return out


def presses(xvfb: Xvfb, tmp: Path, n: int, qr: bool) -> list[tuple[float, ...]]:
    """(sent, arrived, committed, drawn, ms in the garbage collector in between) per press."""
    work = tmp / "latency"
    work.mkdir()
    log = work / "bench.log"
    k = KioskProcess(work, xvfb, thanks_s=0.5, flow_toml_lines="thanks_qr_s = 0.5",
                     env={"HAILONG_BENCH_LOG": str(log)})
    k.start()
    try:
        if qr:
            requests.put(k.url + "/api/v1/roster", json=QR_ROSTER, timeout=5,
                         headers={"Authorization": f"Bearer {TOKEN}"}).raise_for_status()
            wait_for(lambda: k.status()["roster_version"] == 1, 10, "the roster with a QR address")
        x, y = k.face_centre(3)
        xvfb.run("xdotool", "mousemove", str(x), str(y))  # keys go to the window under the pointer
        rows = []
        for i in range(n):
            sent = time.monotonic()
            xvfb.key(str(1 + i % 5))

            def drawn(count=i + 1):
                # Whole lines only: the app may be writing the last one as we read.
                lines = [line for line in log.read_text().split("\n")[:-1] if not line.startswith("first")]
                return lines if len(lines) >= count else None

            line = wait_for(drawn, 10, f"press {i + 1} drawn", 0.005)[i]
            arrived, committed, shown, *collected = map(float, line.split())
            rows.append((sent, arrived, committed, shown, collected[0] if collected else 0.0))
            time.sleep(0.8)  # thanks_s = 0.5, then back to idle at the next 0.2 s tick
        assert k.status()["last_seq"] == n, "every press must be one response"
        g = k.geometry()
        print(f"last screen: {g['screen']}, QR code drawn: {bool(g['thanks'] and g['thanks']['qr'])}")
        return rows
    finally:
        k.terminate()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presses", type=int, default=500)
    parser.add_argument("--starts", type=int, default=5, help="0: no start-up measurement")
    parser.add_argument("--qr", action="store_true", help="thanks screens with a QR code and caption")
    args = parser.parse_args()
    xvfb = Xvfb(1280, 800).start()
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            rows = presses(xvfb, tmp, args.presses, args.qr)
            starts = start_up(xvfb, tmp, args.starts) if args.starts else None
    finally:
        xvfb.stop()
    ms = 1000
    commit = [(c - a) * ms for _s, a, c, _d, _g in rows]
    drawn = [(d - a) * ms for _s, a, _c, d, _g in rows]
    end_to_end = [(d - s) * ms for s, _a, _c, d, _g in rows]
    collected = [g for *_t, g in rows if g > 0]
    print(f"{len(rows)} presses under Xvfb (llvmpipe), thanks screen {'with' if args.qr else 'without'} "
          f"a QR code, pid {os.getpid()}:")
    for name, values in (("key event → committed", commit), ("key event → thanks drawn", drawn),
                         ("xdotool sent → thanks drawn", end_to_end)):
        print(f"  {name:30} p50 {pct(values, 50):7.2f} ms   p99 {pct(values, 99):7.2f} ms")
    print(f"  drawn / commit: p50 ×{pct(drawn, 50) / pct(commit, 50):.2f}   "
          f"p99 ×{pct(drawn, 99) / pct(commit, 99):.2f}")
    slowest = sorted(rows, key=lambda r: r[3] - r[1])[-max(1, len(rows) // 100):]
    print(f"  garbage collector between key and frame: in {len(collected)} presses, "
          f"max {max(collected, default=0):.2f} ms; in the slowest 1 %: "
          f"{', '.join(f'{g:.2f}' for *_t, g in slowest)} ms")
    if starts is None:
        return 0
    bare, kiosk = statistics.median(starts["bare"]), statistics.median(starts["kiosk"])
    print(f"start-up → first frame, median of {args.starts}: bare Kivy window {bare:.2f} s, "
          f"kiosk {kiosk:.2f} s (×{kiosk / bare:.2f})")
    print(f"  bare: {', '.join(f'{v:.2f}' for v in starts['bare'])}")
    print(f"  kiosk: {', '.join(f'{v:.2f}' for v in starts['kiosk'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
