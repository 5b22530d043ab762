"""Idle CPU and memory of the running kiosk under Xvfb, beside a bare five-button Kivy window
measured in the same run (Kivy and the GL driver set the floor; the ratio is the figure).

    .venv/bin/python bench/kiosk_idle.py [--seconds 60]

CPU: user+system time from /proc/<pid>/stat over the window, as % of one core. RSS from
/proc/<pid>/status after the window. Both programs start, settle for 5 s, then are measured.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.support.kiosk_process import KioskProcess  # noqa: E402
from tests.support.xvfb import Xvfb  # noqa: E402

BARE_KIVY = """
import os, tempfile
os.environ["KIVY_HOME"] = tempfile.mkdtemp()
os.environ["KIVY_NO_ARGS"] = "1"
from kivy.config import Config
Config.set("graphics", "width", "1024"); Config.set("graphics", "height", "600")
Config.set("graphics", "maxfps", os.environ.get("BARE_FPS", "60"))
from kivy.app import App
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
class Bare(App):
    def build(self):
        row = BoxLayout()
        for n in range(5, 0, -1):
            row.add_widget(Button(text=str(n)))
        return row
Bare().run()
"""


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def measure(pid: int, seconds: float) -> tuple[float, float]:
    time.sleep(5)
    if not Path(f"/proc/{pid}").exists():
        raise SystemExit(f"process {pid} exited before it was measured")
    start_cpu, start = cpu_seconds(pid), time.monotonic()
    time.sleep(seconds)
    cpu = (cpu_seconds(pid) - start_cpu) / (time.monotonic() - start) * 100
    return cpu, rss_mb(pid)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    xvfb = Xvfb(1280, 800).start()
    try:
        results = {}
        # A file, not `-c`: Kivy's App looks up its class's source file.
        bare_script = Path(tempfile.mkdtemp()) / "bare_kivy.py"
        bare_script.write_text(BARE_KIVY)
        for fps in ("60", "30"):
            bare = subprocess.Popen([sys.executable, str(bare_script)], env=xvfb.env(BARE_FPS=fps),
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            results[f"bare Kivy window, maxfps {fps}"] = measure(bare.pid, args.seconds)
            bare.send_signal(signal.SIGTERM)
            bare.wait(timeout=20)
        with tempfile.TemporaryDirectory() as tmp:
            kiosk = KioskProcess(Path(tmp), xvfb).start()
            results["hailong kiosk (maxfps 30)"] = measure(kiosk.proc.pid, args.seconds)
            kiosk.terminate()
        base_cpu, base_rss = results["bare Kivy window, maxfps 30"]
        print(f"idle over {args.seconds:.0f} s under Xvfb (llvmpipe):")
        for name, (cpu, rss) in results.items():
            print(f"  {name:32} CPU {cpu:5.2f} % of a core   RSS {rss:6.1f} MB")
        cpu, rss = results["hailong kiosk (maxfps 30)"]
        print(f"  kiosk vs bare window at 30 fps: CPU ×{cpu / base_cpu:.2f}, RSS +{rss - base_rss:.1f} MB")
    finally:
        xvfb.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
