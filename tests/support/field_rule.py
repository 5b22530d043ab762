"""The roster of the field-rule tests (field test R1): fields, procedures with and without one,
officers with one field, two, none, a gone one or a damaged list; the rule's wording as the pages
say it; and a month of responses under that roster."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from kiosk.shared.protocol import GENESIS_HASH
from sync_server.collect import ingest
from sync_server.db import write_transaction
from sync_server.db.models import Epoch, Field, Officer, Procedure, Response, utcnow
from sync_server.reports import exclusion
from sync_server.reports.overview import local_today
from tests.support.chains import make_chain

FIELDS = {"tu-phap": "Tư pháp – Hộ tịch", "dia-chinh": "Địa chính – Xây dựng", "van-hoa": "Văn hóa – Xã hội"}
PROCEDURES = {"p-tp": "tu-phap", "p-dc": "dia-chinh", "p-vh": "van-hoa", "p-none": None}
OFFICERS = {  # code -> the fields list as stored (JSON text)
    "nv-one": '["tu-phap"]',                  # one field: ratings without a procedure go there
    "nv-dc": '["dia-chinh"]',
    "nv-twice": '["van-hoa", "van-hoa"]',     # the same field twice is still one field
    "nv-two": '["tu-phap", "dia-chinh"]',     # two fields: unknown without a procedure
    "nv-none": "[]",
    "nv-gone": '["tu-phap", "da-xoa"]',       # a field code that no longer exists: one real field
    "nv-broken": "not json",                  # a damaged list reads as none
}
RULE = ("Phiếu không ghi thủ tục được tính vào lĩnh vực của cán bộ tiếp nhận khi cán bộ đó chỉ phụ "
        "trách một lĩnh vực.")


def seed_month(cfg) -> date:
    """~400 responses from the first day of this month (local) until now: every officer, with
    and without a procedure; some partial; a few excluded. Returns today (local)."""
    with write_transaction():
        for code, name in FIELDS.items():
            Field.create(code=code, name=name)
        for code, fld in PROCEDURES.items():
            Procedure.create(code=code, name=f"Thủ tục {code}", field=fld)
        for code, fields in OFFICERS.items():
            Officer.create(code=code, name=f"Cán bộ {code}", fields=fields)
    today = local_today(cfg.tz)
    start = datetime.combine(today.replace(day=1), datetime.min.time()) - timedelta(hours=7)  # 00:00 local
    span = max(60, int((utcnow() - start).total_seconds() // 60) - 5)
    rng = random.Random(11)

    def each(seq: int) -> dict:
        when = start + timedelta(minutes=rng.randrange(span))
        partial = rng.random() < 0.15
        return {"officer": rng.choice([*OFFICERS, None]),
                "procedure": rng.choice([*PROCEDURES, None, None, None]),
                "answers": {"q1": rng.randint(1, 5), **({} if partial else {"q2": rng.randint(1, 5)})},
                "partial": partial, "recorded_at": when.isoformat(timespec="milliseconds") + "+00:00"}

    chain = make_chain("store-f", 400, kiosk_id="quay-1", each=each)
    with write_transaction():
        epoch = Epoch.create(kiosk_id="quay-1", store_id="store-f")
    ingest.store_page(epoch.id, "quay-1", chain, (0, GENESIS_HASH), (400, chain[-1]["hash"]), tz=cfg.tz,
                      now=utcnow(), roster=ingest.Roster.load())
    for rid in rng.sample([r.id for r in Response.select(Response.id)], 7):
        exclusion.set_excluded(rid, True, "cán bộ bấm thử", "tester")
    return today
