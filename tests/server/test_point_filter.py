"""The reception-point filter on every period report (issue 14): the topics, yes/no, assisted and
yearly pages, the lobby board and the monthly poster read `point` as /reports does, with the
same control and words, and name the point under the title, in the letterhead and in the file
name of their exports. A centre of two points whose figures differ; SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

import pytest
from docx import Document

from kiosk.shared.protocol import GENESIS_HASH
from sync_server.app import create_app
from sync_server.collect import ingest
from sync_server.db import write_transaction
from sync_server.db.models import Counter, Epoch, utcnow
from sync_server.db.models.roster import MAIN_POINT
from sync_server.ops import demo_data
from sync_server.reports import yearly
from tests.support.chains import make_chain
from tests.support.web import add_user, client_as

VAN_THO = "van-tho"
VAN_THO_LINE = "Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ (van-tho)."
# Per point: (score, topics, the yes/no answer, assisted) of each rating.
RATINGS = {
    "quay-1": [(5, [], False, True), (5, [], False, False), (4, [], False, False),
               (2, ["cho-lau"], False, False)],
    "quay-2": [(1, ["thai-do"], True, True), (2, ["thai-do"], False, True), (5, [], False, False)],
}


def _store(cfg, kiosk_id: str, now: datetime) -> None:
    """One kiosk's ratings, stored the way a pull stores them (at the point its counter is at)."""
    ratings = RATINGS[kiosk_id]
    recorded = now.astimezone(cfg.tz).isoformat(timespec="milliseconds")

    def each(seq: int) -> dict:
        score, topics, yes, helped = ratings[seq - 1]
        return {"answers": {"q1": score}, "reasons": topics, "yes_no": {"q-e": yes},
                "flags": ["assisted"] if helped else [], "recorded_at": recorded}

    chain = make_chain(f"store-{kiosk_id}", len(ratings), kiosk_id=kiosk_id, each=each)
    with write_transaction():
        epoch = Epoch.create(kiosk_id=kiosk_id, store_id=f"store-{kiosk_id}")
    ingest.store_page(epoch.id, kiosk_id, chain, (0, GENESIS_HASH), (chain[-1]["seq"], chain[-1]["hash"]),
                      tz=cfg.tz, now=utcnow(), roster=ingest.Roster.load())


@pytest.fixture
def centre(make_config):
    """The demo centre (two points); quay-1 at the main office, quay-2 at Vạn Thọ."""
    cfg = make_config([(k, "http://127.0.0.1:9", "k" * 24) for k in ("quay-1", "quay-2")])
    demo_data.seed(cfg)
    Counter.update(point=VAN_THO).where(Counter.kiosk_id == "quay-2").execute()
    now = datetime.now(cfg.tz)
    for kiosk_id in RATINGS:
        _store(cfg, kiosk_id, now)
    app = create_app(cfg)
    add_user("staff", "staff")
    return client_as(app, "staff"), now.date()


def _csv(client, url: str) -> tuple[list[list[str]], str]:
    r = client.get(url + "&fmt=csv")
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    return list(csv.reader(io.StringIO(r.get_data().decode("utf-8-sig")))), r.headers["Content-Disposition"]


def _row(rows: list[list[str]], first: str) -> list[str]:
    return next(row for row in rows if row and row[0] == first)


# (page, the total row's first cell, its cells read, the file's stem) and the figures expected
# for the main office, Vạn Thọ and the whole centre.
COUNTED = [
    ("/reports/topics", "Số lượt có chọn chủ đề", slice(6, 7), "hailong-chu-de", (["1"], ["2"], ["3"])),
    ("/reports/yes-no", "Tổng cộng", slice(3, 6), "hailong-co-khong",
     (["0", "4", "4"], ["1", "2", "3"], ["1", "6", "7"])),
    ("/reports/assisted", "Tổng cộng", slice(1, 2), "hailong-co-can-bo-giup", (["1"], ["2"], ["3"])),
]


