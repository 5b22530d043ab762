"""Sealed response chains made the way a kiosk makes them, for fake kiosks."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from kiosk.shared.protocol import GENESIS_HASH, seal

VN = timedelta(hours=7)


def iso_vn(utc: datetime) -> str:
    """A naive UTC time as a kiosk in Vietnam writes it: local time with +07:00."""
    return (utc + VN).replace(tzinfo=None).isoformat(timespec="milliseconds") + "+07:00"


def make_chain(store_id: str, n: int, *, kiosk_id: str = "quay-1", start: int = 1,
               prev: str = GENESIS_HASH, uuid_prefix: str | None = None,
               each: Callable[[int], dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Responses seq start..start+n-1 linked onto `prev`; `each(seq)` overrides fields."""
    prefix = uuid_prefix or hashlib.sha256(store_id.encode()).hexdigest()[:8]  # one per store
    out = []
    for seq in range(start, start + n):
        r = {"store_id": store_id, "seq": seq, "uuid": f"{prefix}-0000-4000-8000-{seq:012d}",
             "kiosk_id": kiosk_id, "officer": "nv-lan", "procedure": None, "questionnaire": "overall",
             "questionnaire_version": 1, "answers": {"q1": seq % 5 + 1}, "reasons": [],
             "channel": "touch", "partial": False, "flags": [],
             "recorded_at": "2026-11-22T08:15:02.120+07:00", "boot_id": "b", "uptime_ms": 1000 + seq}
        if each is not None:
            r.update(each(seq))
        out.append(seal(r, prev))
        prev = out[-1]["hash"]
    return out


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC).replace(tzinfo=None)
