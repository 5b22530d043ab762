"""Satisfaction per officer today / this month, in Asia/Ho_Chi_Minh, on known data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from kiosk.shared.protocol import GENESIS_HASH, seal
from sync_server.collect.puller import pull_kiosk
from sync_server.db.models import Response
from sync_server.ops import demo_data
from sync_server.reports.overview import local_today, officer_summary
from tests.support.fake_kiosk import FakeKiosk
from tests.support.server import TOKEN

# (officer, answers, recorded_at) -> local day in Asia/Ho_Chi_Minh (UTC+7)
DATA = [
    ("nv-lan", {"q1": 5}, "2026-11-22T08:00:00.000+07:00"),    # today
    ("nv-lan", {"q1": 4}, "2026-11-21T18:30:00.000+00:00"),    # today (01:30 local; UTC says 21st)
    ("nv-lan", {"q1": 2}, "2026-11-21T23:59:00.000+07:00"),    # yesterday: month only
    ("nv-lan", {"q1": 5}, "2026-10-31T23:30:00.000+07:00"),    # last month: not counted
    ("nv-hung", {"q1": 4, "q2": 1}, "2026-11-01T00:10:00.000+07:00"),  # first day of the month
    ("nv-hung", {"q1": 3}, "2026-10-31T17:30:00.000+00:00"),   # 00:30 on 1 Nov local: month
    (None, {"q1": 1}, "2026-11-22T09:00:00.000+07:00"),        # today, no officer
    ("nv-lan", {"q1": 5}, "2026-11-22T16:59:00.000+00:00"),    # 23:59 local: still today
    ("nv-lan", {"q1": 5}, "2026-11-22T17:01:00.000+00:00"),    # 00:01 on the 23rd: not yet
]
TODAY = date(2026, 11, 22)


def chain(store_id: str) -> list[dict]:
    out, prev = [], GENESIS_HASH
    for seq, (officer, answers, recorded_at) in enumerate(DATA, start=1):
        r = {"store_id": store_id, "seq": seq, "uuid": f"aaaaaaaa-0000-4000-8000-{seq:012d}",
             "kiosk_id": "quay-1", "officer": officer, "procedure": None, "questionnaire": "overall",
             "questionnaire_version": 1, "answers": answers, "reasons": [], "channel": "touch",
             "partial": False, "flags": [], "recorded_at": recorded_at, "boot_id": "b",
             "uptime_ms": seq}
        out.append(seal(r, prev))
        prev = out[-1]["hash"]
    return out


@pytest.fixture
def pulled(make_config):
    fake = FakeKiosk("quay-1", "store-a", chain("store-a"))
    cfg = make_config([("quay-1", fake.url, TOKEN)])
    demo_data.seed(cfg)
    assert pull_kiosk(cfg.kiosks[0], cfg).received == len(DATA)
    yield cfg
    fake.stop()


def test_local_date_is_the_day_in_the_unit_time_zone(pulled):
    days = [r.local_date for r in Response.select().order_by(Response.seq)]
    assert [str(d) for d in days] == ["2026-11-22", "2026-11-22", "2026-11-21", "2026-10-31",
                                      "2026-11-01", "2026-11-01", "2026-11-22", "2026-11-22",
                                      "2026-11-23"]
    assert Response.get(Response.seq == 2).recorded_utc == datetime(2026, 11, 21, 18, 30)
    assert Response.get(Response.seq == 2).recorded_at == "2026-11-21T18:30:00.000+00:00"


def test_local_today():
    tz = ZoneInfo("Asia/Ho_Chi_Minh")
    assert local_today(tz, datetime(2026, 11, 21, 17, 0, tzinfo=UTC)) == TODAY
    assert local_today(tz, datetime(2026, 11, 21, 16, 59, tzinfo=UTC)) == date(2026, 11, 21)


def test_per_officer_today_and_month(pulled):
    s = officer_summary(TODAY)
    assert s.month_start == date(2026, 11, 1)
    rows = {r.code: r for r in s.rows}
    lan, hung, unknown = rows["nv-lan"], rows["nv-hung"], rows[""]
    assert (lan.name, lan.title) == ("Nguyễn Thị Lan", "Công chức Tư pháp – Hộ tịch")
    assert (lan.today.responses, lan.today.answers, lan.today.satisfied) == (3, 3, 3)
    assert lan.today.pct == 100.0
    assert (lan.month.responses, lan.month.answers, lan.month.satisfied) == (4, 4, 3)
    assert lan.month.pct == 75.0
    assert (hung.today.responses, hung.today.pct) == (0, None)
    assert (hung.month.responses, hung.month.answers, hung.month.satisfied) == (2, 3, 1)
    assert hung.month.pct == pytest.approx(100 / 3)
    assert (unknown.name, unknown.today.responses, unknown.today.pct) == ("(không rõ cán bộ)", 1, 0.0)
    # Every active officer is listed, with zeros when nobody rated them.
    assert rows["nv-mai"].month.responses == 0 and rows["nv-mai"].month.pct is None
    assert [r.code for r in s.rows][:6] == [o[0] for o in demo_data.OFFICERS]
    assert (s.total_today.responses, s.total_today.answers, s.total_today.satisfied) == (4, 4, 3)
    assert (s.total_month.responses, s.total_month.answers, s.total_month.satisfied) == (7, 8, 4)
    assert s.total_month.pct == 50.0


def test_first_day_of_the_month_has_no_yesterday_in_it(pulled):
    s = officer_summary(date(2026, 11, 1))
    rows = {r.code: r for r in s.rows}
    assert rows["nv-hung"].today.responses == 2 and rows["nv-hung"].month.responses == 2
    assert rows["nv-lan"].month.responses == 0  # 31 Oct belongs to last month
