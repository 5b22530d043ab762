"""The upstream batch as it travels (DESIGN.md §6, docs/protocol.md "Upstream"), both sides.

A batch: {"protocol": 1, "server_id", "roster": {...}, "exclusions": [...], "stores": [{"store_id",
"kiosk_id", "responses": [sealed responses, exactly as the kiosk sealed them], "times": [[...]],
"points": ["<the commune's reception point code>" or "", ...]}]}.
`times` holds, per response, what the commune's clock repair made of it (sync_server.collect.
clockfix.Times): only the commune saw the kiosk's boots live, so the hub takes its days and hours
and its figures equal the commune's. `points` (optional; a commune older than this sends none)
holds, per response, the reception point the commune stored it at, so the hub's table of a
commune by point equals the commune's own. Both sit beside the sealed response, never inside it.
No Flask here.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import orjson

from kiosk.shared.protocol import CODE_RE, MAX_CODE
from sync_server.collect import clockfix

PROTOCOL = 1
BATCH_PATH = "/api/v1/upstream/batch"
STATUS_PATH = "/api/v1/upstream/status"
MAX_BATCH_BYTES = 32 * 1024 * 1024  # a page of 2000 responses is about 2 MB
MAX_STORES = 1000
SOURCES = (clockfix.KIOSK, clockfix.REPAIRED, clockfix.UNANCHORED)
# What a citizen wrote into a sealed response (the QR page's optional name, [qr] ask_name): it
# never leaves the commune. Such a response goes up without it and is listed in the store's
# `redacted`; the hub checks its seq and links, not its hash, and only for channel "qr".
PRIVATE_KEYS = ("name",)


class WireError(ValueError):
    """A batch that is not one; the message names the part."""


# An integer of 19 digits or more may lie beyond 64 bits, which orjson decodes as a float where the
# standard library keeps the integer. Digits are mapped to "0" to find runs of 19 with a fast
# search; a run is a number (not part of a string such as a hash) if what comes before it, past a
# minus sign and blanks, is where a JSON value starts: the body's start, "[", ":" or ",".
_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_NUMBER = b"0" * 19
_VALUE_STARTS = frozenset(b"[:,")
_BLANKS = frozenset(b" \t\r\n-")


def _long_number(body: bytes) -> bool:
    """Whether the body may hold a number of 19 digits or more (a string with ":" or "," just
    before such a run may say so too: then the slower decoder decodes it, as exactly)."""
    digits = body.translate(_DIGITS_AS_ZERO)
    at = digits.find(_LONG_NUMBER)
    while at >= 0:
        before = at - 1
        while before >= 0 and body[before] in _BLANKS:
            before -= 1
        if before < 0 or body[before] in _VALUE_STARTS:
            return True
        end = at + len(_LONG_NUMBER)
        while end < len(digits) and digits[end] == 0x30:  # past the rest of the run
            end += 1
        at = digits.find(_LONG_NUMBER, end)
    return False


def decode(body: bytes) -> Any:
    """A batch's JSON, exactly what `json.loads` makes of it, at orjson's speed where the two agree
    (a 2,000-response batch: ~4 ms against ~7 ms). They differ where orjson refuses what the
    standard library takes (NaN and Infinity, a lone surrogate escape: decoded by the standard
    library) and on an integer beyond 64 bits (orjson makes it a float: a body that may hold a
    number of 19 digits goes to the standard library). ValueError (UnicodeDecodeError and
    json.JSONDecodeError are kinds of it) for a body that is not JSON, nesting too deep for the
    standard library included (its RecursionError was a 500); orjson takes nesting a little deeper
    (1,024 levels against the standard library's ~1,000), which no batch's checks accept anyway."""
    if not _long_number(body):
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass  # the standard library's answer decides (and its error is the one reported)
    try:
        return json.loads(body.decode("utf-8"))
    except RecursionError:
        raise ValueError("the JSON is nested too deeply") from None


def times_out(t: clockfix.Times) -> list[Any]:
    return [t.recorded_utc.isoformat(), t.corrected_utc.isoformat() if t.corrected_utc else None,
            t.source, t.local_date.isoformat(), t.local_hour]


def times_in(value: Any, where: str) -> clockfix.Times:
    try:
        recorded, corrected, source, day, hour = value
        if source not in SOURCES or not isinstance(hour, int) or not 0 <= hour <= 23:
            raise ValueError
        return clockfix.Times(datetime.fromisoformat(recorded).replace(tzinfo=None),
                              datetime.fromisoformat(corrected).replace(tzinfo=None) if corrected else None,
                              source, date.fromisoformat(day), hour)
    except (TypeError, ValueError):
        raise WireError(f"{where}: times must be [recorded_utc, corrected_utc|null, source, "
                        f"local_date, local_hour]") from None


def backlog_of(batch: dict[str, Any]) -> tuple[int, datetime | None] | None:
    """The batch's optional `backlog` (what the commune will still not hold pushed after this
    batch: responses, and when the oldest was rated, UTC) or None when absent or not of that
    shape: it is what a commune says of itself, shown on the province's page, never a reason to
    refuse its responses."""
    value = batch.get("backlog")
    if not isinstance(value, dict):
        return None
    left, oldest = value.get("responses"), value.get("oldest_utc")
    if not (isinstance(left, int) and not isinstance(left, bool) and 0 <= left <= 2**31 - 1):
        return None
    if oldest is None:
        return left, None
    if not (isinstance(oldest, str) and len(oldest) <= 40):
        return None
    try:
        when = datetime.fromisoformat(oldest)
    except ValueError:
        return None
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    return left, when


def is_code(value: Any) -> bool:
    return isinstance(value, str) and bool(CODE_RE.match(value))


def check_batch(batch: Any) -> list[dict[str, Any]]:
    """The batch's stores, after checking the envelope; WireError names what is wrong. Each
    response itself is checked by the hub as a pull checks a kiosk's page (collect.checks)."""
    if not isinstance(batch, dict):
        raise WireError("the batch must be a JSON object")
    if batch.get("protocol") != PROTOCOL:
        raise WireError(f"protocol must be {PROTOCOL}, got {batch.get('protocol')!r}")
    if not is_code(batch.get("server_id")):
        raise WireError("server_id must be a code")
    for key in ("roster",):
        if not isinstance(batch.get(key), dict):
            raise WireError(f"{key} must be an object")
    if not isinstance(batch.get("exclusions"), list):
        raise WireError("exclusions must be a list")
    stores = batch.get("stores")
    if not isinstance(stores, list) or len(stores) > MAX_STORES:
        raise WireError(f"stores must be a list of at most {MAX_STORES}")
    seen: set[str] = set()
    for i, s in enumerate(stores):
        where = f"stores[{i}]"
        if not isinstance(s, dict):
            raise WireError(f"{where} must be an object")
        sid = s.get("store_id")
        if not (isinstance(sid, str) and 0 < len(sid) <= MAX_CODE) or sid in seen:
            raise WireError(f"{where}.store_id must be a string of 1-{MAX_CODE} characters, once per batch")
        seen.add(sid)
        if not is_code(s.get("kiosk_id")):
            raise WireError(f"{where} (store {sid}): kiosk_id must be a code")
        redacted = s.setdefault("redacted", [])
        if not isinstance(redacted, list) or not all(isinstance(x, int) for x in redacted):
            raise WireError(f"{where} (store {sid}): redacted must be a list of seqs")
        if not isinstance(s.get("responses"), list) or not isinstance(s.get("times"), list) \
                or len(s["responses"]) != len(s["times"]):
            raise WireError(f"{where} (store {sid}): responses and times must be lists of the same length")
        # The commune's reception point of each response, outside the seal; a commune older than
        # this sends none: its rows are the whole commune's ('').
        points = s.setdefault("points", [""] * len(s["responses"]))
        if not isinstance(points, list) or len(points) != len(s["responses"]) \
                or not all(p == "" or is_code(p) for p in points):
            raise WireError(f"{where} (store {sid}): points must be a list of codes ('' for none), "
                            "one per response")
    return stores
