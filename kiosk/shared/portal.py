"""After a rating, a line inviting the citizen to rate the dossier on the national public service
portal too (NĐ 118/2025 Điều 31.1.c: the portal is an evaluation channel of its own). Off by
default: the unit turns it on in server.toml ([portal] invite = true), and the server sends the
line to its kiosks in the roster (`kiosk.portal_invite`, optional: an older kiosk ignores it) and
shows it on the QR page's thanks page. Standard library only: both sides share the words.

It is an invitation, not a link: the kiosk does not reach the portal, and nothing is sent there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kiosk.shared.configfile import Section

MAX_LINE = 200
DEFAULT = {
    "vi": "Ông/Bà có thể đánh giá thêm hồ sơ trên Cổng Dịch vụ công quốc gia: dichvucong.gov.vn",
    "en": "You can also rate your dossier on the National Public Service Portal: dichvucong.gov.vn",
}
KEYS = ("invite", "text", "text_en")


def from_config(section: Section) -> dict[str, str]:
    """[portal] of server.toml: {} when off, else the line {"vi", "en"} (defaults where unset)."""
    unknown = sorted(set(section.data) - set(KEYS))
    if unknown:
        raise section.fail(unknown[0], f"unknown key; use {', '.join(KEYS)}")
    on = section.boolean("invite", False)
    words = {}
    for lang, key in (("vi", "text"), ("en", "text_en")):
        value = " ".join(section.string(key, DEFAULT[lang]).split())
        if len(value) > MAX_LINE:
            raise section.fail(key, f"longer than {MAX_LINE} characters")
        words[lang] = value
    return words if on else {}


def check(value: Any) -> str | None:
    """What is wrong with a roster's `kiosk.portal_invite`, or None: {"vi": text, "en"?: text}."""
    if not isinstance(value, Mapping) or not isinstance(value.get("vi"), str) or not value["vi"].strip():
        return "must be an object with a Vietnamese line \"vi\" (and \"en\")"
    if set(value) - {"vi", "en"} or any(not isinstance(v, str) or len(v) > MAX_LINE for v in value.values()):
        return f"only \"vi\" and \"en\", each text of at most {MAX_LINE} characters"
    return None


def line(value: Mapping[str, str] | None, language: str) -> str:
    """The line in `language` ("" when off)."""
    if not value:
        return ""
    return value.get(language) or value.get("vi", "")
