"""Pick the DRM card that has a connected screen, before SDL opens the window.

On a Pi 5 the DSI panel can be driven by a different DRM device than HDMI, and the card
numbers are not stable across boots (libsdl-org/SDL#13705): SDL's KMS/DRM backend then opens
the wrong one and the screen stays black. We look for a connector whose status is
"connected" and tell SDL its card index through SDL_KMSDRM_DEVICE_INDEX. Pure: the sysfs root
is a parameter, so it is tested with a fake tree.
"""

from __future__ import annotations

import os
import re
from collections.abc import MutableMapping
from pathlib import Path

_CONNECTOR = re.compile(r"^card(\d+)-(.+)$")


def connected_card(sysfs_drm: Path = Path("/sys/class/drm")) -> int | None:
    """The lowest card index with a connected connector (DSI preferred over HDMI), or None."""
    found: list[tuple[int, int]] = []  # (preference, card)
    try:
        entries = sorted(sysfs_drm.iterdir())
    except OSError:
        return None
    for entry in entries:
        match = _CONNECTOR.match(entry.name)
        if not match:
            continue
        try:
            status = (entry / "status").read_text().strip()
        except OSError:
            continue
        if status == "connected":
            connector = match.group(2)
            preference = 0 if connector.startswith("DSI") else 1  # the kiosk's own panel first
            found.append((preference, int(match.group(1))))
    return min(found)[1] if found else None


def choose_drm_card(env: MutableMapping[str, str] = os.environ,
                    sysfs_drm: Path = Path("/sys/class/drm")) -> int | None:
    """Set SDL_KMSDRM_DEVICE_INDEX when no display server is in use and it is not set already."""
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY") or "SDL_KMSDRM_DEVICE_INDEX" in env:
        return None
    card = connected_card(sysfs_drm)
    if card is not None:
        env["SDL_KMSDRM_DEVICE_INDEX"] = str(card)
    return card