def test_the_counting_pages_read_one_point_and_name_it(centre):
    client, today = centre
    period = f"?period=custom&start={today.replace(day=1)}&end={today}"
    for url, first, cells, stem, (main, outlying, whole) in COUNTED:
        for point, expected in ((MAIN_POINT, main), (VAN_THO, outlying), ("", whole)):
            rows, disposition = _csv(client, f"{url}{period}&point={point}")
            assert _row(rows, first)[cells] == expected, (url, point)
            assert (f"{stem}-{point}-" in disposition) == bool(point), disposition
        rows, _name = _csv(client, f"{url}{period}&point={VAN_THO}")
        assert rows[1][0] == VAN_THO_LINE  # the first note, under the title
        html = client.get(f"{url}{period}&point={VAN_THO}").get_data(as_text=True)
        assert re.search(r'<option value="van-tho" selected>', html), url  # the same control as /reports
        assert 'id="page-point">Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ (van-tho).<' in html
        assert 'id="page-point"' not in client.get(url + period).get_data(as_text=True)
        xlsx = client.get(f"{url}{period}&point={VAN_THO}&fmt=xlsx")
        assert xlsx.status_code == 200 and f"{stem}-{VAN_THO}-" in xlsx.headers["Content-Disposition"]
        bad = client.get(f"{url}{period}&point=khong-co")
        assert bad.status_code == 400 and "point" in bad.get_data(as_text=True)
    english = client.get(f"/reports/topics{period}&point={VAN_THO}&lang=en").get_data(as_text=True)
    assert "Reception point: Điểm tiếp nhận Vạn Thọ (van-tho)." in english


def test_the_yearly_report_of_one_point(centre):
    client, today = centre
    assert [yearly.build(today.year, "survey", p).total for p in (MAIN_POINT, VAN_THO, None)] == [4, 3, 7]
    url = f"/reports/year?year={today.year}"
    rows, disposition = _csv(client, f"{url}&point={VAN_THO}")
    assert "hailong-bao-cao-nam-van-tho-" in disposition
    assert _row(rows, "7")[2].startswith("3 phiếu")
    assert _row(_csv(client, url + "&point=")[0], "7")[2].startswith("7 phiếu")
    html = client.get(f"{url}&point={VAN_THO}").get_data(as_text=True)
    assert re.search(r'<option value="van-tho" selected>', html)
    assert 'id="page-point">Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ<' in html
    assert 'name="point" value="van-tho"' in html  # saving the staff's text comes back to this point
    docx = client.get(f"{url}&point={VAN_THO}&fmt=docx")
    assert "hailong-bao-cao-nam-van-tho-" in docx.headers["Content-Disposition"]
    paragraphs = [p.text for p in Document(io.BytesIO(docx.get_data())).paragraphs]
    assert "Điểm tiếp nhận: Điểm tiếp nhận Vạn Thọ" in paragraphs
    assert client.get(f"{url}&point=khong-co").status_code == 400


def test_the_lobby_board_and_the_poster_of_one_point(centre):
    client, today = centre
    public = client.application.test_client()  # the board needs no login
    totals = {}
    for point in (MAIN_POINT, VAN_THO, ""):
        html = public.get(f"/board?point={point}").get_data(as_text=True)
        totals[point] = re.search(r'id="board-total">.*?<strong>(\d+)</strong>', html, re.S).group(1)
    assert totals == {MAIN_POINT: "4", VAN_THO: "3", "": "7"}
    html = public.get(f"/board?point={VAN_THO}").get_data(as_text=True)
    assert 'id="board-point">Điểm tiếp nhận Vạn Thọ<' in html and "— Điểm tiếp nhận Vạn Thọ</title>" in html
    assert 'id="board-point"' not in public.get("/board").get_data(as_text=True)
    assert public.get("/board?point=khong-co").status_code == 400
    month = f"{today:%Y-%m}"
    poster = client.get(f"/board/poster?month={month}&point={VAN_THO}").get_data(as_text=True)
    assert 'id="poster-point">Điểm tiếp nhận Vạn Thọ<' in poster
    assert re.search(r'<option value="van-tho" selected>', poster)
    whole = client.get(f"/board/poster?month={month}").get_data(as_text=True)
    assert 'id="poster-point"' not in whole
    overall = r'id="poster-overall".*?trên (\d+) lượt'
    counted = [re.search(overall, text, re.S).group(1) for text in (poster, whole)]
    assert counted == ["3", "7"]
