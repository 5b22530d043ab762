"""`make demo`'s sample month (deploy/demo_sample.py): written through the kiosk's own store, its
chain verifies; a real pull over HTTP stores every sample rating exactly once (a second pull adds
none) and raises the planned service alert; the figures of /reports by officer and by reception
point equal the sample counted here, from the kiosk's store, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import sys
from collections import Counter as Tally
from datetime import date, datetime, timedelta

import pytest

from kiosk.store import Store
from sync_server.app import create_app
from sync_server.collect.puller import pull_all
from sync_server.db.models import Response, ServiceAlert
from sync_server.ops import demo_data
from tests.support.web import add_user, client_as
from tests.support.xvfb import REPO

TODAY = date(2026, 3, 16)  # a Monday: the month before it holds four Saturdays and four Sundays
START, END = TODAY - timedelta(days=30), TODAY - timedelta(days=1)


def _load_sample():
    """deploy/ is no package (the demo's code is in no installed one): loaded from its file."""
    name = "deploy_demo_sample"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "deploy" / "demo_sample.py")
        sys.modules[name] = importlib.util.module_from_spec(spec)  # dataclasses look it up there
        spec.loader.exec_module(sys.modules[name])
    return sys.modules[name]


demo_sample = _load_sample()


def bodies(store: Store) -> list[dict]:
    return store.responses_after(0, 10_000)


def test_the_sample_is_sealed_on_the_kiosks_chain_in_working_hours(tmp_path):
    store = Store(tmp_path / "kiosk.db", "quay-1")
    n = demo_sample.fill(store, TODAY)
    assert 250 <= n <= 450
    checked = store.verify()
    assert checked.ok and checked.count == n, checked
    rs = bodies(store)
    assert [r["seq"] for r in rs] == list(range(1, n + 1))
    assert {r["officer"] for r in rs} == {code for code, *_ in demo_data.OFFICERS}
    assert {r["procedure"] for r in rs} - {None} == {code for code, *_ in demo_data.PROCEDURES}
    boots: dict[str, set[datetime]] = {}
    for r in rs:
        at = datetime.fromisoformat(r["recorded_at"])
        assert at.utcoffset() == timedelta(hours=7)
        assert START <= at.date() <= END, r
        hm = (at.hour, at.minute)
        if at.weekday() == 5:
            assert (7, 30) <= hm < (11, 30), r
        else:
            assert at.weekday() < 5, r
            assert (7, 30) <= hm < (11, 30) or (13, 30) <= hm < (17, 0), r
        # The kiosk's clock fields agree with each other: one boot a morning, uptime since it.
        boots.setdefault(r["boot_id"], set()).add(at - timedelta(milliseconds=r["uptime_ms"]))
        assert r["channel"] in ("touch", "keypad") and r["answers"]["q1"] in range(1, 6)
    assert all(len(started) == 1 for started in boots.values())
    assert len(boots) == len({datetime.fromisoformat(r["recorded_at"]).date() for r in rs})
    assert min(r["answers"]["q1"] for r in rs) == 1
    store.close()


def test_a_store_that_holds_anything_is_refused(tmp_path):
    store = Store(tmp_path / "kiosk.db", "quay-1")
    store.append({"answers": {"q1": 5}, "channel": "touch", "questionnaire": "overall",
                  "questionnaire_version": 1})
    with pytest.raises(ValueError, match="already holds responses"):
        demo_sample.fill(store, TODAY)
    assert store.count() == 1
    store.close()


def report_csv(staff, by: str) -> dict[str, list[str]]:
    url = f"/reports?period=custom&start={START}&end={END}&by={by}&fmt=csv"
    rows = list(csv.reader(io.StringIO(staff.get(url).get_data().decode("utf-8-sig"))))
    head = next(i for i, r in enumerate(rows) if len(r) > 3 and "Lượt đánh giá" in r)
    return {r[0]: dict(zip(rows[head], r, strict=False)) for r in rows[head + 1:] if r}


def test_a_real_pull_stores_the_sample_once_and_the_reports_count_it(make_kiosk, make_config):
    kiosk = make_kiosk("quay-1")
    n = demo_sample.fill(kiosk.store, TODAY)
    cfg = make_config([kiosk.entry()])
    demo_data.seed(cfg)
    first = pull_all(cfg)
    assert [(r.status, r.received) for r in first] == [("ok", n)]
    assert Response.select().count() == n
    again = pull_all(cfg)
    assert [(r.status, r.received) for r in again] == [("ok", 0)]
    assert Response.select().count() == n
    assert sorted(json.loads(r.body)["uuid"] for r in Response.select()) == sorted(
        r["uuid"] for r in bodies(kiosk.store))
    # The planned run of complaints at the land desk, found as the pull stored it.
    assert ServiceAlert.select().where(ServiceAlert.subject_kind == "officer",
                                       ServiceAlert.subject == demo_sample.COMPLAINTS[0]).count() == 1

    # The figures, counted here from the kiosk's own store.
    rs = bodies(kiosk.store)
    per = Tally(r["officer"] for r in rs)
    happy = Tally(r["officer"] for r in rs if r["answers"]["q1"] >= 4)
    add_user("staff", "staff")
    staff = client_as(create_app(cfg), "staff")
    names = {code: name for code, name, *_ in demo_data.OFFICERS}
    table = report_csv(staff, "officer")
    for code, count in per.items():
        row = table[names[code]]
        assert int(row["Lượt đánh giá"]) == count, code
        for level in range(1, 6):
            column = next(k for k in row if k.startswith(f"{level} "))
            assert int(row[column]) == sum(1 for r in rs if r["officer"] == code
                                           and r["answers"]["q1"] == level), (code, level)
        share = row["Tỷ lệ hài lòng"].replace(",", ".").rstrip(" %▼")
        assert float(share) == pytest.approx(100 * happy[code] / count, abs=0.05), code
    by_point = report_csv(staff, "point")
    assert int(by_point[demo_data.POINTS[0]["name"]]["Lượt đánh giá"]) == n
