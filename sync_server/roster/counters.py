"""Counters (quầy): which officers sit at a counter, for the QR page /r/<code> and the posters.

`counter_officers(code)` is the one lookup the QR page needs: a counter code (or, for installs
made before counters existed, a kiosk id with per-kiosk settings) → its officers. No Flask here.
"""

from __future__ import annotations

from sync_server.db.models import Counter, KioskSetting, Officer
from sync_server.roster.build import _json_list


def officer_codes(raw: str | None) -> list[str]:
    """The JSON list of officer codes stored on a counter, tolerant of a damaged value."""
    return _json_list(raw)


def counter_officers(code: str) -> list[Officer] | None:
    """The active officers at counter `code`, in seat order; None when no counter has that code.
    Falls back to a kiosk's own settings (KioskSetting.kiosk_id == code) so that a counter set
    up before this table existed still resolves."""
    counter = Counter.get_or_none(Counter.code == code)
    if counter is not None:
        codes = officer_codes(counter.officers)
    else:
        setting = KioskSetting.get_or_none(KioskSetting.kiosk_id == code)
        if setting is None:
            return None
        codes = officer_codes(setting.officers_on_duty)
    if not codes:
        return []
    found = {o.code: o for o in Officer.select().where(Officer.code.in_(codes) & Officer.active)}
    return [found[c] for c in codes if c in found]


def counter_for_kiosk(kiosk_id: str) -> Counter | None:
    return Counter.get_or_none(Counter.kiosk_id == kiosk_id)


__all__ = ["counter_officers", "counter_for_kiosk", "officer_codes"]
