"""The way into the admin screen, and what the screen asks of the kiosk.

A long press on the top-left corner opens the PIN pad (kiosk.ui.admin.PinLock behind it), the
right PIN the panel (kiosk.ui.kivy_admin). While either is open no press is a rating: on the
panel a press lights its test tile, on the PIN pad it is ignored. Opened only between sessions.
"""

from __future__ import annotations

import logging
from typing import Any

from kivy.core.window import Window

from kiosk.config import KioskConfig
from kiosk.shared import pairing
from kiosk.ui import admin, kivy_admin
from kiosk.ui.kivy_widgets import MIN_TEXT_PX

log = logging.getLogger(__name__)

EXIT_RESTART = 75  # non-zero: systemd's Restart=on-failure starts the kiosk again


class AdminGate:
    def __init__(self, app: Any, cfg: KioskConfig) -> None:
        self.app, self.cfg = app, cfg
        self.lock = admin.PinLock(cfg.admin_pin) if cfg.admin_pin else None
        self.state = "closed"  # "pin" while the PIN pad shows, "open" on the admin screen
        self.pin_pad: kivy_admin.PinPad | None = None
        self.panel: kivy_admin.AdminPanel | None = None

    def _font(self) -> float:
        return getattr(self.app.screen, "body_font", MIN_TEXT_PX)

    def open_pin_pad(self) -> None:
        controller = self.app.controller
        if self.lock is None or self.state != "closed" or controller.flow.in_session:
            return
        log.info("admin PIN pad opened (long press)")
        self.state = "pin"
        self.pin_pad = kivy_admin.PinPad(self.lock, self.app.language, self._open_panel,
                                         lambda: self.app.touch.accept("admin"), self._font(),
                                         on_failure=lambda result: controller.log_event(
                                             "admin_login_failed", result=result))
        self.pin_pad.bind(on_dismiss=lambda *_: self._pin_pad_closed())
        self.pin_pad.message.bind(text=lambda *_: self.app.screen_changed())
        self.pin_pad.open()
        self.app.screen_changed()

    def _pin_pad_closed(self) -> None:
        if self.state == "pin":
            self.state = "closed"
        self.app.screen_changed()

    def _open_panel(self) -> None:
        log.info("admin screen opened")
        self.state = "open"
        self.panel = kivy_admin.AdminPanel(self.app, self.app.language, self._font())
        self.panel.open()
        self.app.screen_changed()

    def takes_press(self, score: int, channel: str) -> bool:
        """True when the admin screen takes the press (never a rating)."""
        if self.state == "open" and self.panel is not None:
            self.panel.show_press(score, channel)  # a test press
            self.app.screen_changed()
            return True
        if self.state == "pin":
            log.info("press %s on %s ignored: the admin PIN pad is open", score, channel)
            return True
        return False

    # --- what the panel calls --------------------------------------------------------------
    def closed(self) -> None:
        log.info("admin screen closed")
        self.state = "closed"
        self.panel = None
        self.app.power.activity()
        self.app.refresh()  # the officer on duty may have changed
        self.app.screen_changed()

    def facts(self) -> admin.KioskFacts:
        controller, contact = self.app.controller, self.app.contact
        return admin.gather(controller.store, kiosk_id=self.cfg.kiosk_id, api_port=self.cfg.api_port,
                            roster_version=controller.roster_version,
                            last_server_contact=contact.last if contact else "",
                            officers_on_duty=tuple(o["name"] for o in controller.officers_on_duty()),
                            duty_chosen_here=controller.local_duty() is not None)

    def pairing_code(self) -> str:
        """As `hailong-kiosk status` prints it, wrapped to fit the panel."""
        code = pairing.encode(pairing.Pairing(self.cfg.kiosk_id, pairing.local_url(self.cfg.api_port,
                                                                                    self.cfg.api_host),
                                              self.cfg.api_token))
        return admin.wrap_code(code, per_line=32 if Window.width >= 1000 else 24)

    def restart(self) -> None:
        log.info("restart asked for on the admin screen (exit %d)", EXIT_RESTART)
        self.app.exit_code = EXIT_RESTART
        self.app.stop()
