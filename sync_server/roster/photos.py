"""Officer photos: checked by content (JPEG, PNG or WebP, whatever the file is called),
re-encoded as a JPEG of at most 400×400 without EXIF (no camera, place or time leaves the
office), stored under <data_dir>/photos. Shown to the public (QR page, posters, and the kiosks,
which receive it by content hash: docs/protocol.md) only once an admin marked it so. No Flask
here."""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from kiosk.shared.protocol import CODE_RE
from sync_server.exc import InputError

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 400
MAX_PIXELS = 40_000_000  # a decompression bomb is refused before it is decoded
FORMATS = {"JPEG", "PNG", "WEBP"}


def photos_dir(data_dir: Path) -> Path:
    return data_dir / "photos"


def hub_dir(data_dir: Path, server_id: str) -> Path:
    """At a province hub: its copies of one commune's public photos (sync_server.upstream.photos_up)."""
    return photos_dir(data_dir) / "hub" / server_id


def hub_photo(data_dir: Path, server_id: str, officer: str) -> bytes | None:
    """The hub's copy of a commune officer's public photo, or None."""
    if not (CODE_RE.match(server_id) and CODE_RE.match(officer)):
        return None
    try:
        return (hub_dir(data_dir, server_id) / f"{officer}.jpg").read_bytes()
    except OSError:
        return None


def reencode(data: bytes) -> bytes:
    """The upload as a small JPEG without metadata, or InputError."""
    if len(data) > MAX_BYTES:
        raise InputError("Ảnh lớn quá %(n)s MB.", {"n": MAX_BYTES // (1024 * 1024)})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            if img.format not in FORMATS:
                raise InputError("Ảnh phải là JPEG, PNG hoặc WebP.")
            if img.width * img.height > MAX_PIXELS:
                raise InputError("Ảnh có quá nhiều điểm ảnh.")
            img.load()
            img = ImageOps.exif_transpose(img)  # keep it upright once the EXIF is gone
    except InputError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError("Ảnh phải là JPEG, PNG hoặc WebP.") from None
    except (OSError, ValueError, SyntaxError):
        raise InputError("Tệp ảnh bị hỏng hoặc không đọc được.") from None
    if img.mode in ("RGBA", "LA", "P"):
        img = img.convert("RGBA")
        flat = Image.new("RGB", img.size, (255, 255, 255))
        flat.paste(img, mask=img.split()[-1])
        img = flat
    else:
        img = img.convert("RGB")
    img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    clean = Image.new("RGB", img.size)  # a fresh image: nothing of the original's metadata
    clean.paste(img)
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def store(data_dir: Path, officer_code: str, jpeg: bytes) -> str:
    """Write the photo; returns its file name (content-addressed, so a browser's cached copy of
    an older photo is never shown for a new one)."""
    folder = photos_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{officer_code}-{sha256(jpeg)[:12]}.jpg"
    tmp = folder / (name + ".tmp")
    tmp.write_bytes(jpeg)
    tmp.replace(folder / name)
    return name


def sha256(jpeg: bytes) -> str:
    return hashlib.sha256(jpeg).hexdigest()


def _safe(name: str | None) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and not name.startswith(".")


def read(data_dir: Path, name: str | None) -> bytes | None:
    """The stored photo's bytes, or None when the file is gone."""
    if not _safe(name):
        return None
    try:
        return (photos_dir(data_dir) / name).read_bytes()
    except OSError:
        return None


def remove(data_dir: Path, name: str | None) -> None:
    if _safe(name):
        (photos_dir(data_dir) / name).unlink(missing_ok=True)
