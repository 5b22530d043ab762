"""[qr] in server.toml, the citizens' QR page: read and checked into QrConfig (a bad value is one
ConfigError line naming file, key and problem)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.shared import dossier
from kiosk.shared.configfile import Section


@dataclass(frozen=True)
class QrConfig:
    """[qr] in server.toml: the citizens' QR page (sync_server.qr.views)."""

    ask_name: bool = False  # an optional name field, only when the unit turns it on (seed 003)
    wifi_name: str = ""  # printed on the posters
    public_url: str = ""  # how phones reach the server, e.g. http://192.168.1.10:5000; "" = as asked
    one_time: bool = False  # every response needs a single-use ticket (kiosk thanks screen, printed)
    per_device: int = 1  # responses per device cookie per officer (or counter) within the window
    per_ip: int = 3  # the same per IP address: a phone that drops its cookie is still limited
    window_minutes: float = 10.0
    kiosk_ticket_hours: float = 2.0  # how long a ticket from a kiosk's thanks screen stays valid
    printed_ticket_days: float = 30.0  # how long a ticket printed by staff stays valid
    kiosk_qr: bool = False  # put the QR page's address in each kiosk's roster (its thanks screen)
    # The unit's complaint channel, shown on the QR page's thanks page (seed 001: feedback
    # channels are public); "" = not shown.
    complaint_phone: str = ""
    complaint_address: str = ""
    ask_phone: bool = False  # an optional phone number field, the same way
    # Name and phone are taken only with the consent box ticked, for this purpose, and purged
    # after contact_days (docs/privacy.md).
    contact_purpose: str = "để liên hệ lại khi cần làm rõ ý kiến của Ông/Bà"
    contact_purpose_en: str = "to contact you if your opinion needs making clear"
    contact_days: int = 90
    # The optional dossier code field (mã hồ sơ, docs/privacy.md): off by default; the format as
    # the kiosk's [dossier] pattern (kiosk.shared.dossier).
    ask_dossier: bool = False
    dossier_pattern: str = dossier.DEFAULT_PATTERN


_PHONE = re.compile(r"^\+?[0-9][0-9 .()-]{1,23}$")


def _complaint(qr: Section) -> tuple[str, str]:
    phone = " ".join(qr.string("complaint_phone", "", nonempty=False).split())
    if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 3):
        raise qr.fail("complaint_phone", f"must be a phone number (digits, spaces, + . - ( )), got {phone!r}")
    address = qr.string("complaint_address", "", nonempty=False).strip()
    if "\n" in address or len(address) > 200:
        raise qr.fail("complaint_address", "one line of at most 200 characters")
    return phone, address


def qr_config(path: Path, data: object) -> QrConfig:
    qr = Section(path, "qr", data, required=False)
    public_url = qr.string("public_url", "", nonempty=False).strip().rstrip("/")
    if public_url:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise qr.fail("public_url", f"must be http://host:port (what phones on the office Wi-Fi "
                                        f"reach), got {public_url!r}")
    wifi = qr.string("wifi_name", "", nonempty=False).strip()
    if len(wifi) > 64:
        raise qr.fail("wifi_name", "at most 64 characters")
    complaint = _complaint(qr)
    purpose = {key: " ".join(qr.string(key, getattr(QrConfig, key)).split())
               for key in ("contact_purpose", "contact_purpose_en")}
    for key, text in purpose.items():
        if len(text) > 200:
            raise qr.fail(key, "at most 200 characters")
    pattern = qr.string("dossier_pattern", dossier.DEFAULT_PATTERN)
    try:
        dossier.compile_pattern(pattern)
    except re.error as e:
        raise qr.fail("dossier_pattern", f"is not a regular expression: {e}") from None
    config = QrConfig(
        ask_dossier=qr.boolean("ask_dossier", False),
        dossier_pattern=pattern,
        ask_name=qr.boolean("ask_name", False),
        ask_phone=qr.boolean("ask_phone", False),
        contact_purpose=purpose["contact_purpose"],
        contact_purpose_en=purpose["contact_purpose_en"],
        contact_days=qr.integer("contact_days", 90, lo=1, hi=3650),
        wifi_name=wifi,
        public_url=public_url,
        one_time=qr.boolean("one_time", False),
        per_device=qr.integer("per_device", 1, lo=1, hi=1000),
        per_ip=qr.integer("per_ip", 3, lo=1, hi=10000),
        window_minutes=qr.number("window_minutes", 10, lo=0, hi=7 * 24 * 60),
        kiosk_ticket_hours=qr.number("kiosk_ticket_hours", 2, lo=0.05, hi=24 * 31),
        printed_ticket_days=qr.number("printed_ticket_days", 30, lo=0.01, hi=366),
        kiosk_qr=qr.boolean("kiosk_qr", False),
        complaint_phone=complaint[0],
        complaint_address=complaint[1],
    )
    if config.kiosk_qr and not public_url:
        raise qr.fail("kiosk_qr", "needs public_url: the kiosk must know the address phones reach")
    return config
