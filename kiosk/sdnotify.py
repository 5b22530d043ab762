"""sd_notify(3) without libsystemd: tell systemd the kiosk is up, alive, or stopping.

The unit runs the kiosk as `Type=notify` with `WatchdogSec=`: systemd waits for `READY=1`
before it counts the start as done, and restarts the app when `WATCHDOG=1` stops arriving
(a frozen UI thread). The protocol is one AF_UNIX datagram of `KEY=value` lines sent to the
socket named in `$NOTIFY_SOCKET`; a name starting with `@` is in the abstract namespace.

Every function is a no-op returning False when `$NOTIFY_SOCKET` is unset (a developer's
terminal, the tests, Windows), and never raises: a failed keep-alive must not crash the kiosk
it is meant to keep alive. Pure standard library; importing it imports no Kivy.

Typical use (the Kivy clock runs on the UI thread, so a hung UI stops the pings):

    interval = sdnotify.watchdog_interval_s()
    if interval:
        Clock.schedule_interval(lambda dt: sdnotify.watchdog(), interval)
    sdnotify.ready("ready: 12 responses")   # after the first frame
    ...
    sdnotify.stopping()                     # on SIGTERM, before closing the store
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger(__name__)

NOTIFY_SOCKET = "NOTIFY_SOCKET"
_warned = False


def _address(environ: Mapping[str, str]) -> str | None:
    """The socket address from the environment, or None when there is nothing to notify."""
    name = environ.get(NOTIFY_SOCKET, "")
    if name.startswith("@"):
        return "\0" + name[1:]  # abstract namespace: leading NUL instead of '@'
    if name.startswith("/"):
        return name
    return None  # unset, empty, or a kind we do not speak (e.g. vsock: in a VM)


def notify(state: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send one state string (newline-separated `KEY=value` lines). True if it was sent."""
    address = _address(os.environ if environ is None else environ)
    if address is None:
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.sendto(state.encode("utf-8"), address)
        return True
    except OSError as e:
        global _warned
        if not _warned:  # once: a broken socket would otherwise log every few seconds
            log.warning("sd_notify to %r failed: %s", os.environ.get(NOTIFY_SOCKET), e)
            _warned = True
        return False


def _one_line(text: str) -> str:
    return " ".join(text.split())  # a newline would start a new KEY=value assignment


def ready(status_text: str | None = None) -> bool:
    """The service is up (`Type=notify`: systemd finishes the start job now)."""
    return notify("READY=1" + (f"\nSTATUS={_one_line(status_text)}" if status_text else ""))


def watchdog() -> bool:
    """Keep-alive for `WatchdogSec=`: send at least every watchdog_interval_s() seconds."""
    return notify("WATCHDOG=1")


def stopping(status_text: str | None = None) -> bool:
    """The service is shutting down on purpose (not a crash, not a hang)."""
    return notify("STOPPING=1" + (f"\nSTATUS={_one_line(status_text)}" if status_text else ""))


def status(text: str) -> bool:
    """A one-line status shown by `systemctl status hailong-kiosk`."""
    return notify(f"STATUS={_one_line(text)}")


def extend_timeout(seconds: float) -> bool:
    """Ask for more time before the start (or stop) times out, e.g. during a long migration."""
    return notify(f"EXTEND_TIMEOUT_USEC={max(0, int(seconds * 1_000_000))}")


def watchdog_timeout_s(environ: Mapping[str, str] | None = None) -> float | None:
    """systemd's `WatchdogSec=` for this process in seconds, or None when there is no watchdog.

    As sd_watchdog_enabled(3): `$WATCHDOG_USEC` set and positive, and `$WATCHDOG_PID`, when
    set, naming this very process (a child that inherited the environment must not ping).
    """
    env = os.environ if environ is None else environ
    try:
        usec = int(env.get("WATCHDOG_USEC", ""))
    except ValueError:
        return None
    if usec <= 0:
        return None
    pid = env.get("WATCHDOG_PID")
    if pid:
        try:
            if int(pid) != os.getpid():
                return None
        except ValueError:
            return None
    return usec / 1_000_000


def watchdog_interval_s(environ: Mapping[str, str] | None = None) -> float | None:
    """How often to call watchdog(): half the timeout, as sd_watchdog_enabled(3) advises.
    None when the watchdog is off (then do not schedule pings at all)."""
    timeout = watchdog_timeout_s(environ)
    return None if timeout is None else timeout / 2


__all__ = ["notify", "ready", "watchdog", "stopping", "status", "extend_timeout",
           "watchdog_timeout_s", "watchdog_interval_s"]
