"""A real `hailong-kiosk run` process on a private X display, and its API as the server sees it."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.support.xvfb import REPO, Xvfb, wait_for

TOKEN = "test-token-0123456789"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kiosk_toml(data_dir: Path, port: int, *, kiosk_id: str = "quay-1", size=(1024, 600),
               cooldown_s: float = 0, thanks_s: float = 3, extra: str = "", kiosk_extra: str = "",
               flow_extra: str = "") -> str:
    """The config; `kiosk_extra` and `flow_extra` are lines for [kiosk] and [flow] (e.g.
    "keypad = false", "inactivity_s = 14"), `extra` goes after [display]."""
    return (f'[kiosk]\nid = "{kiosk_id}"\ndata_dir = "{data_dir}"\n{kiosk_extra}\n\n'
            f'[api]\nhost = "127.0.0.1"\nport = {port}\ntoken = "{TOKEN}"\n\n'
            f"[flow]\ncooldown_s = {cooldown_s}\nthanks_s = {thanks_s}\n{flow_extra}\n\n"
            f"[display]\nfullscreen = false\nwindow_size = [{size[0]}, {size[1]}]\n{extra}")


class KioskProcess:
    def __init__(self, workdir: Path, xvfb: Xvfb, *, size=(1024, 600), cooldown_s: float = 0,
                 thanks_s: float = 3, extra_toml: str = "", kiosk_toml_lines: str = "",
                 flow_toml_lines: str = "", env: dict[str, str] | None = None,
                 argv: list[str] | None = None, console_script: bool = False) -> None:
        self.workdir = workdir
        self.xvfb = xvfb
        self.port = free_port()
        self.config = workdir / "kiosk.toml"
        self.config.write_text(kiosk_toml(workdir / "data", self.port, size=size, cooldown_s=cooldown_s,
                                          thanks_s=thanks_s, extra=extra_toml, kiosk_extra=kiosk_toml_lines,
                                          flow_extra=flow_toml_lines), encoding="utf-8")
        self.geometry_file = workdir / "geometry.json"
        self.log = workdir / "kiosk.log"
        self._env = env or {}
        # The installed `hailong-kiosk` entry point, or the same code through `python -m kiosk`.
        program = ([str(Path(sys.executable).parent / "hailong-kiosk")] if console_script
                   else [sys.executable, "-m", "kiosk"])
        self._argv = argv or [*program, "run", "--config", str(self.config)]
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 90) -> KioskProcess:
        self.geometry_file.unlink(missing_ok=True)
        self._log_handle = self.log.open("ab")
        self.proc = subprocess.Popen(
            self._argv, stdout=self._log_handle, stderr=subprocess.STDOUT,
            env=self.xvfb.env(HAILONG_UI_GEOMETRY=str(self.geometry_file), **self._env), cwd=REPO)

        def ready() -> bool:
            if self.proc.poll() is not None:
                raise AssertionError(f"kiosk exited with {self.proc.returncode}:\n{self.log_text()}")
            return self.geometry_file.exists() and self.api_up()

        wait_for(ready, timeout, "the kiosk window and API")
        self.settled_geometry()
        return self

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def api_up(self) -> bool:
        try:
            return self.status() is not None
        except requests.ConnectionError:
            return False

    def get(self, path: str, **params) -> requests.Response:
        return requests.get(self.url + path, params=params, timeout=5,
                            headers={"Authorization": f"Bearer {TOKEN}"})

    def status(self) -> dict:
        return self.get("/api/v1/status").json()

    def responses(self) -> list[dict]:
        return self.get("/api/v1/responses", after=0, limit=5000).json()["responses"]

    def wait_for_count(self, count: int, timeout: float = 15) -> list[dict]:
        wait_for(lambda: self.status()["last_seq"] >= count, timeout, f"{count} responses")
        return self.responses()

    def geometry(self) -> dict:
        return json.loads(self.geometry_file.read_text())

    def settled_geometry(self, timeout: float = 10) -> dict:
        """The geometry once the layout has stopped moving (the same for 0.8 s)."""
        last: list = [None, 0.0]

        def settled():
            text = self.geometry_file.read_text()
            now = time.monotonic()
            if text != last[0]:
                last[:] = [text, now]
                return None
            return json.loads(text) if now - last[1] >= 0.8 else None

        return wait_for(settled, timeout, "the layout to settle")

    def face_centre(self, score: int) -> tuple[int, int]:
        """Where to click, in root-window (screen) coordinates."""
        return self.centre("faces", str(score))

    def centre(self, group: str, name: str) -> tuple[int, int]:
        """Screen coordinates of a face, a choice or a button from the settled layout."""
        g = self.settled_geometry()
        left, top = g["origin"]
        x, y, w, h = g[group][name]
        return left + x + w // 2, top + y + h // 2

    def events(self) -> str:
        """`hailong-kiosk events`: the kiosk's event log (the minutes), as a technician reads it."""
        result = subprocess.run([sys.executable, "-m", "kiosk", "events", "--config", str(self.config)],
                                capture_output=True, text=True, timeout=30, cwd=REPO)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def screenshot(self, path: Path) -> Path:
        """The kiosk's window alone (the X screen around it cropped off), to look at."""
        g = self.settled_geometry()
        (left, top), (width, height) = g["origin"], g["window"]
        raw = path.with_name(path.stem + "-screen.png")
        self.xvfb.screenshot(raw)
        subprocess.run(["convert", str(raw), "-crop", f"{width}x{height}+{left}+{top}", "+repage", str(path)],
                       check=True, timeout=30)
        raw.unlink()
        return path

    def terminate(self, timeout: float = 20) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self._log_handle.close()

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self._log_handle.close()
