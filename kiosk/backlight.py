"""Screen brightness through the kernel's backlight class (/sys/class/backlight/*/brightness).

The official 7" DSI panel and many HDMI panels with a backlight driver expose it; most HDMI
screens do not, and then the admin screen hides the control. Writing needs the file to be
writable by the kiosk's user (a udev rule, docs/technician.md); a read-only one also hides it.
HAILONG_BACKLIGHT_DIR points elsewhere (the tests use a fake sysfs folder).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)
SYSFS = Path("/sys/class/backlight")
MIN_PERCENT = 10  # the admin control never goes fully black: a dark panel looks broken


class Backlight:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = folder.name
        self.max = int((folder / "max_brightness").read_text().strip())
        if self.max <= 0:
            raise ValueError(f"{folder}/max_brightness is {self.max}")

    def percent(self) -> int:
        raw = int((self.folder / "brightness").read_text().strip())
        return round(100 * raw / self.max)

    def set_percent(self, percent: int, *, floor: int = MIN_PERCENT) -> int:
        """Set and return the brightness, clamped to floor..100 %."""
        percent = max(floor, min(100, percent))
        raw = max(1, round(self.max * percent / 100)) if percent else 0
        (self.folder / "brightness").write_text(f"{raw}\n")
        return percent


def find(root: Path | None = None) -> Backlight | None:
    """The first usable backlight, or None (no panel driver, or not writable)."""
    root = root or Path(os.environ.get("HAILONG_BACKLIGHT_DIR", SYSFS))
    try:
        folders = sorted(p for p in root.iterdir() if (p / "brightness").exists())
    except OSError:
        return None
    for folder in folders:
        if not os.access(folder / "brightness", os.W_OK):
            log.info("backlight %s is not writable by this user: brightness control hidden", folder.name)
            continue
        try:
            return Backlight(folder)
        except (OSError, ValueError) as e:
            log.info("backlight %s unusable: %s", folder.name, e)
    return None
