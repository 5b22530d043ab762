"""What the puller checks before anything is stored: the kiosk's status, each page of responses
(shape, sizes the database can hold, store, seq continuity) and the hash chain (verify_page).
Anything that must not be stored raises exc.Refused with a message for the minutes. No Flask here."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from kiosk.shared.exc import ProtocolError
from kiosk.shared.protocol import MAX_CODE, canonical_text, validate_response, verify_chain
from sync_server.collect.client import BadReply
from sync_server.collect.messages import say
from sync_server.config import KioskEntry
from sync_server.exc import Refused

_INT32 = 2**31 - 1
_HEX = set("0123456789abcdef")


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_hex64(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX


def check_status(s: dict[str, Any], entry: KioskEntry) -> None:
    problems = []
    if not (isinstance(s.get("store_id"), str) and 0 < len(s["store_id"]) <= MAX_CODE):
        problems.append("store_id")
    if not (is_int(s.get("last_seq")) and 0 <= s["last_seq"] <= _INT32):
        problems.append("last_seq")
    if not is_hex64(s.get("head_hash")):
        problems.append("head_hash")
    if not (is_int(s.get("roster_version")) and s["roster_version"] >= 0):
        problems.append("roster_version")
    if not isinstance(s.get("kiosk_id"), str):
        problems.append("kiosk_id")
    if problems:
        raise BadReply(say("status reply is not a kiosk status (bad or missing %(what)s)",
                           what=", ".join(problems)))
    if s["kiosk_id"] != entry.id:
        raise BadReply(say("the kiosk at %(url)s says it is %(got)s, not %(want)s: check url in [[kiosks]]",
                           url=entry.url, got=repr(s["kiosk_id"][:64]), want=repr(entry.id)))


def has_clock(s: dict[str, Any]) -> bool:
    return (isinstance(s.get("boot_id"), str) and 0 < len(s["boot_id"]) <= MAX_CODE
            and is_int(s.get("uptime_ms")) and 0 <= s["uptime_ms"] < 2**62)


_CODE_KEYS = ("store_id", "uuid", "kiosk_id", "officer", "procedure", "questionnaire", "recorded_at",
              "boot_id")


def check_fits(r: dict[str, Any], body: str) -> None:
    """What the protocol validator leaves open but the database cannot hold (PostgreSQL refuses
    NUL characters and too long codes; SQLite would silently take them). The message's place is
    made only for a response that fails (a catch-up checks 100,000)."""
    for key in _CODE_KEYS:
        if r[key] is not None and len(r[key]) > MAX_CODE:
            raise Refused("garbage", say("%(where)s: longer than %(n)s characters",
                                         where=f"response seq {r['seq']}.{key}", n=MAX_CODE), body[:4000])
    for key in ("answers", "yes_no"):
        for q in r.get(key, ()):
            if not 0 < len(q) <= MAX_CODE:
                raise Refused("garbage", say("%(where)s: question code must have 1-%(n)s characters",
                                             where=f"response seq {r['seq']}.{key}", n=MAX_CODE), body[:4000])
    if r["seq"] > _INT32 or abs(r["questionnaire_version"]) > _INT32:
        raise Refused("garbage", say("%(where)s: seq or questionnaire_version out of range",
                                     where=f"response seq {r['seq']}"), body[:4000])
    # The canonical JSON writes a NUL as the escape \u0000, never as the character: look for the
    # escape, then make sure it is one (a literal backslash before "u0000" is written \\u0000).
    if "\\u0000" in body and _has_nul(r):
        raise Refused("garbage", say("%(where)s: contains a NUL character", where=f"response seq {r['seq']}"),
                      body[:4000])


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def check_page(page: dict[str, Any], store_id: str, after: int,
               encode: Callable[[dict[str, Any]], str] = canonical_text
               ) -> tuple[list[dict[str, Any]], list[str], int]:
    """The page's responses, their canonical JSON (made once, stored as the body) and the
    kiosk's last seq; Refused for anything that must not be stored. `encode`: canonical_text, or
    one that writes the same text for a validated response (sync_server.upstream.canonical)."""
    responses, last_seq = page.get("responses"), page.get("last_seq")
    if not isinstance(responses, list) or not is_int(last_seq) or not isinstance(page.get("store_id"), str):
        raise Refused("garbage", say("page after seq %(seq)s: not a responses page "
                                     "(needs store_id, responses, last_seq)", seq=after),
                      json.dumps(page, ensure_ascii=False)[:4000])
    if page["store_id"] != store_id:
        raise Refused("chain", say("page after seq %(seq)s: store_id %(got)s is not the store %(store)s "
                                   "of this pull", seq=after, got=repr(page["store_id"][:64]),
                                   store=store_id))
    bodies = []
    for i, r in enumerate(responses):
        try:
            validate_response(r)
        except ProtocolError:  # again, for the message naming its place (made only on failure)
            try:
                validate_response(r, where=f"page after seq {after}, item {i}")
            except ProtocolError as e:
                raise Refused("garbage", str(e), json.dumps(r, ensure_ascii=False)[:4000]) from None
            raise  # never: the same checks on the same response fail the second time too
        body = encode(r)
        check_fits(r, body)
        if r["store_id"] != store_id:
            raise Refused("chain", say("response seq %(seq)s: store_id %(got)s is not the store %(store)s",
                                       seq=r["seq"], got=repr(r["store_id"][:64]), store=store_id), body)
        bodies.append(body)
    # Gaps are named apart from broken links: they usually mean a kiosk bug, not tampering.
    for expected, r in enumerate(responses, start=after + 1):
        if r["seq"] != expected:
            raise Refused("gap", say("seq %(expected)s: expected next, got %(got)s (gap or reorder)",
                                     expected=expected, got=r["seq"]))
    return responses, bodies, last_seq


# A dossier code as a pull may carry it (the kiosk checked the unit's own format already).
_DOSSIER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z./_-]{0,63}$")


def page_dossiers(page: dict[str, Any], responses: list[dict[str, Any]]) -> dict[str, str]:
    """The page's optional `dossiers` ({response uuid: dossier code}, outside the seal,
    docs/protocol.md): only codes of a sane shape for responses of this page; anything else is
    dropped, never a reason to refuse the sealed responses."""
    raw = page.get("dossiers")
    if not isinstance(raw, dict):
        return {}
    uuids = {r["uuid"] for r in responses}
    return {u: c for u, c in raw.items() if u in uuids and isinstance(c, str) and _DOSSIER.match(c)}


def verify_page(responses: list[dict[str, Any]], bodies: list[str], after: int,
                head: str) -> tuple[int, str]:
    """`kiosk.protocol.verify_chain(responses, after, head)`, without encoding each response a
    second time. A response's hash is taken over its canonical JSON without the `hash` member;
    `bodies` are the canonical JSON *with* it, and taking the member `"hash":"<hex>",` out of
    that text gives exactly the text the hash is over (keys are sorted, output compact, and a
    quote inside a string is escaped, so the member cannot appear earlier by accident in a
    response that passed validate_response). Any disagreement at all — a gap, a broken link,
    a wrong hash, or an odd extra key — is decided by verify_chain itself, which also names the
    problem; a wrong splice cannot pass instead, since its text would contain its own SHA-256."""
    expected, prev = after + 1, head
    for r, body in zip(responses, bodies, strict=True):
        unsealed = body.replace(f'"hash":"{r["hash"]}",', "", 1)
        if (r["seq"] != expected or r["prev_hash"] != prev
                or hashlib.sha256(unsealed.encode("utf-8")).hexdigest() != r["hash"]):
            return verify_chain(responses, after, head)
        prev, expected = r["hash"], expected + 1
    return expected - 1, prev
