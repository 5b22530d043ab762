"""One process at a time on a kiosk's data directory: a lock file held with flock.

`hailong-kiosk run` holds it for as long as the kiosk runs and `hailong-kiosk import` while it
imports, so an import (which may change the store's identity) can never happen under a running
kiosk, and a second kiosk on the same data refuses to start before any window opens. The
kernel drops the lock when the process dies, so a killed kiosk never leaves it behind.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from kiosk.shared.exc import StoreBusy, StoreError

try:  # the kiosk runs on Linux; the lock is a no-op where fcntl does not exist
    import fcntl
except ImportError:  # pragma: no cover - Windows dev machines
    fcntl = None  # type: ignore[assignment]


@contextlib.contextmanager
def exclusive(data_dir: Path | str) -> Iterator[None]:
    """Hold the data directory's lock for the life of the block: `hailong-kiosk run` holds it
    while the kiosk runs, so an import (which may change the store's identity) can never
    happen under a running kiosk. The kernel drops the lock when the process dies."""
    path = Path(data_dir) / "kiosk.lock"
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover
        yield
        return
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:
        raise StoreError(f"cannot write {path} (permission denied): run as the kiosk's user, "
                         "e.g. sudo -u hailong ...") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreBusy(f"{data_dir} is in use by a running kiosk (or another import): "
                            "stop it first (sudo systemctl stop hailong-kiosk)") from None
        yield
    finally:
        os.close(fd)


def is_busy(data_dir: Path | str) -> bool:
    """True while a kiosk (or an import) holds the data directory's lock."""
    try:
        with exclusive(data_dir):
            return False
    except StoreBusy:
        return True
