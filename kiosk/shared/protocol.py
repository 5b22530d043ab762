"""The wire protocol between kiosk and server (DESIGN.md §3, version 1).

Pure standard library on purpose: the server imports this module, and anyone can re-verify a
store or an export with it alone.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from kiosk.shared import portal
from kiosk.shared.exc import ProtocolError

PROTOCOL_VERSION = 1
# The roster's own format (its "schema" key; absent means 1). 2: officers' photos travel by
# content hash ({"sha256", "bytes"}) and are sent to the kiosk apart (PUT /api/v1/photos/<sha256>).
# 3: a question may have a `type` (QUESTION_TYPES); the server sends schema 3, and questions of a
# type other than "scale", only to a kiosk whose status lists that type in `question_types`.
ROSTER_SCHEMA = 3
# Question types: "scale" (the five faces, 1–5; a question without `type`) and "yes_no" (Có /
# Không, answered on the screen only; stored in a response's `yes_no`, never in `answers`).
SCALE, YES_NO = "scale", "yes_no"
QUESTION_TYPES = (SCALE, YES_NO)
MAX_PHOTO_BYTES = 256 * 1024  # the server sends photos re-encoded to at most 400×400 px
DEFAULT_PORT = 8765
GENESIS_HASH = "0" * 64
CHANNELS = ("touch", "button", "keypad", "qr")
SCORES = range(1, 6)
DEFAULT_PAGE = 500
MAX_PAGE = 5000

# Labels of the five faces, Vietnamese first (seed 004, Appendix 1).
SCORE_LABELS: dict[int, dict[str, str]] = {
    5: {"vi": "Rất hài lòng", "en": "Very satisfied"},
    4: {"vi": "Hài lòng", "en": "Satisfied"},
    3: {"vi": "Bình thường", "en": "Neutral"},
    2: {"vi": "Không hài lòng", "en": "Dissatisfied"},
    1: {"vi": "Rất không hài lòng", "en": "Very dissatisfied"},
}

RESPONSE_KEYS = (
    "store_id", "seq", "uuid", "kiosk_id", "officer", "procedure", "questionnaire",
    "questionnaire_version", "answers", "reasons", "channel", "partial", "flags",
    "recorded_at", "boot_id", "uptime_ms", "prev_hash", "hash",
)

# A code: a kiosk id, a roster's officer, procedure, field or question code, a questionnaire id.
# The one pattern for them, here and on the server: a letter or digit, then letters, digits,
# '.', '_' or '-', at most MAX_CODE characters (the width of the server's code columns).
MAX_CODE = 64
CODE_RE = re.compile(rf"^[A-Za-z0-9][A-Za-z0-9._-]{{0,{MAX_CODE - 1}}}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


# json.dumps with these arguments builds a new encoder at every call; one made once gives the
# same text (an encoder keeps no state between calls, so threads may share it).
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_text(obj: Any) -> str:
    """canonical_json as text: what the server stores as a response's body."""
    return _CANONICAL.encode(obj)


def canonical_json(obj: Any) -> bytes:
    """The one byte form that hashes are taken over (DESIGN.md §3)."""
    return _CANONICAL.encode(obj).encode("utf-8")


