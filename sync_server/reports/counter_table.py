"""The report by counter (quầy): per counter, its kiosk's ratings and the QR ratings made from its
poster together, under the counter's name, with the two channels' visits side by side so a reader
sees where the figures came from. No Flask here."""

from __future__ import annotations

from typing import Any

from sync_server.config import QR_KIOSK_ID
from sync_server.i18n import N_
from sync_server.reports import exports
from sync_server.reports import queries as reports
from sync_server.reports.places import Places

SPLIT_HEADERS = [N_("Lượt tại ki-ốt"), N_("Lượt qua mã QR")]
RULE = N_("Đánh giá qua mã QR dán tại một quầy được tính cho quầy đó; mã QR chung của trung tâm "
          "(không gắn với quầy nào) ở dòng “Mã QR (điện thoại)”.")


def figures(f: reports.Filters, apart: bool = False) -> dict[tuple[Any, ...], reports.Cell]:
    """{(place,): Cell}: the figures by counter (sync_server.reports.places); with `apart`,
    {(place, point): Cell}: a counter once per reception point it took ratings at."""
    return reports.figures(f, ("place", "point") if apart else ("place",))


def names(f: reports.Filters, keys: list[str], qr_name: str) -> dict[str, str]:
    """{group key: the name a person reads}: counters by name, the QR page's general row."""
    places = Places.load(f.unit)
    return {key: qr_name if key == QR_KIOSK_ID else places.label(key) for key in keys}


def with_channels(table: exports.Table, f: reports.Filters, keys: list[tuple[Any, ...]],
                  apart: bool = False) -> exports.Table:
    """The table with the visits at the kiosk and by QR code after each counter's name; `keys`
    are the rows' keys as `figures` gave them (with `apart`, (place, point))."""
    split: dict[tuple[Any, ...], list[int]] = {}
    dims = ("place", "point", "channel") if apart else ("place", "channel")
    for key, cell in reports.figures(f, dims).items():
        split.setdefault(key[:-1], [0, 0])[key[-1] == "qr"] += cell.responses
    rows = [[row[0], *split.get(key, [0, 0]), *row[1:]] for key, row in zip(keys, table.rows, strict=False)]
    total = [sum(n) for n in zip(*split.values(), strict=True)] if split else [0, 0]
    rows.append([table.rows[-1][0], *total, *table.rows[-1][1:]])
    headers = [table.headers[0], *SPLIT_HEADERS, *table.headers[1:]]
    return exports.Table(table.title, [*table.notes, RULE], headers, rows, table.below_target_rows,
                         table.after)
