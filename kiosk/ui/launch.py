"""`hailong-kiosk run`: set Kivy up for an appliance, then start the store, API and screen.

Kivy reads its configuration when it is first imported and writes a `config.ini` that later
defaults never overwrite, so the app owns it: its own KIVY_HOME under the data folder, and
every setting that matters written from code before the window module is imported (a stale
`~/.kivy/config.ini` from a developer's first run can never override it).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable

from kiosk import __version__
from kiosk.api import ApiServer, create_api
from kiosk.config import KioskConfig
from kiosk.controller import KioskController
from kiosk.feedback import open_feedback
from kiosk.inputs import open_assist_button, open_rating_buttons
from kiosk.shared import clock
from kiosk.shared import dossier as dossier_format
from kiosk.sound import Sound
from kiosk.store import Store
from kiosk.ui.drm import choose_drm_card

log = logging.getLogger(__name__)
EXIT_CANNOT_LISTEN = 3
# Probes (kiosk.ui.kivy_probes) attached only when one of these is set: the geometry dump the
# GUI tests read, and the latency log of bench/kiosk_latency.py.
PROBE_VARIABLES = ("HAILONG_UI_GEOMETRY", "HAILONG_BENCH_LOG")


def prepare_kivy_environment(cfg: KioskConfig) -> None:
    """Environment Kivy reads at import time. Must run before anything imports kivy."""
    kivy_home = cfg.data_dir / "kivy"
    kivy_home.mkdir(parents=True, exist_ok=True)
    os.environ["KIVY_HOME"] = str(kivy_home)
    os.environ.setdefault("KIVY_NO_ARGS", "1")  # our argv is ours, not Kivy's
    os.environ.setdefault("KIVY_NO_FILELOG", "1")  # journald keeps the log; no SD card churn
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")  # one log stream (ours), not two copies
    card = choose_drm_card()
    if card is not None:
        log.info("screen on DRM card %d (SDL_KMSDRM_DEVICE_INDEX)", card)


def configure_kivy(cfg: KioskConfig) -> None:
    """Kivy settings, written before the window exists."""
    from kivy.config import Config

    Config.set("kivy", "exit_on_escape", "0")  # a USB keyboard's Esc must not close the kiosk
    Config.set("kivy", "log_level", "info")
    Config.set("graphics", "maxfps", "30")  # a still screen; 60 fps only heats the Pi
    Config.set("graphics", "show_cursor", "0" if cfg.fullscreen else "1")
    if cfg.fullscreen:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
    else:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(cfg.window_size[0]))
        Config.set("graphics", "height", str(cfg.window_size[1]))
    Config.set("graphics", "rotation", str(cfg.rotation))
    # Exactly one touch provider for a panel (mtdev) and a mouse that steps aside while the
    # panel is active: two providers reading one panel deliver every touch twice.
    for option in list(Config.options("input")):
        Config.remove_option("input", option)
    Config.set("input", "mouse", "mouse,disable_on_activity")
    Config.set("input", "touchpanel", "probesysfs,provider=mtdev")


class _Closing:
    """Adapts a stop function to the `close()` the app calls on its services at exit."""

    def __init__(self, name: str, stop: Callable[[], None]) -> None:
        self.name, self.close = name, stop

    def __repr__(self) -> str:
        return self.name


class ServerContact:
    """When the server last talked to this kiosk's API (wall clock for the admin screen,
    monotonic for the status LED)."""

    def __init__(self, now=time.monotonic) -> None:
        self.last = ""
        self._now = now
        self._started = now()
        self._last_mono: float | None = None

    def seen(self) -> None:
        self.last = clock.wall_clock_iso()
        self._last_mono = self._now()

    def seen_within(self, seconds: float) -> bool:
        """True when the server was here in the last `seconds` (or the kiosk started since)."""
        reference = self._last_mono if self._last_mono is not None else self._started
        return self._now() - reference < seconds


def run_app(cfg: KioskConfig) -> int:
    """Run the kiosk until SIGTERM (or the window closes); the exit code for the CLI."""
    # Store, flow and API first: a problem there is one clear line, before any window opens.
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    store = Store(cfg.db_path, cfg.kiosk_id)
    contact = ServerContact()
    controller = KioskController(store, cooldown_s=cfg.cooldown_s, thanks_s=cfg.thanks_s,
                                 inactivity_s=cfg.inactivity_s, burst_action=cfg.burst_action,
                                 thanks_qr_s=cfg.thanks_qr_s, assist_window_s=cfg.assist_window_s,
                                 dossier_pattern=(dossier_format.compile_pattern(cfg.dossier_pattern)
                                                  if cfg.dossier_pattern else None),
                                 dossier_window_s=cfg.dossier_window_s)
    controller.qr_ticket_key = cfg.api_token  # the server checks the thanks screen's tickets with it
    try:
        api = ApiServer(create_api(store, kiosk_id=cfg.kiosk_id, token=cfg.api_token,
                                   roster_version=lambda: controller.roster_version,
                                   on_contact=contact.seen),
                        cfg.api_host, cfg.api_port)
    except OSError as e:
        store.close()
        print(f"hailong-kiosk: cannot listen on {cfg.api_host}:{cfg.api_port} "
              f"([api] host/port in {cfg.path}): {e.strerror or e}", file=sys.stderr)
        return EXIT_CANNOT_LISTEN

    prepare_kivy_environment(cfg)
    configure_kivy(cfg)
    from kiosk.ui.kivy_app import KioskApp  # opens Kivy: only after the config
    from kiosk.ui.kivy_dispatch import main_thread_dispatch

    services: list = [store, _Closing("api", api.stop)]
    app = KioskApp(cfg, controller, services, contact)
    if cfg.sound_confirm or cfg.sound_speak:
        app.cues.sound = Sound(cfg.data_dir, confirm=cfg.sound_confirm, speak=cfg.sound_speak)
        services.append(app.cues.sound)
    if cfg.gpio is None:
        log.info("no [gpio] in %s: touch and keys 1-5 only", cfg.path)
    else:
        app.cues.feedback = open_feedback(cfg.gpio.led_pins, cfg.gpio.buzzer_pin, cfg.gpio.status_led_pin)
        if app.cues.feedback is not None:
            services.append(app.cues.feedback)
        buttons = open_rating_buttons(cfg.gpio.rating_pins, main_thread_dispatch(app.on_button_score),
                                      pull_up=cfg.gpio.pull_up, debounce_s=cfg.gpio.debounce_s)
        if buttons is not None:
            services.append(buttons)
            log.info("GPIO rating buttons on pins %s", list(cfg.gpio.rating_pins))
        if cfg.gpio.assist_pin is not None:
            assist_button = open_assist_button(
                cfg.gpio.assist_pin, main_thread_dispatch(controller.mark_assisted), pull_up=cfg.gpio.pull_up)
            if assist_button is not None:
                services.append(assist_button)
    if any(os.environ.get(name) for name in PROBE_VARIABLES):  # the GUI tests, bench/kiosk_latency.py
        from kiosk.ui import kivy_probes

        app.probes = kivy_probes.attach(app, dict(os.environ))
    api.start()
    log.info("kiosk %s running: store %s, %d responses", cfg.kiosk_id, store.store_id, store.count())
    controller.log_event("start", version=__version__, pid=os.getpid(), responses=store.count())
    app.on_stopping = lambda: controller.log_event("stop", exit_code=app.exit_code)
    app.run()
    return app.exit_code
