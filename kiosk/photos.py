"""Officers' photos kept on the kiosk's card, named by their content hash (docs/protocol.md).

The server sends a photo once (`PUT /api/v1/photos/<sha256>`) and the kiosk keeps it for as
long as the roster names it, so shared mode shows faces through weeks without the server. A
photo is accepted only when its bytes hash to its name, it is a JPEG and it is small; it is
written to a temporary file, flushed and renamed, so a power cut leaves either the whole photo
or none. Pure standard library: the API and the screen both read it.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path

from kiosk.shared.exc import PhotoRefused
from kiosk.shared.protocol import MAX_PHOTO_BYTES

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_JPEG_MAGIC = b"\xff\xd8\xff"


def is_photo_name(value: str) -> bool:
    return bool(_SHA256.match(value))


class PhotoStore:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, sha256: str) -> Path | None:
        """The file of a photo the kiosk holds, or None."""
        if not is_photo_name(sha256):
            return None
        path = self.directory / f"{sha256}.jpg"
        return path if path.is_file() else None

    def held(self) -> set[str]:
        if not self.directory.is_dir():
            return set()
        return {p.stem for p in self.directory.glob("*.jpg") if is_photo_name(p.stem)}

    def missing(self, wanted: Iterable[str]) -> list[str]:
        held = self.held()
        return sorted({w for w in wanted if w not in held})

    def put(self, sha256: str, data: bytes) -> bool:
        """Keep the photo; True when it was new. Raises PhotoRefused naming the problem."""
        if not is_photo_name(sha256):
            raise PhotoRefused("the photo's name must be its SHA-256 in 64 lowercase hex digits")
        if len(data) > MAX_PHOTO_BYTES:
            raise PhotoRefused(f"the photo is {len(data)} bytes; at most {MAX_PHOTO_BYTES} are kept")
        if not data.startswith(_JPEG_MAGIC):
            raise PhotoRefused("the photo must be a JPEG")
        if hashlib.sha256(data).hexdigest() != sha256:
            raise PhotoRefused("the photo's bytes do not hash to its name")
        if self.path(sha256) is not None:
            return False
        self.directory.mkdir(parents=True, exist_ok=True)
        final = self.directory / f"{sha256}.jpg"
        temporary = self.directory / f".{sha256}.{os.getpid()}.tmp"
        with open(temporary, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, final)
        directory = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a power cut
        finally:
            os.close(directory)
        return True

    def prune(self, keep: Iterable[str]) -> int:
        """Remove photos no roster names any more (and leftovers of interrupted writes)."""
        if not self.directory.is_dir():
            return 0
        keep = set(keep)
        removed = 0
        for path in self.directory.iterdir():
            stale = path.suffix == ".tmp" or (path.suffix == ".jpg" and path.stem not in keep)
            if stale and path.is_file():
                path.unlink(missing_ok=True)
                removed += 1
        return removed
