"""Reception points (issue 14): a centre's points as roster records with their counters and kiosks,
edited on /roster/points (admin, CSRF, validated, audited); a response belongs to the point of its
kiosk (or of its QR code's counter) when it is stored, and keeps it when the kiosk moves; the
reports together and apart (filter, table by point, letterhead); the pre-merger map (a point that
was a commune before the 2025 merger, its old ratings shown with the old name)."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from docx import Document

from kiosk.shared.protocol import GENESIS_HASH
from sync_server.app import create_app
from sync_server.collect import ingest
from sync_server.db import write_transaction
from sync_server.db.models import AuditLog, Counter, Epoch, ReceptionPoint, Response, RollupDay
from sync_server.ops import demo_data
from sync_server.qr import store as qr_store
from sync_server.reports import rollup
from sync_server.roster import points
from sync_server.upstream import province, receive, snapshot
from tests.support.chains import make_chain
from tests.support.docx_pdf import NEEDS_OFFICE, render
from tests.support.hub import raw_batch
from tests.support.web import add_user, client_as, csrf_token, login, page

SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
VAN_THO = {"code": "van-tho", "name": "Điểm tiếp nhận Vạn Thọ", "address": "Thôn Bắc, xã Đại Lãnh",
           "sort": "1", "former_name": "xã Vạn Thọ", "former_code": "22360", "merged_on": "2025-07-01"}


@pytest.fixture
def site(make_config):
    cfg = make_config([(k, "http://127.0.0.1:9", "k" * 24) for k in ("quay-1", "quay-2")])
    app = create_app(cfg)
    add_user("admin", "admin")
    admin = app.test_client()
    login(admin, "admin")
    with write_transaction():
        Counter.create(code="q1", name="Quầy 1", kiosk_id="quay-1")
    return cfg, app, admin


def post(client, url: str, data: dict) -> str:
    """POST a form of /roster/points with its CSRF token; the page it leads back to."""
    token = csrf_token(page(client, "/roster/points"))
    r = client.post(url, data={"csrf_token": token, **data})
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return page(client, "/roster/points")


class Kiosk:
    """One kiosk store, stored page by page the way a pull stores it."""

    def __init__(self, kiosk_id: str, cfg) -> None:
        self.kiosk_id, self.cfg, self.head, self.n = kiosk_id, cfg, (0, GENESIS_HASH), 0
        with write_transaction():
            self.epoch = Epoch.create(kiosk_id=kiosk_id, store_id=f"store-{kiosk_id}")

    def store(self, n: int, recorded_at: str = "2026-11-22T08:15:02.120+07:00") -> None:
        chain = make_chain(f"store-{self.kiosk_id}", n, kiosk_id=self.kiosk_id, start=self.n + 1,
                           prev=self.head[1], each=lambda seq: {"recorded_at": recorded_at})
        after = (chain[-1]["seq"], chain[-1]["hash"])
        ingest.store_page(self.epoch.id, self.kiosk_id, chain, self.head, after, tz=self.cfg.tz,
                          now=datetime(2026, 12, 1), roster=ingest.Roster.load())
        self.head, self.n = after, self.n + n


def by_point_csv(client, extra: str = "") -> dict[str, list[str]]:
    r = client.get(f"/reports?by=point&period=year&date=2026-06-01&fmt=csv{extra}")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    start = next(i for i, row in enumerate(rows) if row and row[0] == "Điểm tiếp nhận")
    return {row[0]: row for row in rows[start:] if row}


def test_a_fresh_centre_has_one_point_and_no_page_names_it(site):
    cfg, _app, admin = site
    assert [(p.code, p.name) for p in points.ordered()] == [("chinh", "Trụ sở chính")]
    assert not points.several()
    Kiosk("quay-1", cfg).store(3)
    assert {r.point for r in Response.select()} == {"chinh"}
    html = page(admin, "/reports?by=kiosk&period=year&date=2026-06-01")
    assert 'name="point"' not in html and "Điểm tiếp nhận" not in html
    assert 'value="point"' not in html  # no grouping by point either


def test_the_points_page_adds_renames_and_places_counters_and_kiosks(site):
    cfg, app, admin = site
    html = post(admin, "/roster/points", {**VAN_THO, "new": "1"})
    assert "Điểm tiếp nhận Vạn Thọ" in html
    point = ReceptionPoint.get(ReceptionPoint.code == "van-tho")
    assert (point.former_name, point.former_code, point.merged_on.isoformat()) == ("xã Vạn Thọ", "22360",
                                                                                   "2025-07-01")
    post(admin, "/roster/points", {"code": "chinh", "name": "Trụ sở Trung tâm", "sort": "0"})
    assert ReceptionPoint.get(ReceptionPoint.code == "chinh").name == "Trụ sở Trung tâm"
    post(admin, "/roster/points/counter", {"counter": "q1", "point": "van-tho"})
    post(admin, "/roster/points/kiosk", {"kiosk": "quay-2", "point": "van-tho"})
    assert (points.point_of_kiosk("quay-1"), points.point_of_kiosk("quay-2")) == ("van-tho", "van-tho")
    actions = [(a.action, a.target) for a in AuditLog.select().order_by(AuditLog.id)
               if a.action.startswith("point.")]
    assert actions == [("point.create", "van-tho"), ("point.update", "chinh"), ("point.counter", "q1"),
                       ("point.kiosk", "quay-2")]
    # A kiosk at a counter moves with its counter, not on its own.
    html = post(admin, "/roster/points/kiosk", {"kiosk": "quay-1", "point": "chinh"})
    assert "đặt ở một quầy" in html and points.point_of_kiosk("quay-1") == "van-tho"


@pytest.mark.parametrize("data, field", [
    ({"code": "vạn thọ", "name": "X"}, "mã điểm tiếp nhận"),
    ({"code": "vt", "name": ""}, "tên điểm tiếp nhận"),
    ({"code": "vt", "name": "Điểm huyện Vạn Ninh"}, "tên điểm tiếp nhận"),
    ({"code": "vt", "name": "X", "former_name": "xã Vạn Thọ", "former_code": "123"}, "mã xã cũ"),
    ({"code": "vt", "name": "X", "former_name": "xã Vạn Thọ", "merged_on": "01/07/2025"}, "ngày sáp nhập"),
    ({"code": "vt", "name": "X", "merged_on": "2025-07-01"}, "tên xã cũ (trước sáp nhập)"),
])
@SQLITE
def test_a_bad_point_is_refused_naming_its_field(site, data, field):
    _cfg, _app, admin = site
    html = post(admin, "/roster/points", {**data, "new": "1"})
    assert field in html
    assert ReceptionPoint.select().count() == 1


@SQLITE
def test_the_forms_need_an_admin_and_a_csrf_token(site):
    cfg, app, admin = site
    assert admin.post("/roster/points", data=VAN_THO).status_code == 400  # no token
    add_user("staff", "staff")
    staff = client_as(app, "staff")
    token = csrf_token(page(staff, "/roster/points"))
    assert staff.post("/roster/points", data={**VAN_THO, "csrf_token": token}).status_code == 403
    assert staff.post("/roster/points/counter", data={"counter": "q1", "point": "chinh",
                                                      "csrf_token": token}).status_code == 403
    html = post(admin, "/roster/points/counter", {"counter": "q1", "point": "nowhere"})
    assert "không tồn tại" in html and Counter.get().point == "chinh"
    assert ReceptionPoint.select().count() == 1


def test_a_moved_kiosk_keeps_its_old_ratings_where_they_were_taken(site):
    """Ratings belong to the point of the kiosk when they were stored: the counter moves after 4,
    the next 6 are the new point's; the rollups rebuilt from the rows agree (SQLite, PostgreSQL)."""
    cfg, _app, admin = site
    post(admin, "/roster/points", {**VAN_THO, "new": "1"})
    kiosk = Kiosk("quay-1", cfg)
    kiosk.store(4)
    post(admin, "/roster/points/counter", {"counter": "q1", "point": "van-tho"})
    kiosk.store(6)
    assert {p: Response.select().where(Response.point == p).count() for p in ("chinh", "van-tho")} == {
        "chinh": 4, "van-tho": 6}
    table = by_point_csv(admin)
    assert (table["Trụ sở chính"][2], table["Điểm tiếp nhận Vạn Thọ"][2], table["Tổng cộng"][2]) == (
        "4", "6", "10")
    before = sorted(RollupDay.select(RollupDay.point, RollupDay.question, RollupDay.responses, RollupDay.n1,
                                     RollupDay.n5).tuples())
    with write_transaction():
        rollup.rebuild()
    after = sorted(RollupDay.select(RollupDay.point, RollupDay.question, RollupDay.responses, RollupDay.n1,
                                    RollupDay.n5).tuples())
    assert before == after
    # The table by counter shows the kiosk at each point it stood at.
    html = page(admin, "/reports?by=kiosk&period=year&date=2026-06-01")
    assert "Quầy 1 · Trụ sở chính" in html and "Quầy 1 · Điểm tiếp nhận Vạn Thọ" in html


