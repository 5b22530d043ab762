"""Single-use tickets for the server's QR page (docs/protocol.md, "QR tickets").

A ticket is one URL-safe string `1~<issuer>~<nonce>~<issued>~<mac>`:

- issuer: the kiosk id that signed it, or `_srv` for a ticket printed by the server's staff;
- nonce: 16 random bytes, base64url without padding (the server remembers used nonces);
- issued: the signer's clock in whole seconds since 1970 (UTC);
- mac: base64url of the first 16 bytes of HMAC-SHA256(key, "hailong-qr-ticket:" + the first four
  parts joined by "~"); the key is the kiosk's API token (the server knows it), or the
  server's own key for `_srv`.

'~' never occurs in a kiosk id, so the parts split unambiguously. Pure standard library: the
kiosk signs with it on the thanks screen and the server checks with it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

VERSION = "1"
SERVER_ISSUER = "_srv"
PARAM = "t"  # the query parameter that carries a ticket
MAX_LENGTH = 160
_ISSUER = re.compile(r"^(_srv|[A-Za-z0-9][A-Za-z0-9._-]{0,63})$")
_B64 = re.compile(r"^[A-Za-z0-9_-]+$")


class TicketError(ValueError):
    """A string that is not a well-formed ticket."""


@dataclass(frozen=True)
class Ticket:
    issuer: str
    nonce: str
    issued: int
    mac: str

    @property
    def signed_part(self) -> str:
        return f"{VERSION}~{self.issuer}~{self.nonce}~{self.issued}"

    def __str__(self) -> str:
        return f"{self.signed_part}~{self.mac}"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _mac(key: str, signed_part: str) -> str:
    digest = hmac.new(key.encode("utf-8"), b"hailong-qr-ticket:" + signed_part.encode("ascii"),
                      hashlib.sha256).digest()
    return _b64(digest[:16])


def make(issuer: str, key: str, issued: float, nonce: bytes | None = None) -> str:
    """A fresh ticket signed with `key`."""
    if not _ISSUER.match(issuer):
        raise TicketError(f"issuer {issuer!r} is not a kiosk id")
    ticket = Ticket(issuer, _b64(nonce if nonce is not None else os.urandom(16)), int(issued), "")
    return f"{ticket.signed_part}~{_mac(key, ticket.signed_part)}"


def parse(text: str) -> Ticket:
    """The parts of a ticket, checked for shape only (not for the signature)."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        raise TicketError("not a ticket")
    parts = text.split("~")
    if len(parts) != 5 or parts[0] != VERSION:
        raise TicketError("not a ticket of version 1")
    _, issuer, nonce, issued, mac = parts
    if not _ISSUER.match(issuer) or not (16 <= len(nonce) <= 43 and _B64.match(nonce)):
        raise TicketError("bad issuer or nonce")
    if not issued.isdigit() or len(issued) > 12 or not (mac and _B64.match(mac)):
        raise TicketError("bad time or signature")
    return Ticket(issuer, nonce, int(issued), mac)


def signed_by(ticket: Ticket, key: str) -> bool:
    """Whether `key` made this ticket's signature (compared in constant time)."""
    return hmac.compare_digest(ticket.mac, _mac(key, ticket.signed_part))


def ticket_url(base_url: str, issuer: str, key: str, issued: float) -> str:
    """`base_url` with a fresh ticket added as ?t=…, keeping any query it already has."""
    parts = urlsplit(base_url)
    query = (parts.query + "&" if parts.query else "") + urlencode({PARAM: make(issuer, key, issued)})
    return urlunsplit(parts._replace(query=query))
