"""Reception points (điểm tiếp nhận, NĐ 118/2025 Điều 7.3.b): the main office of a centre and, e.g.,
the office kept in a commune merged into it in 2025, each with its own counters and kiosks.

- Which point a rating belongs to is decided when it is stored (`PointMap`, read once per page
  of responses) and kept on the response: moving a kiosk or a counter
  later moves its future ratings only.
- The pre-merger map: a point may name the commune it was before the merger (`former_name`,
  `former_code`, `merged_on`). Ratings its kiosks recorded before that day are this centre's
  (they report under the new commune like any other) and the reports show the old name beside them.
- A centre with one point (every install before migration 18: the point `chinh`) never sees a
  point named anywhere (`several()`).

No Flask here: the points page validates through `values()`, reports read `names()`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sync_server.db import database
from sync_server.db.models import Counter, KioskPoint, ReceptionPoint
from sync_server.db.models.roster import MAIN_POINT
from sync_server.exc import InputError
from sync_server.i18n import N_
from sync_server.roster import edit as roster_edit
from sync_server.roster.counters import officer_codes
from sync_server.roster.unit import line

COMMUNE_CODE_RE = re.compile(r"^\d{5}$")
EARLIEST_MERGER = date(2019, 1, 1)  # the 2019–2021 round of mergers is the oldest one worth mapping


@dataclass(frozen=True)
class Former:
    """The commune a point was before the merger, as the reports name it."""

    name: str
    code: str
    merged_on: date | None

    def label(self) -> str:
        """"xã Vạn Thọ (22360)": the old name and code, in no language but the name's."""
        return f"{self.name} ({self.code})" if self.code else self.name


def ordered() -> list[ReceptionPoint]:
    return list(ReceptionPoint.select().order_by(ReceptionPoint.sort, ReceptionPoint.code))


def several() -> bool:
    """More than one point: only then do pages, filters and tables name points."""
    return ReceptionPoint.select().limit(2).count() > 1


def names() -> dict[str, str]:
    return {p.code: p.name for p in ordered()}


def formers() -> dict[str, Former]:
    """{point code: the commune it was}, for the points that name one."""
    return {p.code: Former(p.former_name, p.former_code, p.merged_on) for p in ordered() if p.former_name}


@dataclass(frozen=True)
class PointMap:
    """The points in order and where every counter and placed kiosk stands, read at once (three
    plain queries): a page of responses fixes each one's point from one map in its transaction,
    where a query per response (built by peewee) was a fifth of a QR submit's CPU."""

    codes: tuple[str, ...]  # the points, main office first
    counters: dict[str, tuple[str, str | None, str]]  # counter code -> (point, kiosk_id, officers JSON)
    placed: dict[str, str]  # kiosk id -> point (KioskPoint: a kiosk at no counter)

    @classmethod
    def load(cls) -> PointMap:
        run = database.execute_sql
        codes = tuple(c for (c,) in run('SELECT "code" FROM "reception_point" ORDER BY "sort", "code"'))
        counters = {code: (point, kiosk, officers) for code, point, kiosk, officers in run(
            'SELECT "code", "point", "kiosk_id", "officers" FROM "counter"')}
        placed = dict(run('SELECT "kiosk_id", "point" FROM "kiosk_point"').fetchall())
        return cls(codes, counters, placed)

    def main(self) -> str:
        """The first point in order (the main office): where a kiosk or counter nobody placed is."""
        return self.codes[0] if self.codes else MAIN_POINT

    def known(self, code: str) -> str:
        return code if code in self.codes else self.main()

    def of_counter(self, code: str) -> str | None:
        counter = self.counters.get(code)
        return self.known(counter[0]) if counter is not None else None

    def of_kiosk(self, kiosk_id: str) -> str:
        """The point a kiosk stands at now: its counter's, else its own placing, else the main one."""
        at = next((point for point, kiosk, _o in self.counters.values() if kiosk == kiosk_id), None)
        if at is None:
            at = self.placed.get(kiosk_id)
        return self.known(at) if at is not None else self.main()

    def of_officer(self, officer: str) -> str:
        """An officer's own QR code names no counter: the one point whose counters seat the officer,
        the only point there is, else '' (shown as "point unknown", never guessed)."""
        if len(self.codes) == 1:
            return self.codes[0]
        seated = {point for point, _k, seats in self.counters.values() if officer in officer_codes(seats)}
        return self.known(seated.pop()) if len(seated) == 1 else ""

    def of_qr(self, flags: list[str]) -> str:
        """A QR response's point, from the code its page was opened with (the flag
        "qr:counter:<code>" or "qr:officer:<code>", sealed in the response)."""
        for flag in flags:
            kind, _sep, code = flag.partition(":")[2].partition(":")
            if flag.startswith("qr:") and kind == "counter":
                found = self.of_counter(code)
                return found if found is not None else self.of_kiosk(code)  # a kiosk's code, no counters
            if flag.startswith("qr:") and kind == "officer":
                return self.of_officer(code)
        return self.of_officer("")  # an old QR response without its code: the only point, else ''