def test_a_report_of_one_point_counts_its_ratings_and_says_which_point(site):
    cfg, _app, admin = site
    post(admin, "/roster/points", {**VAN_THO, "new": "1"})
    post(admin, "/roster/points/kiosk", {"kiosk": "quay-2", "point": "van-tho"})
    Kiosk("quay-1", cfg).store(5)
    Kiosk("quay-2", cfg).store(2)
    html = page(admin, "/reports?by=officer&period=year&date=2026-06-01&point=van-tho")
    assert re.search(r'<option value="van-tho" selected>', html)
    assert 'id="page-point">Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ<' in html
    assert 'id="heatmap"' not in html  # the hours are the whole centre's
    r = admin.get("/reports?by=officer&period=year&date=2026-06-01&point=van-tho&fmt=csv")
    assert "van-tho" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    assert rows[1][0].startswith("Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ (van-tho).")
    assert next(row for row in rows if row and row[0] == "Tổng cộng")[2] == "2"
    everything = admin.get("/reports?by=officer&period=year&date=2026-06-01&fmt=csv").get_data()
    assert next(row for row in csv.reader(io.StringIO(everything.decode("utf-8-sig")))
                if row and row[0] == "Tổng cộng")[2] == "7"
    printed = page(admin, "/reports?by=officer&period=year&date=2026-06-01&point=van-tho&fmt=print")
    assert 'id="print-point">Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ<' in printed
    docx = admin.get("/reports?by=officer&period=year&date=2026-06-01&point=van-tho&fmt=docx")
    paragraphs = [p.text for p in Document(io.BytesIO(docx.get_data())).paragraphs]
    assert "Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ" in paragraphs
    r = admin.get("/reports?by=officer&period=year&point=khong-co")
    assert r.status_code == 400 and "point" in r.get_data(as_text=True)
    # The officers' month sheet (the monthly KPI report) too: its page, file and print view.
    html = page(admin, "/reports/officers?month=2026-11&point=van-tho")
    assert re.search(r'<option value="van-tho" selected>', html) and 'id="page-point"' in html
    sheet = admin.get("/reports/officers?month=2026-11&point=van-tho&fmt=csv")
    assert "van-tho" in sheet.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(sheet.get_data().decode("utf-8-sig"))))
    assert rows[1][0] == "Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ (van-tho)."
    assert next(row for row in rows if row and row[0] == "Tổng cộng")[2] == "2"
    assert 'id="print-point"' in page(admin, "/reports/officers?month=2026-11&point=van-tho&fmt=print")
    assert admin.get("/reports/officers?month=2026-11&point=khong-co").status_code == 400


