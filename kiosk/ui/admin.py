"""The technician's admin screen, minus Kivy: the PIN lock and the facts the screen shows
(kiosk.ui.kivy_admin draws them).

Pure and injectable (clock, paths), so the lock-out and the facts are tested without a screen.
"""

from __future__ import annotations

import hmac
import socket
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk import __version__
from kiosk.shared import clock
from kiosk.ui.strings import text

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
    officers_on_duty: tuple[str, ...] = ()  # names
    duty_chosen_here: bool = False

    @property
    def safe_to_reimage(self) -> bool:
        """Every response is on the server: the card may be wiped (docs/reimaging.md)."""
        return self.stored == self.acked


def _when(iso: str) -> str:
    """"13:59:50 03/12/2026 (UTC+07:00)": a clock's reading, not ISO text. The zone stays on the
    line: a kiosk left in UTC is the fault a technician looks for here (field test C1)."""
    try:
        at = datetime.fromisoformat(iso)
    except ValueError:
        return iso  # shown as it came rather than hidden
    if at.tzinfo is None:
        return f"{at:%H:%M:%S %d/%m/%Y}"
    offset = at.strftime("%z")
    return f"{at:%H:%M:%S %d/%m/%Y} (UTC{offset[:3]}:{offset[3:]})"


def _number(value: float, language: str, decimals: int = 0) -> str:
    """Thousands grouped and the decimal mark as the language writes them: "79.816", "51,2"."""
    plain = f"{value:,.{decimals}f}"
    if language == "vi":
        return plain.translate(str.maketrans(",.", ".,"))
    return plain


def fact_lines(f: KioskFacts, language: str) -> list[str]:
    """The admin screen's status page, one fact per line, Vietnamese first."""
    def t(key: str, **values: object) -> str:
        return text(key, language, **values)

    duty = ", ".join(f.officers_on_duty) or t("admin_nobody")
    return [
        t("admin_kiosk", id=f.kiosk_id, version=f.version),
        t("admin_ip", ips=", ".join(f.addresses) or "?", port=f.api_port),
        t("admin_roster", version=f.roster_version) if f.roster_version else t("admin_roster_none"),
        t("admin_duty", names=duty) + (t("admin_duty_local") if f.duty_chosen_here else ""),
        t("admin_stored", stored=f.stored, acked=f.acked) + (t("admin_safe") if f.safe_to_reimage else ""),
        t("admin_contact", when=_when(f.last_server_contact) if f.last_server_contact else t("admin_never")),
        t("admin_clock", when=_when(f.wall_clock)) + ("" if f.clock_synced else t("admin_not_synced")),
        t("admin_disk", mb=_number(f.free_disk_mb, language))
        + (t("admin_temp", c=_number(f.cpu_temp_c, language, 1)) if f.cpu_temp_c is not None else ""),
    ]


def wrap_code(code: str, per_line: int = 24, group: int = 4) -> str:
    """A pairing code in groups of four, `per_line` characters a line: readable aloud and it
    fits the panel. `pairing.decode` ignores the spaces and line breaks."""
    groups = [code[i:i + group] for i in range(0, len(code), group)]
    per_row = max(1, per_line // group)
    return "\n".join(" ".join(groups[i:i + per_row]) for i in range(0, len(groups), per_row))


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
           last_server_contact: str, officers_on_duty: tuple[str, ...] = (),
           duty_chosen_here: bool = False) -> KioskFacts:
    last_seq, _ = store.head()
    return KioskFacts(
        kiosk_id=kiosk_id, version=__version__, addresses=ip_addresses(), api_port=api_port,
        roster_version=roster_version, stored=last_seq, acked=store.acked_seq(),
        last_server_contact=last_server_contact, wall_clock=clock.wall_clock_iso(),
        clock_synced=clock.clock_synced(), free_disk_mb=store.free_disk_bytes() // 2**20,
        cpu_temp_c=cpu_temperature(), officers_on_duty=officers_on_duty,
        duty_chosen_here=duty_chosen_here)
