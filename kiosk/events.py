"""The kiosk's event log: what happened at the counter besides ratings (start, stop, dropped
presses, clock jumps, exports...), for a technician and for the server's health page.

Pure standard library. The table and its append-only triggers live in `kiosk.store`; this
module says which kinds exist, what one event looks like, and how to show it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from kiosk.shared.exc import EventError

# The kinds the kiosk writes. `Store.log_event` refuses any other (a typo in a call site fails
# its test instead of logging an event nobody looks for).
KINDS = (
    "start",               # the app started (detail: version, pid)
    "stop",                # the app stopped cleanly (detail: reason)
    "roster_applied",      # a roster from the server is now on screen (detail: version)
    "clock_jump",          # wall clock moved against the monotonic clock (detail: delta_s)
    "cooldown_drop",       # a press ignored by the cooldown (detail: channel, score)
    "bounce_drop",         # a GPIO press ignored as contact bounce (detail: pin, count)
    "burst",               # presses faster than a person (detail: count, window_s)
    "admin_login_failed",  # wrong PIN on the admin screen (detail: attempts)
    "duty_set",            # officer on duty chosen on the admin screen (detail: officers, source)
    "duty_reset",          # a roster changed officers_on_duty: the local choice dropped (detail: officers)
    "export",              # hailong-kiosk export (detail: to, last_seq)
    "import",              # hailong-kiosk import (detail: file, responses_added, ...)
    "assist_marked",       # the officer's assist key or button (kiosk.assist): the next rating is assisted
    "dossier_attached",    # a scanned dossier code kept for the next rating (kiosk.dossier); never the code
    "dossier_refused",     # a scan without the unit's dossier format, or with [dossier] off; never the code
)

EVENT_KEYS = ("seq", "uuid", "kind", "recorded_at", "boot_id", "uptime_ms", "detail")
_KIND = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_event(e: Any, where: str = "event") -> None:
    """Check one event as exported. Kinds are checked by shape only, so a file written by a
    newer kiosk with kinds this one does not know still imports."""
    if not isinstance(e, dict):
        raise EventError(f"{where}: must be a JSON object")
    missing = [k for k in EVENT_KEYS if k not in e]
    if missing:
        raise EventError(f"{where}: missing field(s) {', '.join(missing)}")
    if not (_is_int(e["seq"]) and e["seq"] >= 1):
        raise EventError(f"{where}.seq: must be an integer >= 1")
    if not (isinstance(e["kind"], str) and _KIND.match(e["kind"])):
        raise EventError(f"{where}.kind: must be a lowercase name like 'start'")
    for key in ("uuid", "recorded_at", "boot_id"):
        if not (isinstance(e[key], str) and e[key]):
            raise EventError(f"{where}.{key}: must be a non-empty string")
    if not (_is_int(e["uptime_ms"]) and e["uptime_ms"] >= 0):
        raise EventError(f"{where}.uptime_ms: must be an integer >= 0")
    if not isinstance(e["detail"], dict):
        raise EventError(f"{where}.detail: must be an object")


def format_event(e: dict[str, Any]) -> str:
    """One line for a technician: seq, time, kind, then the detail as key=value."""
    detail = " ".join(f"{k}={json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v}"
                      for k, v in sorted(e["detail"].items()))
    return f"{e['seq']:>6}  {e['recorded_at']}  {e['kind']:<18} {detail}".rstrip()
