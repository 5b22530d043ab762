"""At a province hub a reception point filtered without a commune is the hub's own point: every
commune's main office is `chinh` too, and a point code must never add up the rows of several
communes under one name. With a commune named, that commune's point; on a commune server (every
row's unit '') nothing changes."""

from __future__ import annotations

from datetime import date

from sync_server.db import database, write_transaction
from sync_server.db.models import Response
from sync_server.reports import assisted, estimate, rollup, topics, yes_no
from sync_server.reports import queries as reports
from tests.support.chains import make_chain
from tests.support.responses import store_chain

DAY = {"recorded_at": "2026-11-10T09:00:00.000+07:00", "flags": ["assisted"], "reasons": ["cho-doi"]}
NOVEMBER = reports.Filters(date(2026, 11, 1), date(2026, 11, 30))


def test_a_point_without_a_commune_is_the_hubs_own(make_config):
    cfg = make_config()
    store_chain(make_chain("store-own", 4, kiosk_id="quay-1", each=lambda _s: DAY), "quay-1", cfg)
    store_chain(make_chain("store-xa", 7, kiosk_id="quay-1", each=lambda _s: DAY), "quay-1", cfg, unit="xa-a")
    with write_transaction():
        Response.update(point="chinh").execute()  # the hub's own office, and the commune's main office
        rollup.rebuild()
    at = {"point": "chinh"}
    assert reports.total(reports.Filters(NOVEMBER.start, NOVEMBER.end, **at)).responses == 4
    assert reports.total(reports.Filters(NOVEMBER.start, NOVEMBER.end, unit="xa-a", **at)).responses == 7
    assert reports.total(NOVEMBER).responses == 11  # no point: the whole province, as before
    assert estimate.estimate(NOVEMBER.start, NOVEMBER.end, point="chinh").visits == 4
    assert estimate.estimate(NOVEMBER.start, NOVEMBER.end, unit="xa-a", point="chinh").visits == 7
    assert sum(c.responses for by in assisted.count(NOVEMBER.start, NOVEMBER.end, "chinh").values()
               for c in by.values()) == 4
    assert sum(topics.count(NOVEMBER.start, NOVEMBER.end, "chinh").responses) == 4
    assert yes_no.count(NOVEMBER.start, NOVEMBER.end, None, "chinh") == []  # reads, no yes/no asked
    database.close()