def response_hash(response: Mapping[str, Any]) -> str:
    """SHA-256 hex of the canonical JSON of the response without its `hash` key."""
    body = {k: v for k, v in response.items() if k != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


def seal(response: dict[str, Any], prev_hash: str) -> dict[str, Any]:
    """Return the response linked to `prev_hash` and carrying its own hash."""
    sealed = {k: v for k, v in response.items() if k != "hash"}
    sealed["prev_hash"] = prev_hash
    sealed["hash"] = response_hash(sealed)
    return sealed


def _require(cond: bool, where: str, problem: str) -> None:
    if not cond:
        raise ProtocolError(f"{where}: {problem}")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_response(r: Any, where: str = "response") -> None:
    """Check the shape of one response as it travels; raise ProtocolError naming the field.
    The message is made only for a field that fails: a catch-up pull checks 100,000 responses,
    and building ~20 messages each to throw them away was most of the cost."""
    if not isinstance(r, dict):
        raise ProtocolError(f"{where}: must be a JSON object")
    missing = [k for k in RESPONSE_KEYS if k not in r]
    if missing:
        raise ProtocolError(f"{where}: missing field(s) {', '.join(missing)}")
    seq = r["seq"]
    if not (_is_int(seq) and seq >= 1):
        raise ProtocolError(f"{where}.seq: must be an integer >= 1")
    for key in _STRING_KEYS:
        if not (isinstance(r[key], str) and r[key] != ""):
            _bad(seq, key, "must be a string")
    for key in ("officer", "procedure"):
        if not (r[key] is None or isinstance(r[key], str)):
            _bad(seq, key, "must be null or a string")
    if not _is_int(r["questionnaire_version"]):
        _bad(seq, "questionnaire_version", "must be an integer")
    if r["channel"] not in CHANNELS:
        _bad(seq, "channel", f"must be one of {', '.join(CHANNELS)}")
    if not isinstance(r["partial"], bool):
        _bad(seq, "partial", "must be true or false")
    if not (_is_int(r["uptime_ms"]) and r["uptime_ms"] >= 0):
        _bad(seq, "uptime_ms", "must be >= 0")
    answers = r["answers"]
    if not isinstance(answers, dict):
        _bad(seq, "answers", "must be an object")
    for q, score in answers.items():
        if not (_is_int(score) and score in SCORES):
            _bad(seq, f"answers.{q}", "must be an integer 1-5")
    yes_no = r.get("yes_no", {})  # optional (roster schema 3): {question code: true | false}
    if not isinstance(yes_no, dict):
        _bad(seq, "yes_no", "must be an object")
    for q, value in yes_no.items():
        if not isinstance(value, bool):
            _bad(seq, f"yes_no.{q}", "must be true or false")
        if q in answers:
            _bad(seq, f"yes_no.{q}", "is also a 1-5 answer")
    for key in ("reasons", "flags"):
        if not (isinstance(r[key], list) and all(isinstance(x, str) for x in r[key])):
            _bad(seq, key, "must be a list of strings")
    for key in ("prev_hash", "hash"):
        if not (isinstance(r[key], str) and _HEX64.match(r[key])):
            _bad(seq, key, "must be 64 lowercase hex digits")


_STRING_KEYS = ("store_id", "uuid", "kiosk_id", "recorded_at", "boot_id", "questionnaire")


def _bad(seq: int, field: str, problem: str) -> NoReturn:
    raise ProtocolError(f"response seq {seq}.{field}: {problem}")


def verify_chain(
    responses: Iterable[Mapping[str, Any]], after_seq: int = 0, prev_hash: str = GENESIS_HASH
) -> tuple[int, str]:
    """Check that `responses` continue a chain whose head is (`after_seq`, `prev_hash`).

    Returns the new head (last seq, last hash). Raises ProtocolError naming the first bad seq:
    a gap, a broken link or a hash that does not match the content.
    """
    expected = after_seq + 1
    for r in responses:
        seq = r.get("seq")
        if seq != expected:
            raise ProtocolError(f"seq {expected}: expected next, got {seq!r} (gap or reorder)")
        if r.get("prev_hash") != prev_hash:
            raise ProtocolError(f"seq {seq}: prev_hash does not link to seq {seq - 1}")
        if response_hash(r) != r.get("hash"):
            raise ProtocolError(f"seq {seq}: hash does not match the content")
        prev_hash = r["hash"]
        expected += 1
    return expected - 1, prev_hash


# --- roster (server -> kiosk) -------------------------------------------------------------

MODES = ("counter", "shared")
MAX_QUESTIONS = 20
MAX_REASONS = 8
MAX_TEXT = 300
# What a question is about (its optional `about` key): the reports count an officer's figures
# from the questions about the officer only. Kiosks do not use it; older ones ignore the key.
ABOUT = ("officer", "procedure", "result", "facilities", "centre")

BUILTIN_QUESTIONNAIRE: dict[str, Any] = {
    "id": "overall",
    "version": 1,
    "questions": [
        {
            "code": "q1",
            "text": {
                "vi": "Ông/Bà hài lòng với sự phục vụ hôm nay?",
                "en": "How satisfied are you with today's service?",
            },
            "about": "officer",
        }
    ],
    "reasons": [],
}


def question_type(question: Mapping[str, Any]) -> str:
    return str(question.get("type", SCALE))


def for_kiosk(questionnaire: Mapping[str, Any], types: Iterable[str]) -> dict[str, Any]:
    """The questionnaire as a kiosk that knows `types` may receive it: questions of any other
    type are left out (a kiosk that does not know yes/no would show it as five faces and store a
    1–5 score), and the `type` key is dropped for a kiosk that knows only the scale."""
    known = set(types) | {SCALE}
    questions = [dict(q) for q in questionnaire["questions"] if question_type(q) in known]
    if known == {SCALE}:
        for q in questions:
            q.pop("type", None)
    return {**questionnaire, "questions": questions}


def _code(value: Any, where: str) -> str:
    _require(isinstance(value, str) and bool(CODE_RE.match(value)), where,
             f"must be a code of letters, digits, '.', '_' or '-' (at most {MAX_CODE})")
    return value


def _text(value: Any, where: str) -> None:
    _require(isinstance(value, str) and value.strip() != "", where, "must be a non-empty string")
    _require(len(value) <= MAX_TEXT, where, f"is longer than {MAX_TEXT} characters")


def nfc(value: Any) -> Any:
    """The same data with every string in Unicode NFC: Vietnamese typed on different systems
    (precomposed or combining marks) then compares and sorts as one."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(v) for v in value]
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    return value


def _photo(photo: Any, where: str) -> None:
    _require(isinstance(photo, dict), where, "must be null or an object with sha256 and bytes")
    _require(isinstance(photo.get("sha256"), str) and bool(_HEX64.match(photo["sha256"])),
             f"{where}.sha256", "must be 64 lowercase hex digits")
    size = photo.get("bytes")
    _require(_is_int(size) and 0 < size <= MAX_PHOTO_BYTES, f"{where}.bytes",
             f"must be an integer from 1 to {MAX_PHOTO_BYTES}")


def roster_photos(roster: Mapping[str, Any] | None) -> dict[str, str]:
    """{officer code: photo sha256} for the officers whose photo the roster shows (schema 2;
    a schema-1 roster's `photo` was a server file name, which the kiosk never had)."""
    if not roster or roster.get("schema", 1) < 2:
        return {}
    return {o["code"]: o["photo"]["sha256"] for o in roster.get("officers", [])
            if isinstance(o.get("photo"), dict)}


def validate_roster(roster: Any) -> None:
    """Check a roster pushed by the server; raise ProtocolError naming the bad field."""
    _require(isinstance(roster, dict), "roster", "must be a JSON object")
    _require(_is_int(roster.get("version")) and roster["version"] >= 1, "roster.version",
             "must be an integer >= 1")
    unit = roster.get("unit")
    _require(isinstance(unit, dict), "roster.unit", "must be an object with a name")
    _text(unit.get("name"), "roster.unit.name")
    field_codes = set()
    for i, f in enumerate(roster.get("fields", [])):
        field_codes.add(_code(f.get("code") if isinstance(f, dict) else None, f"roster.fields[{i}].code"))
        _text(f.get("name"), f"roster.fields[{i}].name")
    schema = roster.get("schema", 1)
    _require(_is_int(schema) and schema >= 1, "roster.schema", "must be an integer >= 1")
    officer_codes = set()
    for i, o in enumerate(roster.get("officers", [])):
        _require(isinstance(o, dict), f"roster.officers[{i}]", "must be an object")
        officer_codes.add(_code(o.get("code"), f"roster.officers[{i}].code"))
        _text(o.get("name"), f"roster.officers[{i}].name")
        for field in o.get("fields", []):
            _require(field in field_codes, f"roster.officers[{i}].fields", f"unknown field {field!r}")
        if schema >= 2 and o.get("photo") is not None:
            _photo(o["photo"], f"roster.officers[{i}].photo")
    for i, p in enumerate(roster.get("procedures", [])):
        _require(isinstance(p, dict), f"roster.procedures[{i}]", "must be an object")
        _code(p.get("code"), f"roster.procedures[{i}].code")
        _text(p.get("name"), f"roster.procedures[{i}].name")
    q = roster.get("questionnaire")
    _require(isinstance(q, dict), "roster.questionnaire", "must be an object")
    _code(q.get("id"), "roster.questionnaire.id")
    _require(_is_int(q.get("version")), "roster.questionnaire.version", "must be an integer")
    questions = q.get("questions")
    _require(isinstance(questions, list) and len(questions) >= 1, "roster.questionnaire.questions",
             "must be a list of at least one question")
    _require(len(questions) <= MAX_QUESTIONS, "roster.questionnaire.questions",
             f"has {len(questions)} questions; a citizen at the counter answers at most {MAX_QUESTIONS}")
    for kind, items in (("questions", questions), ("reasons", q.get("reasons", []))):
        _require(isinstance(items, list), f"roster.questionnaire.{kind}", "must be a list")
        codes = set()
        for i, item in enumerate(items):
            where = f"roster.questionnaire.{kind}[{i}]"
            _require(isinstance(item, dict), where, "must be an object")
            code = _code(item.get("code"), f"{where}.code")
            _require(code not in codes, f"{where}.code", f"{code!r} appears twice")
            codes.add(code)
            text = item.get("text")
            _require(isinstance(text, dict), f"{where}.text",
                     "must be an object with 'vi' (and optionally 'en')")
            _text(text.get("vi"), f"{where}.text.vi")
            if kind == "questions" and "about" in item:
                _require(item["about"] in ABOUT, f"{where}.about", f"must be one of {', '.join(ABOUT)}")
            if kind == "questions":
                _require(question_type(item) in QUESTION_TYPES, f"{where}.type",
                         f"must be one of {', '.join(QUESTION_TYPES)}")
    # The first question is answered from the idle screen's faces (and by keys and buttons).
    _require(question_type(questions[0]) == SCALE, "roster.questionnaire.questions[0].type",
             "the first question must be a 1-5 scale (it is answered from the idle screen)")
    _require(len(q.get("reasons", [])) <= MAX_REASONS, "roster.questionnaire.reasons",
             f"at most {MAX_REASONS} reasons fit on the screen")
    settings = roster.get("kiosk", {})
    _require(isinstance(settings, dict), "roster.kiosk", "must be an object")
    if "mode" in settings:
        _require(settings["mode"] in MODES, "roster.kiosk.mode", f"must be one of {', '.join(MODES)}")
    for code in settings.get("officers_on_duty", []):
        _require(code in officer_codes, "roster.kiosk.officers_on_duty", f"unknown officer {code!r}")
    if "cooldown_s" in settings:
        c = settings["cooldown_s"]
        _require(isinstance(c, int | float) and not isinstance(c, bool) and c >= 0,
                 "roster.kiosk.cooldown_s", "must be a number >= 0")
    for key in ("ask_procedure", "show_stats"):
        if key in settings:
            _require(isinstance(settings[key], bool), f"roster.kiosk.{key}", "must be true or false")
    if settings.get("portal_invite") is not None:  # optional; kiosks before it ignore it
        problem = portal.check(settings["portal_invite"])
        _require(problem is None, "roster.kiosk.portal_invite", problem or "")
    if settings.get("qr_url") is not None:
        url = settings["qr_url"]
        _require(isinstance(url, str) and url.startswith(("http://", "https://")) and len(url) <= 300,
                 "roster.kiosk.qr_url", "must be an http(s) URL of at most 300 characters")
