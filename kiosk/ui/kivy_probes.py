"""Probes for the GUI tests, the benchmarks and a technician, attached by kiosk.ui.launch only
when their environment variable is set; the app itself knows nothing of them.

- HAILONG_UI_GEOMETRY=PATH: after every change on screen, PATH holds JSON of what is shown and
  where, in X window coordinates (kiosk.ui.kivy_geometry; read by tests/support/kiosk_process.py).
- HAILONG_BENCH_LOG=PATH: "first_frame T" once the first frame is drawn, then per rating taken
  on a key "ARRIVED COMMITTED DRAWN GC_MS" (monotonic seconds: the key press handled, the rating
  on disk, the thanks screen drawn; then the milliseconds the garbage collector ran in between);
  read by bench/kiosk_latency.py.

Both listen to the app's events (`on_screen_changed`, `on_press_handled`) and the window's.
"""

from __future__ import annotations

import gc
import json
import time
from collections import deque
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window

from kiosk.flow import Outcome, Phase
from kiosk.ui import kivy_geometry

BENCH_LOG = "HAILONG_BENCH_LOG"
UI_GEOMETRY = "HAILONG_UI_GEOMETRY"
VARIABLES = (BENCH_LOG, UI_GEOMETRY)


def attach(app: Any, environ: dict[str, str]) -> list[Any]:
    """Attach the probe of each variable set in `environ` to the (not yet running) app. The
    caller keeps the probes returned: Kivy holds bound methods weakly, so a probe nobody holds
    would stop listening."""
    probes: list[Any] = []
    if environ.get(UI_GEOMETRY):
        probes.append(GeometryDump(app, Path(environ[UI_GEOMETRY])))
    if environ.get(BENCH_LOG):
        probes.append(BenchLog(app, Path(environ[BENCH_LOG])))
    return probes


class GeometryDump:
    def __init__(self, app: Any, path: Path) -> None:
        self.app, self.path = app, path
        self._trigger = Clock.create_trigger(self._dump, 0.3)
        app.bind(on_start=lambda *_: self._watch_layout(), on_screen_changed=lambda *_: self._trigger())

    def _watch_layout(self) -> None:
        screen = self.app.screen
        for widget in (*screen.faces.values(), screen.choices_grid, screen.footer, screen.thanks.qr,
                       screen.overlay.button):
            widget.bind(pos=lambda *_: self._trigger(), size=lambda *_: self._trigger())

    def _dump(self, _dt: float) -> None:
        """What is on screen and where, in X window coordinates."""
        app, gate = self.app, self.app.admin
        data = kivy_geometry.describe(app.screen, phase=app.controller.flow.phase.value,
                                      admin=gate.state, dimmed=app.power.dimmed)
        rect = kivy_geometry.rect
        if gate.pin_pad is not None and gate.state == "pin":
            data["pad"] = {key: rect(b) for key, b in gate.pin_pad.keys.items()}
            data["texts"].append(gate.pin_pad.message.text)
        if gate.panel is not None and gate.state == "open":
            panel = gate.panel
            data["buttons"].update({name: rect(b) for name, b in panel.visible_buttons().items()})
            data["texts"] += panel.texts()
            data["admin_tab"], data["admin_lit"] = panel.tab, sorted(panel.lit)
        self.path.write_text(json.dumps(data))


class BenchLog:
    def __init__(self, app: Any, path: Path) -> None:
        self.app, self.path = app, path
        self._times: tuple[float, float] | None = None
        self._gc_started = 0.0
        self._collections: deque[tuple[float, float]] = deque(maxlen=64)  # (start, seconds), latest
        Window.bind(on_flip=self._first_frame)
        app.bind(on_press_handled=self._pressed)
        gc.callbacks.append(self._collecting)

    def _collecting(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._gc_started = time.monotonic()
        else:
            self._collections.append((self._gc_started, time.monotonic() - self._gc_started))

    def _write(self, line: str) -> None:
        with open(self.path, "a") as f:
            f.write(line + "\n")

    def _first_frame(self, *_args: Any) -> None:
        Window.unbind(on_flip=self._first_frame)
        self._write(f"first_frame {time.monotonic():.6f}")

    def _pressed(self, _app: Any, _score: int, channel: str, arrived: float, _outcome: Outcome) -> None:
        if channel == "keypad" and self.app.controller.flow.phase is Phase.THANKS:
            self._times = (arrived, time.monotonic())
            Window.bind(on_flip=self._drawn)  # the next frame is the thanks screen

    def _drawn(self, *_args: Any) -> None:
        Window.unbind(on_flip=self._drawn)
        if self._times:
            arrived, committed = self._times
            gc_s = sum(seconds for start, seconds in self._collections if start >= arrived)
            self._write(f"{arrived:.6f} {committed:.6f} {time.monotonic():.6f} {gc_s * 1000:.3f}")
        self._times = None
