"""Every error the kiosk raises on purpose, under one base (as gpiozero's `exc.py`).

`HailongError` carries the exit status a command returns for it: `hailong-kiosk` maps the
base to that status in one place (kiosk/cli.py), and the server derives its own errors from
it. str() of each is the one line a technician or staff member reads: never a traceback.
Errors that describe bad data also derive from ValueError, as they always did, so a caller
that catches ValueError still catches them.
"""

from __future__ import annotations

from pathlib import Path

EXIT_REFUSED = 1  # a command that cannot do what was asked
EXIT_CONFIG = 2  # a bad config: systemd does not restart on it (RestartPreventExitStatus=2)


class HailongError(Exception):
    """Base of hailong's own errors; `exit_status` is what a command returns for it."""

    exit_status = EXIT_REFUSED


# --- shared with the server (kiosk.shared) --------------------------------------------------


class ConfigError(HailongError):
    """A bad or missing config value, naming file, key and problem (kiosk.shared.configfile)."""

    exit_status = EXIT_CONFIG

    def __init__(self, path: Path | str, key: str, problem: str) -> None:
        self.path, self.key, self.problem = str(path), key, problem
        where = f"{self.path}: {key}: " if key else f"{self.path}: "
        super().__init__(where + problem)


class ProtocolError(HailongError, ValueError):
    """A message that does not follow the protocol; the text names the offending field."""


class TicketError(HailongError, ValueError):
    """A string that is not a well-formed QR ticket (kiosk.shared.qrticket)."""


class PairingError(HailongError, ValueError):
    """A pairing code that cannot be read; the message says why, for the staff page."""


# --- the kiosk's own ---------------------------------------------------------------------------


class Refused(HailongError):
    """A `hailong-kiosk` command that cannot do what was asked (kiosk/cli.py)."""


class StoreError(HailongError):
    """A store operation refused for a reason a technician can act on (kiosk.store)."""


class StoreBusy(StoreError):
    """Another process (the running kiosk, or another import) holds the data directory."""


class TransferError(HailongError):
    """An export or import refused (kiosk.export, kiosk.restore)."""


class PhotoRefused(HailongError, ValueError):
    """A photo the kiosk will not keep; the text says why (kiosk.photos)."""


class EventError(HailongError, ValueError):
    """An event record that does not have the expected shape; the text names the field."""
