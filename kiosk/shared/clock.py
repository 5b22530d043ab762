"""The three readings each response keeps so the server can repair a wrong clock (DESIGN.md §2).

A Pi has no battery clock: after a power cut with no NTP its wall clock may be hours or days
off. `boot_id` + `uptime_ms` name an instant that does not depend on the wall clock; the server
anchors them against its own clock at each pull.
"""

from __future__ import annotations

import functools
import time
import uuid
from datetime import datetime
from pathlib import Path

_BOOT_ID_FILE = Path("/proc/sys/kernel/random/boot_id")
_FALLBACK_BOOT_ID = str(uuid.uuid4())  # non-Linux dev machines: unique per process


@functools.cache
def boot_id() -> str:
    """This kernel instance's id; it cannot change while the process lives, so read it once."""
    try:
        return _BOOT_ID_FILE.read_text().strip()
    except OSError:
        return _FALLBACK_BOOT_ID


def uptime_ms() -> int:
    """Milliseconds since boot, counting suspend, never stepped by NTP."""
    clock = getattr(time, "CLOCK_BOOTTIME", time.CLOCK_MONOTONIC)
    return int(time.clock_gettime(clock) * 1000)


def wall_clock_iso() -> str:
    """Local wall-clock time with its UTC offset, to the millisecond."""
    return datetime.now().astimezone().isoformat(timespec="milliseconds")


def clock_synced() -> bool:
    """True once systemd-timesyncd has synchronised the clock since boot."""
    return Path("/run/systemd/timesync/synchronized").exists()
