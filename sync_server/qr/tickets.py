"""Checking the single-use tickets of the QR page (format: kiosk.qrticket). No Flask here.

A kiosk signs with its API token, which the server holds in [[kiosks]] or, for a kiosk added on
the fleet page, in `fleet_kiosk`; a ticket printed by staff is signed with a key derived from the
server's secret key. Validity is counted from the
issuing time: a kiosk's clock may be off, so the skew the server last measured is taken away.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from kiosk.shared import qrticket
from kiosk.shared.exc import TicketError
from kiosk.shared.qrticket import Ticket
from sync_server.config import ServerConfig
from sync_server.db.models import FleetKiosk, Kiosk
from sync_server.exc import Refused
from sync_server.qr.store import ticket_used

FUTURE_SLACK = timedelta(minutes=5)  # a signer's clock a little ahead is not a forgery


def server_key(secret_key: str) -> str:
    """The key of tickets printed by staff: derived, so the session key itself never signs them."""
    return hmac.new(secret_key.encode("utf-8"), b"hailong-qr-ticket-key", hashlib.sha256).hexdigest()


def _kiosk_token(kiosk_id: str, config: ServerConfig) -> str | None:
    """The API token a kiosk signs with: server.toml's entry first, as the puller reads them
    (sync_server.roster.kiosks), else a kiosk added on the fleet page and not retired."""
    entry = config.kiosk(kiosk_id)
    if entry is not None:
        return entry.token
    row = FleetKiosk.get_or_none((FleetKiosk.id == kiosk_id) & ~FleetKiosk.retired)
    return row.token if row is not None else None


def check(text: str, config: ServerConfig, secret_key: str, now: datetime) -> tuple[Ticket, datetime]:
    """(ticket, when it was issued on the server's clock) for a good unused ticket of either
    version (a version-2 ticket names the response it follows: `ticket.response`); raises
    Refused with reason ticket_forged, ticket_expired or ticket_reused."""
    try:
        ticket = qrticket.parse(text)
    except TicketError:
        raise Refused("ticket_forged") from None
    skew = 0.0
    if ticket.issuer == qrticket.SERVER_ISSUER:
        key, valid = server_key(secret_key), timedelta(days=config.qr.printed_ticket_days)
    else:
        token = _kiosk_token(ticket.issuer, config)
        if token is None:
            raise Refused("ticket_forged")
        key, valid = token, timedelta(hours=config.qr.kiosk_ticket_hours)
        kiosk = Kiosk.get_or_none(Kiosk.id == ticket.issuer)
        skew = (kiosk.clock_skew_s or 0.0) if kiosk else 0.0
    if not qrticket.signed_by(ticket, key):
        raise Refused("ticket_forged")
    try:
        issued = datetime.fromtimestamp(ticket.issued - skew, UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        raise Refused("ticket_forged") from None
    if issued > now + FUTURE_SLACK or now - issued > valid:
        raise Refused("ticket_expired")
    if ticket_used(ticket.nonce):
        raise Refused("ticket_reused")
    return ticket, issued


def printed(secret_key: str, now: datetime) -> str:
    """A fresh ticket for staff to print."""
    return qrticket.make(qrticket.SERVER_ISSUER, server_key(secret_key), now.replace(tzinfo=UTC).timestamp())
