"""Where a rating counts in the reports by counter (quầy): the counter of the kiosk it was given at,
or, for a QR rating made from a counter's poster, that counter (Response.counter, set at ingest).

A counter is named by its name; a kiosk that stands at no counter by its id; the QR page's
general poster (no counter) is the row "Mã QR (điện thoại)". Which kiosk stands at which counter
is read from the roster as it is when the report is made (a commune's snapshot at a hub). No Flask.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sync_server.db.models import Counter, DownstreamRoster

KIOSK_KEY = "kiosk:"  # a kiosk at no counter whose id is also some counter's code: kept apart


@dataclass(frozen=True)
class Places:
    names: dict[str, str]  # counter code -> its name
    at: dict[str, str]  # kiosk id -> the code of the counter it stands at

    @classmethod
    def load(cls, unit: str | None = None) -> Places:
        """This server's counters; at a province hub with `unit`, that commune's snapshot."""
        if not unit:
            rows = Counter.select(Counter.code, Counter.name, Counter.kiosk_id).tuples()
            return cls._of((code, name, kiosk) for code, name, kiosk in rows)
        entries = []
        for code, data in (DownstreamRoster.select(DownstreamRoster.code, DownstreamRoster.data)
                           .where((DownstreamRoster.server_id == unit) & (DownstreamRoster.kind == "counter"))
                           .tuples()):
            try:
                entry = json.loads(data)
            except ValueError:
                entry = {}
            entry = entry if isinstance(entry, dict) else {}
            kiosk = entry.get("kiosk_id")
            entries.append((code, str(entry.get("name") or code), kiosk if isinstance(kiosk, str) else None))
        return cls._of(entries)

    @classmethod
    def _of(cls, rows) -> Places:
        names, at = {}, {}
        for code, name, kiosk in rows:
            names[code] = name or code
            if kiosk:
                at[kiosk] = code
        return cls(names, at)

    def place(self, kiosk_id: str, counter: str) -> str:
        """The group key: a counter's code, else a kiosk's id (the QR page's is "qr")."""
        if counter in self.names:
            return counter
        where = counter or kiosk_id  # an install without counters: the QR code named a kiosk
        if where in self.at:
            return self.at[where]
        return KIOSK_KEY + where if where in self.names else where

    def label(self, key: str) -> str:
        """The name a person reads for a group key (the QR page's row is named by the caller)."""
        if key in self.names:
            return self.names[key]
        return key.removeprefix(KIOSK_KEY)
