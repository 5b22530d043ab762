"""The technician's admin screen, minus Kivy: the PIN lock and the facts the screen shows.

Pure and injectable (clock, paths), so the lock-out and the facts are tested without a screen.
"""

from __future__ import annotations

import hmac
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk import __version__, clock

MAX_ATTEMPTS = 5
LOCK_S = 300.0


class PinLock:
    """Five wrong PINs lock the admin screen for LOCK_S seconds (a curious citizen cannot
    guess their way in; a technician who mistyped waits five minutes)."""

    def __init__(self, pin: str, *, max_attempts: int = MAX_ATTEMPTS, lock_s: float = LOCK_S,
                 now: Callable[[], float] = time.monotonic) -> None:
        self._pin = pin.encode()
        self.max_attempts = max_attempts
        self.lock_s = lock_s
        self._now = now
        self.failures = 0
        self._locked_until = 0.0

    def locked_for(self) -> float:
        """Seconds left of the lock-out (0 when not locked)."""
        return max(0.0, self._locked_until - self._now())

    def check(self, attempt: str) -> str:
        """'ok', 'wrong' or 'locked'. While locked, even the right PIN is refused."""
        if self.locked_for() > 0:
            return "locked"
        if hmac.compare_digest(attempt.encode(), self._pin):
            self.failures = 0
            return "ok"
        self.failures += 1
        if self.failures >= self.max_attempts:
            self.failures = 0
            self._locked_until = self._now() + self.lock_s
            return "locked"
        return "wrong"


@dataclass(frozen=True)
class KioskFacts:
    kiosk_id: str
    version: str
    addresses: list[str]
    api_port: int
    roster_version: int
    stored: int
    acked: int
    last_server_contact: str  # wall-clock ISO time, or "" when never seen
    wall_clock: str
    clock_synced: bool
    free_disk_mb: int
    cpu_temp_c: float | None

    @property
    def safe_to_reimage(self) -> bool:
        """Every response is on the server: the card may be wiped (docs/reimaging.md)."""
        return self.stored == self.acked


def ip_addresses(run: Callable[..., subprocess.CompletedProcess] = subprocess.run) -> list[str]:
    """This machine's LAN addresses (what the office PC's config needs)."""
    try:
        out = run(["hostname", "-I"], capture_output=True, text=True, timeout=2).stdout
        addresses = [a for a in out.split() if not a.startswith(("127.", "::1"))]
        if addresses:
            return addresses
    except (OSError, subprocess.SubprocessError):
        pass
    try:
        return [socket.gethostbyname(socket.gethostname())]
    except OSError:
        return []


def cpu_temperature(zone: Path = Path("/sys/class/thermal/thermal_zone0/temp")) -> float | None:
    try:
        return int(zone.read_text().strip()) / 1000
    except (OSError, ValueError):
        return None


def gather(store, *, kiosk_id: str, api_port: int, roster_version: int,
           last_server_contact: str) -> KioskFacts:
    last_seq, _ = store.head()
    return KioskFacts(
        kiosk_id=kiosk_id, version=__version__, addresses=ip_addresses(), api_port=api_port,
        roster_version=roster_version, stored=last_seq, acked=store.acked_seq(),
        last_server_contact=last_server_contact, wall_clock=clock.wall_clock_iso(),
        clock_synced=clock.clock_synced(), free_disk_mb=store.free_disk_bytes() // 2**20,
        cpu_temp_c=cpu_temperature())
