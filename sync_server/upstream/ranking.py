"""Hub side: a ranking of the communes that does not mislead (docs/hub.md "The ranking").

Three rules, each because a plain sort by share satisfied would mislead:
- a commune ranks only with at least MIN_SAMPLE visits in the period: 9 of 10 satisfied is not
  better than 450 of 500 (the page shows each share's 95 % interval, which says so);
- communes rank among peers of a like volume (BANDS, visits per day of the period): a rural
  commune with 8 visits a day and an urban ward with 300 serve different crowds;
- a commune silent for [province] silent_days or revoked is flagged, not ranked: its
  figures stop where its pushes stopped.
The figures are the report's own (queries.figures by unit). No Flask here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from sync_server.i18n import N_, Msg
from sync_server.reports import queries
from sync_server.reports.queries import Cell
from sync_server.upstream.province import Commune

MIN_SAMPLE = 100  # visits ([province] min_sample): a share of 100 answers is known to about ±10 points
# (lowest visits a day, label): a commune belongs to the last band whose floor it reaches.
BANDS = ((0.0, N_("Dưới 10 lượt/ngày")), (10.0, N_("Từ 10 đến dưới 50 lượt/ngày")),
         (50.0, N_("Từ 50 lượt/ngày")))
Z95 = 1.96


@dataclass
class Ranked:
    commune: Commune
    cell: Cell
    share: float  # percent
    low: float  # the 95 % interval of the share (Wilson), percent
    high: float
    per_day: float
    rank: int = 0


@dataclass
class Band:
    label: str
    rows: list[Ranked] = field(default_factory=list)


@dataclass
class Unranked:
    commune: Commune
    cell: Cell
    why: Msg


def wilson(good: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson interval of good/n, in percent (sound for small n and shares near 100 %)."""
    if n <= 0:
        return 0.0, 100.0
    p = good / n
    centre = (p + Z95 ** 2 / (2 * n)) / (1 + Z95 ** 2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95 ** 2 / (4 * n * n)) / (1 + Z95 ** 2 / n)
    return max(0.0, centre - half) * 100, min(1.0, centre + half) * 100


def days_of(start: date, end: date, today: date) -> int:
    """Days of the period so far (a month under way counts its days until today)."""
    return max(1, (min(end, today) - start).days + 1)


def rank(communes: list[Commune], cells: dict[str, Cell], days: int, definition: str,
         silent_days: int, min_sample: int = MIN_SAMPLE) -> tuple[list[Band], list[Unranked]]:
    bands = [Band(label) for _floor, label in BANDS]
    unranked: list[Unranked] = []
    for c in communes:
        cell = cells.get(c.server_id, Cell())
        share = cell.counts.pct(definition)
        if c.revoked:
            unranked.append(Unranked(c, cell, Msg(N_("đã thu hồi"))))
        elif c.silent:
            unranked.append(Unranked(c, cell, Msg(N_("im lặng: không gửi lên từ %(n)s ngày trở lên"),
                                                 n=silent_days)))
        elif cell.responses < min_sample or share is None:
            unranked.append(Unranked(c, cell, Msg(N_("ít phiếu: %(n)s lượt, cần ít nhất %(min)s"),
                                                 n=cell.responses, min=min_sample)))
        else:
            per_day = cell.responses / days
            band = next(b for (floor, _l), b in reversed(list(zip(BANDS, bands, strict=True)))
                        if per_day >= floor)
            good = round(share * cell.counts.total / 100)
            band.rows.append(Ranked(c, cell, share, *wilson(good, cell.counts.total), per_day))
    for band in bands:
        band.rows.sort(key=lambda r: (-r.share, -r.cell.responses, r.commune.server_id))
        for i, r in enumerate(band.rows):  # equal shares share a rank
            r.rank = band.rows[i - 1].rank if i and r.share == band.rows[i - 1].share else i + 1
    return [b for b in bands if b.rows], unranked


def period_cells(start: date, end: date) -> dict[str, Cell]:
    """{server_id: Cell} over the period, from the report's own figures."""
    return {key[0]: cell for key, cell in queries.figures(queries.Filters(start, end), ("unit",)).items()}
