"""Single-use tickets for the server's QR page (docs/protocol.md, "QR tickets").

A ticket is one URL-safe string, in one of two versions:

    1~<issuer>~<nonce>~<issued>~<mac>              a rating ticket: the page asks for a rating
    2~<issuer>~<nonce>~<issued>~<response>~<mac>   follows one recorded response: the page asks
                                                   only what the citizen wants to add to it

- issuer: the kiosk id that signed it, or `_srv` for a ticket printed by the server's staff;
- nonce: 16 random bytes, base64url without padding (the server remembers used nonces);
- issued: the signer's clock in whole seconds since 1970 (UTC);
- response (version 2 only): the uuid of the response the kiosk has just recorded, in its
  canonical lower-case 8-4-4-4-12 form;
- mac: base64url of the first 16 bytes of HMAC-SHA256(key, "hailong-qr-ticket:" + every part
  before it joined by "~"); the key is the kiosk's API token (the server knows it), or the
  server's own key for `_srv`.

'~' never occurs in a kiosk id or a uuid, so the parts split unambiguously. Pure standard
library: the kiosk signs with it on the thanks screen and the server checks with it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit, urlunsplit

from kiosk.shared.exc import TicketError
from kiosk.shared.protocol import CODE_RE

RATING = "1"  # a ticket for a rating
FOLLOW_UP = "2"  # a ticket that follows one recorded response (names its uuid)
VERSIONS = (RATING, FOLLOW_UP)
SERVER_ISSUER = "_srv"
PARAM = "t"  # the query parameter that carries a ticket
MAX_LENGTH = 200
_B64 = re.compile(r"^[A-Za-z0-9_-]+$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Ticket:
    issuer: str
    nonce: str
    issued: int
    mac: str
    response: str | None = None  # version 2: the uuid of the response it follows

    @property
    def version(self) -> str:
        return RATING if self.response is None else FOLLOW_UP

    @property
    def signed_part(self) -> str:
        head = f"{self.version}~{self.issuer}~{self.nonce}~{self.issued}"
        return head if self.response is None else f"{head}~{self.response}"

    def __str__(self) -> str:
        return f"{self.signed_part}~{self.mac}"


def _is_issuer(issuer: str) -> bool:
    """A kiosk id (a protocol code), or the server's own `_srv`, which no kiosk id can be."""
    return issuer == SERVER_ISSUER or bool(CODE_RE.match(issuer))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _mac(key: str, signed_part: str) -> str:
    digest = hmac.new(key.encode("utf-8"), b"hailong-qr-ticket:" + signed_part.encode("ascii"),
                      hashlib.sha256).digest()
    return _b64(digest[:16])


def make(issuer: str, key: str, issued: float, nonce: bytes | None = None,
         response: str | None = None) -> str:
    """A fresh ticket signed with `key`: version 1, or version 2 when it follows `response`."""
    if not _is_issuer(issuer):
        raise TicketError(f"issuer {issuer!r} is not a kiosk id")
    if response is not None and not _UUID.match(response):
        raise TicketError(f"response {response!r} is not a uuid")
    ticket = Ticket(issuer, _b64(nonce if nonce is not None else os.urandom(16)), int(issued), "", response)
    return f"{ticket.signed_part}~{_mac(key, ticket.signed_part)}"


def parse(text: str) -> Ticket:
    """The parts of a ticket, checked for shape only (not for the signature)."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        raise TicketError("not a ticket")
    parts = text.split("~")
    version = parts[0]
    if version not in VERSIONS or len(parts) != (5 if version == RATING else 6):
        raise TicketError("not a ticket of version 1 or 2")
    issuer, nonce, issued, mac = parts[1], parts[2], parts[3], parts[-1]
    response = parts[4] if version == FOLLOW_UP else None
    if not _is_issuer(issuer) or not (16 <= len(nonce) <= 43 and _B64.match(nonce)):
        raise TicketError("bad issuer or nonce")
    if not issued.isdigit() or len(issued) > 12 or not (mac and _B64.match(mac)):
        raise TicketError("bad time or signature")
    if response is not None and not _UUID.match(response):
        raise TicketError("bad response uuid")
    return Ticket(issuer, nonce, int(issued), mac, response)


def signed_by(ticket: Ticket, key: str) -> bool:
    """Whether `key` made this ticket's signature (compared in constant time)."""
    return hmac.compare_digest(ticket.mac, _mac(key, ticket.signed_part))


def ticket_url(base_url: str, issuer: str, key: str, issued: float, response: str | None = None) -> str:
    """`base_url` with a fresh ticket added as ?t=…, keeping any query it already has; the
    ticket follows `response` (version 2) when given."""
    parts = urlsplit(base_url)
    ticket = make(issuer, key, issued, response=response)
    query = (parts.query + "&" if parts.query else "") + urlencode({PARAM: ticket})
    return urlunsplit(parts._replace(query=query))