def point_of_counter(code: str) -> str | None:
    return PointMap.load().of_counter(code)


def point_of_kiosk(kiosk_id: str) -> str:
    return PointMap.load().of_kiosk(kiosk_id)


def _date(value: object, label: str) -> date | None:
    raw = str(value or "").strip()
    if not raw:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InputError("%(label)s: dùng dạng năm-tháng-ngày, ví dụ 2025-07-01", {"label": label}) from None
    if day < EARLIEST_MERGER or day > date(2100, 1, 1):
        raise InputError("%(label)s: ngày %(value)s không hợp lệ", {"label": label, "value": raw})
    return day


def values(data: dict[str, Any]) -> dict[str, Any]:
    """A point as typed on the points page, checked; InputError names the field."""
    former_name = line(data, "former_name", N_("tên xã cũ (trước sáp nhập)"))
    former_code = str(data.get("former_code") or "").strip()
    if former_code and not COMMUNE_CODE_RE.match(former_code):
        raise InputError("%(label)s: 5 chữ số hoặc để trống", {"label": N_("mã xã cũ")})
    merged_on = _date(data.get("merged_on"), N_("ngày sáp nhập"))
    if (former_code or merged_on) and not former_name:
        raise InputError("%(label)s: không được để trống", {"label": N_("tên xã cũ (trước sáp nhập)")})
    return {"code": roster_edit.code(data.get("code"), N_("mã điểm tiếp nhận")),
            "name": line(data, "name", N_("tên điểm tiếp nhận"), required=True),
            "address": line(data, "address", N_("địa chỉ"), roster_edit.MAX_ADDRESS),
            "sort": roster_edit._int(data.get("sort"), N_("thứ tự")),
            "former_name": former_name, "former_code": former_code, "merged_on": merged_on}


def existing(code: str) -> ReceptionPoint:
    point = ReceptionPoint.get_or_none(ReceptionPoint.code == str(code or "")[:64])
    if point is None:
        raise InputError("điểm tiếp nhận '%(code)s' không tồn tại", {"code": str(code or "")[:70]})
    return point


def place_counter(counter_code: str, point: str) -> str:
    """Move a counter (and the kiosk at it) to `point`; returns the point it was at. Its ratings
    stored so far stay where they were taken."""
    counter = Counter.get_or_none(Counter.code == counter_code)
    if counter is None:
        raise InputError("quầy '%(code)s' không tồn tại", {"code": counter_code[:70]})
    existing(point)
    Counter.update(point=point).where(Counter.code == counter_code).execute()
    return counter.point


def place_kiosk(kiosk_id: str, point: str) -> str:
    """Place a kiosk that stands at no counter; returns where it was."""
    roster_edit.code(kiosk_id, N_("mã ki-ốt"))
    if Counter.get_or_none(Counter.kiosk_id == kiosk_id) is not None:
        raise InputError("ki-ốt '%(kiosk)s' đặt ở một quầy: chuyển quầy đó sang điểm khác",
                         {"kiosk": kiosk_id})
    existing(point)
    before = point_of_kiosk(kiosk_id)
    KioskPoint.insert(kiosk_id=kiosk_id, point=point).on_conflict(
        conflict_target=[KioskPoint.kiosk_id], update={KioskPoint.point: point}).execute()
    return before


__all__ = ["Former", "PointMap", "existing", "formers", "names", "ordered", "place_counter", "place_kiosk",
           "point_of_counter", "point_of_kiosk", "several", "values"]
