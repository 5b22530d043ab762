"""Checking a kiosk typed on the fleet page or read from a pairing code. No Flask here."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from kiosk.shared.exc import PairingError
from kiosk.shared.pairing import Pairing, decode
from sync_server.config import MIN_TOKEN_LENGTH
from sync_server.exc import InputError
from sync_server.i18n import N_
from sync_server.roster import edit as roster_edit

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*\.?$")  # a name, name.local or IPv4
MAX_TOKEN = 300
DEFAULT_PORT = 8765

# kiosk.shared.pairing's reasons (English, for the CLI) as the page says them.
PAIRING_REASONS = {
    "too long to be a pairing code": N_("Mã quá dài, không phải mã ghép nối."),
    "a pairing code starts with 'hl1-'": N_("Mã ghép nối bắt đầu bằng 'hl1-'."),
    "not a pairing code: copy it again, whole": N_("Không phải mã ghép nối: hãy sao chép lại toàn bộ mã."),
    "the code is incomplete or mistyped: copy it again, whole":
        N_("Mã bị thiếu hoặc gõ sai: hãy sao chép lại toàn bộ mã."),
    "the code does not hold a kiosk id, an address and a token":
        N_("Mã không chứa đủ mã ki-ốt, địa chỉ và khóa truy cập."),
}


def read_pairing(code: str) -> Pairing:
    try:
        return decode(code)
    except PairingError as e:
        raise InputError(PAIRING_REASONS.get(str(e), N_("Mã ghép nối không hợp lệ."))) from None


def split_url(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or DEFAULT_PORT


def url_of(address: str, port: str | int) -> str:
    """http://address:port from what staff typed: a host name, host.local or an IPv4 address
    (a pasted http://host:port is taken apart first)."""
    address = address.strip()
    if "://" in address:
        parts = urlsplit(address)
        if parts.scheme not in ("http", "https"):
            raise InputError("Địa chỉ phải là tên máy, tên.local hoặc địa chỉ IP.")
        address, port = parts.hostname or "", parts.port or port
    if not _HOST.match(address):
        raise InputError("Địa chỉ phải là tên máy, tên.local hoặc địa chỉ IP.")
    text = str(port).strip()
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise InputError("Cổng phải là số từ 1 đến 65535.")
    return f"http://{address}:{int(text)}"


def token(value: str) -> str:
    value = value.strip()
    if len(value) < MIN_TOKEN_LENGTH or len(value) > MAX_TOKEN or any(c.isspace() for c in value):
        raise InputError("Khóa truy cập phải dài %(lo)s–%(hi)s ký tự, không có khoảng trắng "
                         "(lấy ở [api] token của ki-ốt).", {"lo": MIN_TOKEN_LENGTH, "hi": MAX_TOKEN})
    return value


def kiosk_id(value: str) -> str:
    return roster_edit.code(value, N_("mã ki-ốt"))