def test_ratings_from_before_the_merger_report_under_the_centre_with_the_old_name(site):
    cfg, _app, admin = site
    post(admin, "/roster/points", {**VAN_THO, "new": "1"})
    post(admin, "/roster/points/kiosk", {"kiosk": "quay-2", "point": "van-tho"})
    old = Kiosk("quay-2", cfg)  # the old commune's kiosk, brought over with its store
    old.store(3, "2025-06-20T09:00:00.000+07:00")
    old.store(2, "2025-08-04T09:00:00.000+07:00")
    Kiosk("quay-1", cfg).store(4, "2025-08-04T10:00:00.000+07:00")
    r = admin.get("/reports?by=point&period=year&date=2025-06-01&fmt=csv")
    rows = list(csv.reader(io.StringIO(r.get_data().decode("utf-8-sig"))))
    header = next(row for row in rows if row and row[0] == "Điểm tiếp nhận")
    assert header[1] == "Xã cũ (trước sáp nhập)"
    got = {row[0]: row for row in rows if row}
    assert got["Điểm tiếp nhận Vạn Thọ"][1] == ("xã Vạn Thọ (22360), sáp nhập từ 01/07/2025; 3 lượt đánh giá "
                                               "trước ngày đó")
    assert got["Điểm tiếp nhận Vạn Thọ"][2] == "5" and got["Trụ sở chính"][1] == ""
    assert got["Tổng cộng"][2] == "9"  # one centre: the old commune's ratings are among its own
    html = page(admin, "/reports?by=point&period=year&date=2025-06-01&lang=en")
    assert "Former commune (before the merger)" in html
    assert "xã Vạn Thọ (22360), merged from 1 Jul 2025; 3 ratings before that day" in html  # English date
    html = page(admin, "/reports?by=kiosk&period=year&date=2025-06-01&lang=vi")
    assert "Điểm tiếp nhận Vạn Thọ: trước đây là xã Vạn Thọ (22360)" in html


def test_a_qr_response_belongs_to_its_counters_point(site):
    cfg, _app, admin = site
    post(admin, "/roster/points", {**VAN_THO, "new": "1"})
    with write_transaction():
        Counter.create(code="q2", name="Quầy 2", point="van-tho", officers='["nv-lan"]')
        Counter.update(officers='["nv-lan"]').where(Counter.code == "q1").execute()
    fields = {"questionnaire": "overall", "questionnaire_version": 1, "answers": {"q1": 4}}
    for flags in (["qr:counter:q2"], ["qr:counter:q1"], ["qr:officer:nv-lan"]):
        qr_store.store({**fields, "flags": flags}, tz=cfg.tz, now=datetime(2026, 11, 23, 2))
    # nv-lan sits at counters of both points: her own code names no point (never guessed).
    assert [r.point for r in Response.select().order_by(Response.seq)] == ["van-tho", "chinh", ""]
    assert "(không rõ điểm tiếp nhận)" in page(admin, "/reports?by=point&period=year&date=2026-06-01")


