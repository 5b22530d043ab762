"""The pairing code: one string that carries what the server needs to pull a kiosk.

`hailong-kiosk status` and the admin screen show it; staff paste it into the server's
"add a kiosk" form, which fills kiosk id, address and token from it. Format (docs/protocol.md):

    hl1-<base32 of "kiosk_id\\nurl\\ntoken\\ncrc32-hex">   (lower case, no padding)

The checksum catches a truncated or mistyped paste before anything is saved. The code holds the
API token, so it is shown only behind the admin PIN or to whoever can read the kiosk's config.
"""

from __future__ import annotations

import base64
import binascii
import socket
import zlib
from dataclasses import dataclass

from kiosk.shared.exc import PairingError
from kiosk.shared.protocol import CODE_RE

PREFIX = "hl1-"
MAX_CODE_LENGTH = 1024


@dataclass(frozen=True)
class Pairing:
    kiosk_id: str
    url: str
    token: str


def _checksum(body: str) -> str:
    return f"{zlib.crc32(body.encode()):08x}"


def encode(pairing: Pairing) -> str:
    body = f"{pairing.kiosk_id}\n{pairing.url}\n{pairing.token}"
    raw = f"{body}\n{_checksum(body)}".encode()
    return PREFIX + base64.b32encode(raw).decode().rstrip("=").lower()


def decode(code: str) -> Pairing:
    text = "".join(code.split())  # a paste may wrap over lines
    if len(text) > MAX_CODE_LENGTH:
        raise PairingError("too long to be a pairing code")
    if not text.lower().startswith(PREFIX):
        raise PairingError(f"a pairing code starts with {PREFIX!r}")
    b32 = text[len(PREFIX):].upper()
    try:
        raw = base64.b32decode(b32 + "=" * (-len(b32) % 8)).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise PairingError("not a pairing code: copy it again, whole") from None
    parts = raw.split("\n")
    if len(parts) != 4 or _checksum("\n".join(parts[:3])) != parts[3]:
        raise PairingError("the code is incomplete or mistyped: copy it again, whole")
    kiosk_id, url, token = parts[:3]
    if not CODE_RE.match(kiosk_id) or not url.startswith(("http://", "https://")) or not token:
        raise PairingError("the code does not hold a kiosk id, an address and a token")
    return Pairing(kiosk_id, url, token)


def local_url(port: int, api_host: str) -> str:
    """The address the server should use: the host's mDNS name (Raspberry Pi OS runs avahi), which
    survives a DHCP lease change, unless the API listens on one fixed address."""
    if api_host not in ("", "0.0.0.0", "::"):
        return f"http://{api_host}:{port}"
    return f"http://{socket.gethostname()}.local:{port}"
