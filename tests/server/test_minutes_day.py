"""The minutes (biên bản) an office signs (issue 13): one per kiosk per day and one for the QR page,
not one per pull, with the count received, the seq range, the head hash and the chain checked
again from what is stored; and one for a collection a staff member opens by hand before
witnesses. Real pulls over HTTP from a fake kiosk at fixed times around local midnight; the
figures are checked against the chain itself (SQLite and PostgreSQL), the rest on SQLite."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from kiosk.shared.protocol import GENESIS_HASH, canonical_json
from sync_server.collect import ingest, minutes
from sync_server.collect.minutes_doc import grouped_hash
from sync_server.collect.puller import pull_kiosk
from sync_server.db import write_transaction
from sync_server.db.models import AuditLog, Epoch, PullLog, Response
from tests.support.chains import make_chain
from tests.support.docx_pdf import NEEDS_OFFICE, render
from tests.support.fake_kiosk import FakeKiosk
from tests.support.server import TOKEN, know_officers
from tests.support.web import add_user, client_as, csrf_token, page

DAY = date(2026, 12, 1)
SQLITE = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
# When the server pulled (UTC): 09:00 and 15:00 on 1 Dec in Vietnam, then 06:30 on 2 Dec, which
# is still 1 Dec in UTC: it belongs to the next day's minutes.
PULLS = [(datetime(2026, 12, 1, 2, 0), 5), (datetime(2026, 12, 1, 8, 0), 3),
         (datetime(2026, 12, 1, 23, 30), 2)]


@pytest.fixture
def office(make_config):
    chain = make_chain("store-a", 10)
    kiosk = FakeKiosk("quay-1", "store-a", [])
    cfg = make_config([("quay-1", kiosk.url, TOKEN)])
    know_officers("nv-lan")
    held = 0
    for when, n in PULLS:  # the kiosk holds more at each pull
        held += n
        kiosk.responses = chain[:held]
        pull_kiosk(cfg.kiosks[0], cfg, now=lambda when=when: when)
    qr = make_chain("store-qr", 4, kiosk_id="qr")
    with write_transaction():
        epoch = Epoch.create(kiosk_id="qr", store_id="store-qr")
    ingest.store_page(epoch.id, "qr", qr, (0, GENESIS_HASH), (4, qr[-1]["hash"]), tz=cfg.tz,
                      now=datetime(2026, 12, 1, 3, 0), roster=ingest.Roster.load())
    yield cfg, kiosk, chain, qr
    kiosk.stop()


def test_one_minutes_per_kiosk_per_day_from_what_is_stored(office):
    cfg, _kiosk, chain, qr = office
    first = minutes.for_day("quay-1", DAY, cfg.tz)
    assert (first.received, first.pulls, first.pulls_failed) == (8, 2, 0)
    (line,) = first.stores
    assert (line.store_id, line.first_seq, line.last_seq) == ("store-a", 1, 8)
    assert line.head_hash == chain[7]["hash"] and line.verified
    second = minutes.for_day("quay-1", date(2026, 12, 2), cfg.tz)
    assert (second.received, second.pulls) == (2, 1)
    assert (second.stores[0].first_seq, second.stores[0].last_seq, second.stores[0].head_hash) == (
        9, 10, chain[9]["hash"])
    by_qr = minutes.for_day("qr", DAY, cfg.tz)
    assert (by_qr.received, by_qr.pulls, by_qr.stores[0].head_hash) == (4, 0, qr[-1]["hash"])
    assert by_qr.verified
    assert minutes.for_day("quay-1", date(2026, 11, 30), cfg.tz).received == 0


@SQLITE
def test_the_day_page_and_its_document(office):
    cfg, _kiosk, chain, _qr = office
    from sync_server.app import create_app

    add_user("viewer", "viewer")
    client = client_as(create_app(cfg), "viewer")
    index = page(client, "/minutes/day?date=2026-12-01")
    row = re.search(r'id="day-quay-1">(.*?)</tr>', index, re.S).group(1)
    cells = dict(re.findall(r'data-field="([a-z]+)">([^<]*)<', row))
    assert (cells["received"], cells["seqs"], cells["chain"]) == ("8", "1–8", "toàn vẹn")
    assert 'id="day-qr"' in index and "Trang đánh giá qua mã QR" in index

    doc = page(client, "/minutes/day/quay-1/2026-12-01")
    fields = dict(re.findall(r'data-field="([^"]+)">([^<]*)<', doc))
    assert fields["Tổng số phiếu nhận và lưu"] == "8 phiếu"
    assert fields["Số thứ tự phiếu"] == "từ số 1 đến số 8"
    assert fields["Mã niêm phong cuối (SHA-256)"] == grouped_hash(chain[7]["hash"])
    assert fields["Chuỗi niêm phong"].startswith("Đã kiểm tra lại: toàn vẹn")
    assert fields["Số lần máy chủ lấy dữ liệu"].startswith("2 ")
    for words in ("BIÊN BẢN", "NGƯỜI CHỨNG KIẾN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "chúng tôi gồm:"):
        assert words in doc, words
    assert 'class="top noprint"' in doc  # the site's header and menu are not printed
    assert client.get("/minutes/day/quay-9/2026-12-01").status_code == 404
    assert client.get("/minutes/day/quay-1/2026-13-01").status_code == 404
    bad = client.get("/minutes/day?date=1-12-2026")
    assert bad.status_code == 200 and 'id="date-error"' in bad.get_data(as_text=True)
    english = page(client, "/minutes/day?date=2026-12-01&lang=en")
    assert "Minutes of collection by day" in english


@SQLITE
def test_a_response_altered_in_the_database_shows_in_the_minutes(office):
    cfg, _kiosk, _chain, _qr = office
    r = Response.get((Response.store_id == "store-a") & (Response.seq == 4))
    body = json.loads(r.body)
    body["answers"] = {"q1": 1}  # another score (it was 5), the hash left as it was
    Response.update(body=canonical_json(body).decode()).where(Response.id == r.id).execute()
    m = minutes.for_day("quay-1", DAY, cfg.tz)
    assert not m.verified and m.stores[0].problem.startswith("seq 4:")
    from sync_server.app import create_app

    add_user("viewer", "viewer")
    client = client_as(create_app(cfg), "viewer")
    assert "KHÔNG TOÀN VẸN — seq 4" in page(client, "/minutes/day/quay-1/2026-12-01")
    Response.delete().where(Response.id == r.id).execute()  # and one deleted: the gap shows
    assert minutes.for_day("quay-1", DAY, cfg.tz).stores[0].problem.startswith("seq 4:")


@SQLITE
def test_opening_the_box_by_hand_has_minutes_of_its_own(office):
    cfg, kiosk, chain, _qr = office
    from sync_server.app import create_app

    app = create_app(cfg)
    add_user("staff", "staff")
    add_user("viewer", "viewer")
    viewer, staff = client_as(app, "viewer"), client_as(app, "staff")
    kiosk.responses = chain + make_chain("store-a", 2, start=11, prev=chain[-1]["hash"])
    form = page(staff, "/kiosks/quay-1")
    assert 'name="witnesses"' in form
    assert staff.post("/minutes/open/quay-1", data={"witnesses": "x"}).status_code == 400  # no CSRF
    token = csrf_token(form)
    assert viewer.post("/minutes/open/quay-1", data={"csrf_token": csrf_token(page(viewer, "/kiosks/quay-1")),
                                                    "witnesses": ""}).status_code == 403
    assert staff.post("/minutes/open/quay-9", data={"csrf_token": token}).status_code == 404
    too_long = staff.post("/minutes/open/quay-1", data={"csrf_token": token, "witnesses": "a" * 700})
    assert too_long.status_code == 400
    assert PullLog.select().where(PullLog.opened_by.is_null(False)).count() == 0
    r = staff.post("/minutes/open/quay-1",
                   data={"csrf_token": token, "witnesses": " Nguyễn Văn Bình \n\nTrần Thị Cúc\n"})
    assert r.status_code == 302
    log = PullLog.get(PullLog.opened_by == "staff")
    assert r.headers["Location"].endswith(f"/minutes/opened/{log.id}")
    assert (log.received, log.first_seq, log.last_seq) == (2, 11, 12)
    assert log.witnesses == "Nguyễn Văn Bình\nTrần Thị Cúc"
    doc = page(viewer, f"/minutes/opened/{log.id}")
    fields = dict(re.findall(r'data-field="([^"]+)">([^<]*)<', doc))
    assert fields["Số phiếu nhận và lưu lần này"] == "2 phiếu"
    assert fields["Số thứ tự phiếu"] == "từ số 11 đến số 12"
    assert "1. Ông/Bà: Nguyễn Văn Bình" in doc and "2. Ông/Bà: Trần Thị Cúc" in doc
    assert "3. Ông/Bà: ……" in doc  # a blank line for a third witness
    assert "cán bộ mở: staff" in doc
    (audit,) = AuditLog.select().where(AuditLog.action == "collection.open")
    assert (audit.actor, audit.target, json.loads(audit.detail)["received"]) == ("staff", "quay-1", 2)
    automatic = PullLog.get(PullLog.opened_by.is_null())
    assert viewer.get(f"/minutes/opened/{automatic.id}").status_code == 404  # a pull is not a biên bản
    local_day = log.started_at.replace(tzinfo=UTC).astimezone(cfg.tz).date()
    today = minutes.for_day("quay-1", local_day, cfg.tz)  # it counts in its day's minutes
    assert today.opened_by_hand == 1


@SQLITE
@NEEDS_OFFICE
def test_the_day_minutes_docx_is_one_portrait_page_in_the_frame(office, tmp_path):
    cfg, _kiosk, chain, _qr = office
    from sync_server.app import create_app

    add_user("viewer", "viewer")
    client = client_as(create_app(cfg), "viewer")
    _data, pages, sizes = render(client, "/minutes/day/quay-1/2026-12-01?fmt=docx", "minutes-day", tmp_path)
    assert len(pages) == 1 and sizes[0][0] < sizes[0][1]  # one page, portrait
    text = pages[0]
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line for line in text.splitlines())  # one line
    assert "BIÊN BẢN" in text and "/BB-" in text and "từ số 1 đến số 8" in text
    for group in grouped_hash(chain[7]["hash"]).split():  # each group of the hash whole on a line
        assert group in text, group
    for signer in ("NGƯỜI LẬP BIÊN BẢN", "NGƯỜI CHỨNG KIẾN", "THỦ TRƯỞNG ĐƠN VỊ"):
        assert signer in text, signer
    assert "Nơi nhận" not in text