@SQLITE
def test_the_demo_is_a_centre_with_two_points_one_of_them_a_former_commune(site):
    cfg, _app, admin = site
    assert demo_data.seed(cfg) == demo_data.seed(cfg)  # safe to run again
    assert [(p.code, p.name, p.former_name) for p in points.ordered()] == [
        ("chinh", "Trụ sở Trung tâm (xã Đại Lãnh)", ""), ("van-tho", "Điểm tiếp nhận Vạn Thọ", "xã Vạn Thọ")]
    assert points.point_of_kiosk("quay-1") == "chinh" and points.point_of_counter("vt-1") == "van-tho"
    qr_store.store({"questionnaire": "overall", "questionnaire_version": 1, "answers": {"q1": 5},
                    "officer": "nv-mai", "flags": ["qr:counter:vt-1"]},
                   tz=cfg.tz, now=datetime(2026, 11, 23, 2))
    assert Response.get().point == "van-tho"
    html = page(admin, "/reports?by=point&period=year&date=2026-06-01")
    assert "Điểm tiếp nhận Vạn Thọ" in html and "xã Vạn Thọ, sáp nhập từ 01/07/2025" in html


@NEEDS_OFFICE
@SQLITE
def test_the_docx_of_one_point_names_it_under_the_title_in_libreoffice(site, tmp_path):
    cfg, _app, admin = site
    post(admin, "/roster/points", {**VAN_THO, "new": "1"})
    post(admin, "/roster/points/kiosk", {"kiosk": "quay-2", "point": "van-tho"})
    Kiosk("quay-2", cfg).store(3, "2025-06-20T09:00:00.000+07:00")
    url = "/reports?by=kiosk&period=year&date=2025-06-01&point=van-tho&fmt=docx"
    _data, pages, _sizes = render(admin, url, "points-van-tho", tmp_path)
    text = " ".join(" ".join(pages).split())
    assert "Kết quả đánh giá mức độ hài lòng theo quầy Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ" in text
    assert "trước đây là xã Vạn Thọ (22360)" in text


@SQLITE
def test_the_hub_names_the_former_communes_a_commune_pushed(make_config):
    """A commune's snapshot carries its points; the hub's commune list names the former communes.
    (One database plays both sides: the commune's snapshot is made, then received by the hub.)"""
    cfg = make_config(extra='[[downstream]]\nid = "xa-dai-lanh"\nname = "Xã Đại Lãnh"\n'
                            'token = "token-dai-lanh-0123456789abcdef"\n')
    with write_transaction():
        ReceptionPoint.create(**{**VAN_THO, "sort": 1, "merged_on": date(2025, 7, 1)})
    batch = raw_batch("xa-dai-lanh", make_chain("s-dl", 2), "2026-11-22")
    batch["roster"] = snapshot.roster("Xã Đại Lãnh")
    assert [(p["code"], p["sort"]) for p in batch["roster"]["point"]] == [("chinh", 0), ("van-tho", 1)]
    receive.receive(cfg, cfg.downstream[0], batch, datetime(2026, 11, 23))
    assert province.formers() == {"xa-dai-lanh": ["xã Vạn Thọ (22360), 01/07/2025"]}
    add_user("staff", "staff")
    html = page(client_as(create_app(cfg), "staff"), "/province")
    assert "Gồm xã cũ (trước sáp nhập): xã Vạn Thọ (22360), 01/07/2025" in html


@SQLITE
def test_the_counter_form_asks_for_the_point_only_when_there_are_several(site):
    _cfg, _app, admin = site
    assert 'id="counter-point"' not in page(admin, "/roster")
    post(admin, "/roster/points", {**VAN_THO, "new": "1"})
    html = page(admin, "/roster")
    assert 'id="counter-point"' in html and "<th>Điểm tiếp nhận</th>" in html
    token = csrf_token(html)
    form = {"csrf_token": token, "code": "q9", "name": "Quầy 9", "mode": "counter", "sort": "9"}
    assert admin.post("/roster/counters", data={**form, "point": "van-tho"}).status_code == 302
    assert Counter.get(Counter.code == "q9").point == "van-tho"
    admin.post("/roster/counters", data={**form, "code": "q10", "point": "khong-co"})
    assert Counter.get_or_none(Counter.code == "q10") is None
    assert "điểm tiếp nhận &#39;khong-co&#39; không tồn tại" in page(admin, "/roster")
