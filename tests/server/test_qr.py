"""The citizens' QR page through Flask's test client, on SQLite and PostgreSQL: a response is
stored as channel qr on a chain of its own; bad input, stale forms, tickets and the per-device
limit are refused with a Vietnamese message and nothing stored."""

from __future__ import annotations

import json
import re
import threading
import time
import unicodedata

import pytest

from kiosk.shared import qrticket
from kiosk.shared.protocol import GENESIS_HASH, verify_chain
from sync_server.app import create_app
from sync_server.db.models import (
    Answer,
    AuditLog,
    CitizenContact,
    Epoch,
    KioskSetting,
    Officer,
    Procedure,
    QrRefusal,
    QrTicket,
    Response,
    RollupDay,
    utcnow,
)
from sync_server.qr import store as qr_store
from tests.support.qr import seed_roster
from tests.support.server import TOKEN
from tests.support.web import add_user, csrf_token, login

QR_EXTRA = "[qr]\nask_name = true\nwifi_name = \"UBND-Khach\"\n"


@pytest.fixture
def app(make_config):
    """Two kiosks, the QR page asking the citizen's name, the QR tests' roster."""
    cfg = make_config([("quay-1", "http://127.0.0.1:9", TOKEN), ("quay-2", "http://127.0.0.1:9", TOKEN)],
                      extra=QR_EXTRA)
    seed_roster()
    return create_app(cfg)


def form_for(client, url: str) -> tuple[str, str]:
    r = client.get(url)
    assert r.status_code == 200, r.get_data(as_text=True)
    html = r.get_data(as_text=True)
    return html, csrf_token(html)


def good(token: str, **extra) -> dict:
    return {"csrf_token": token, "o": "nv-lan", "q_q1": "5", "q_q2": "4", **extra}


def chain() -> list[dict]:
    rows = Response.select().where(Response.kiosk_id == "qr").order_by(Response.seq)
    return [json.loads(r.body) for r in rows]


def test_a_response_is_stored_as_channel_qr_on_its_own_chain(client):
    html, token = form_for(client, "/r/nv-lan")
    assert "Nguyễn Thị Lan" in html and 'value="5"' in html and "Rất hài lòng" in html
    assert "Thủ tục đăng ký khai sinh" in html and 'name="name"' in html
    r = client.post("/r/nv-lan", data=good(token, procedure="1.001193", name="Lan", consent="1"),
                    environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/r/nv-lan/cam-on")
    assert "đã được ghi nhận" in client.get(r.headers["Location"]).get_data(as_text=True)

    client.set_cookie("hl_qr", "another-phone")  # another device: the limit is per device
    _html, token = form_for(client, "/r/nv-hung")
    assert client.post("/r/nv-hung", data=good(token, o="nv-hung", q_q1="3"),
                       environ_base={"REMOTE_ADDR": "10.0.0.8"}).status_code == 303

    stored = chain()
    assert [r["seq"] for r in stored] == [1, 2]
    assert verify_chain(stored, 0, GENESIS_HASH) == (2, stored[-1]["hash"])
    first = stored[0]
    assert (first["channel"], first["kiosk_id"], first["officer"]) == ("qr", "qr", "nv-lan")
    assert first["procedure"] == "1.001193"
    assert first["questionnaire"] == "tt01" and first["questionnaire_version"] == 2
    assert first["answers"] == {"q1": 5, "q2": 4} and "name" not in first  # kept apart (test_qr_contacts)
    assert "10.0.0.7" not in Response.get(Response.seq == 1).body  # no IP in the response
    epoch = Epoch.get(Epoch.kiosk_id == "qr")
    assert (epoch.last_seq, epoch.head_hash) == (2, stored[-1]["hash"])
    row = Response.get(Response.seq == 1)
    assert row.channel == "qr" and row.unknown_refs is None and row.time_source == "kiosk"
    assert Answer.select().where(Answer.response == row.id).count() == 2
    # The reports' rollups moved with it, like a kiosk response.
    total = RollupDay.get((RollupDay.channel == "qr") & (RollupDay.question == "")
                          & (RollupDay.officer == "nv-lan"))
    assert total.responses == 1


def test_the_thanks_redirect_names_each_code_under_its_mount_point(client):
    """The 303's URL is made once per code and mount point (issue 16): behind a proxy that mounts
    the server under /hailong, and without, each answer names its own code's thanks page."""
    for root, code in (("", "nv-lan"), ("/hailong", "nv-lan"), ("/hailong", "nv-hung"), ("", "nv-hung")):
        client.set_cookie("hl_qr", f"phone{root}{code}")
        _html, token = form_for(client, f"/r/{code}")
        r = client.post(f"/r/{code}", data=good(token, o=code), environ_overrides={"SCRIPT_NAME": root})
        assert r.status_code == 303 and r.headers["Location"] == f"{root}/r/{code}/cam-on"
    assert Response.select().count() == 4


def test_a_counter_shows_its_officers_then_the_others_and_a_general_choice(client):
    html = client.get("/r/quay-1").get_data(as_text=True)
    here, others = html.index('id="qr-here"'), html.index('id="qr-others"')
    # The counter's own officers first, then every other active one (the colleague sitting in).
    assert here < html.index("Nguyễn Thị Lan") < html.index("Trần Văn Hùng") < html.index("Cán bộ khác")
    assert html.index("Cán bộ khác") < others < html.index("Lê Quang Minh")
    assert "/r/quay-1?o=nv-lan" in html and "/r/quay-1?o=nv-minh" in html and "/r/quay-1?o=-" in html
    html, token = form_for(client, "/r/quay-1?o=-")
    assert client.post("/r/quay-1", data=good(token, o="-")).status_code == 303
    assert chain()[0]["officer"] is None and chain()[0]["flags"] == ["qr:counter:quay-1"]
    # A counter with no officers on duty offers every active officer (and no "others").
    html = client.get("/r/quay-2").get_data(as_text=True)
    assert "Lê Quang Minh" in html and 'id="qr-others"' not in html


def test_a_counter_with_one_officer_offers_another_officer(client):
    """Q4: the colleague sitting in for the counter's one officer is rated under their own name."""
    KioskSetting.update(officers_on_duty=json.dumps(["nv-lan"])).where(
        KioskSetting.kiosk_id == "quay-1").execute()
    html, _token = form_for(client, "/r/quay-1")
    assert "Nguyễn Thị Lan" in html and 'name="o" value="nv-lan"' in html  # preselected, as before
    assert "/r/quay-1?chon=1" in html and "Chọn cán bộ khác" in html
    grid = client.get("/r/quay-1?chon=1").get_data(as_text=True)
    assert grid.index('id="qr-here"') < grid.index("Nguyễn Thị Lan") < grid.index('id="qr-others"')
    assert grid.index('id="qr-others"') < grid.index("Trần Văn Hùng")
    html, token = form_for(client, "/r/quay-1?o=nv-hung")
    assert 'name="o" value="nv-hung"' in html
    assert client.post("/r/quay-1", data=good(token, o="nv-hung")).status_code == 303
    assert chain()[0]["officer"] == "nv-hung" and chain()[0]["flags"] == ["qr:counter:quay-1"]
    # "In general" there rates nobody, not the preselected officer.
    _html, token = form_for(client, "/r/quay-1?o=-")
    assert client.post("/r/quay-1", data=good(token, o="-")).status_code == 303
    assert chain()[1]["officer"] is None
    # An officer's own code still rates that officer only.
    _html, token = form_for(client, "/r/nv-lan")
    assert client.post("/r/nv-lan", data=good(token, o="nv-hung")).status_code == 400


def test_the_topics_are_asked_the_same_way_after_every_score(client):
    """The kiosk's rule: the same neutral question and chips after every score, optional."""
    html, token = form_for(client, "/r/nv-lan")
    assert "Điều gì Ông/Bà quan tâm nhất hôm nay?" in html and "Chờ lâu" in html
    assert "chưa hài lòng" not in html
    r = client.post("/r/nv-lan", data={**good(token, q_q1="5", q_q2="4"), "reason": ["thai-do", "cho-lau"]})
    assert r.status_code == 303  # no second page: the topics were on the form
    assert chain()[0]["reasons"] == ["cho-lau", "thai-do"]  # the questionnaire's order
    client.set_cookie("hl_qr", "another-phone")
    _html, token = form_for(client, "/r/nv-hung")
    r = client.post("/r/nv-hung", data={**good(token, o="nv-hung", q_q1="1", q_q2="2"), "reason": "cho-lau"})
    assert r.status_code == 303 and chain()[1]["reasons"] == ["cho-lau"]
    client.set_cookie("hl_qr", "a-third-phone")
    _html, token = form_for(client, "/r/nv-minh")
    assert client.post("/r/nv-minh", data=good(token, o="nv-minh", q_q1="2")).status_code == 303
    assert chain()[2]["reasons"] == []  # the chips are optional after a low score too


def test_questions_are_optional_but_one_answer_is_needed(client):
    """Q1: a skipped question is no answer (never made up); nothing answered is sent back."""
    html, token = form_for(client, "/r/nv-lan")
    assert " required" not in html  # no browser bubble over the question's title
    r = client.post("/r/nv-lan", data={**good(token), "q_q1": "", "q_q2": "", "reason": "cho-lau"})
    page = r.get_data(as_text=True)
    assert r.status_code == 400 and "Xin chọn ít nhất một khuôn mặt trước khi gửi." in page
    assert 'value="cho-lau" checked' in page and Response.select().count() == 0
    # The message sits just above the first question, where the form's action lands.
    assert '#qr-problems"' in page and page.index('id="qr-problems"') < page.index('id="q-q1"')
    r = client.post("/r/nv-lan", data={"csrf_token": token, "o": "nv-lan", "q_q2": "3"})
    assert r.status_code == 303
    assert chain()[0]["answers"] == {"q2": 3} and chain()[0]["partial"] is False
    assert Answer.select().count() == 1


def test_the_thanks_page_is_calm_for_every_score_and_names_the_complaint_channel(make_config):
    """Q2: no smile after "Rất không hài lòng"; the unit's hotline and address when configured;
    a link back to the start."""
    cfg = make_config([("quay-1", "http://127.0.0.1:9", TOKEN)],
                      extra='[qr]\ncomplaint_phone = "0258 3840 123"\n'
                            'complaint_address = "Bộ phận Một cửa, UBND xã Đại Lãnh <b>"\n')
    seed_roster()
    client = create_app(cfg).test_client()
    pages = []
    for n, (officer, score) in enumerate((("nv-lan", "1"), ("nv-hung", "5"))):
        client.set_cookie("hl_qr", f"phone-{n}")
        _html, token = form_for(client, f"/r/{officer}")
        # reasons_seen: what a page served before this version sent with a 1 or 2 (ignored now).
        r = client.post(f"/r/{officer}",
                        data=good(token, o=officer, q_q1=score, q_q2=score, reasons_seen="1"))
        assert r.status_code == 303
        pages.append(client.get(r.headers["Location"]).get_data(as_text=True))
    low, high = pages
    assert low.replace("nv-lan", "X") == high.replace("nv-hung", "X")  # the same page for 1 and 5
    assert "/r/face/" not in low and "Xin cảm ơn Ông/Bà!" in low
    assert 'href="tel:02583840123"' in low and "0258 3840 123" in low
    assert "UBND xã Đại Lãnh &lt;b&gt;" in low  # escaped
    assert 'href="/r/nv-lan"' in low and "Về trang đầu" in low


def test_without_a_complaint_channel_the_thanks_page_names_none(client):
    _html, token = form_for(client, "/r/nv-lan")
    r = client.post("/r/nv-lan", data=good(token))
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Xin cảm ơn Ông/Bà!" in page and "qr-complaint" not in page and "Đường dây nóng" not in page


def test_the_procedures_of_the_rated_officers_field_come_first(client):
    """Q3: Lê Quang Minh works in Địa chính: its procedures lead the list."""
    Officer.update(fields=json.dumps(["dia-chinh"])).where(Officer.code == "nv-minh").execute()
    dia_chinh, tu_phap = "<legend>Địa chính – Xây dựng</legend>", "<legend>Tư pháp – Hộ tịch</legend>"
    html, _token = form_for(client, "/r/nv-minh")
    assert html.index(dia_chinh) < html.index(tu_phap)
    html, _token = form_for(client, "/r/nv-lan")  # no field set: the fields' own order
    assert html.index(tu_phap) < html.index(dia_chinh)


def test_a_name_is_nfc_normalised_and_limited(client):
    _html, token = form_for(client, "/r/nv-lan")
    decomposed = unicodedata.normalize("NFD", "Trần Thị Ánh")
    sent = client.post("/r/nv-lan", data=good(token, name=decomposed + "\u0007", consent="1"))
    assert sent.status_code == 303
    assert CitizenContact.get().name == unicodedata.normalize("NFC", "Trần Thị Ánh")
    client.set_cookie("hl_qr", "another-phone")
    _html, token = form_for(client, "/r/nv-lan")
    r = client.post("/r/nv-lan", data=good(token, name="x" * 1000))
    assert r.status_code == 400 and "Họ tên dài quá 100 ký tự" in r.get_data(as_text=True)


BAD = [
    ("score 0", {"q_q1": "0"}, 400, "mức đánh giá phải là một số từ 1 đến 5"),
    ("score 6", {"q_q1": "6"}, 400, "mức đánh giá phải là một số từ 1 đến 5"),
    ("score abc", {"q_q1": "abc"}, 400, "mức đánh giá phải là một số từ 1 đến 5"),
    ("no score at all", {"q_q1": None, "q_q2": None}, 400, "Xin chọn ít nhất một khuôn mặt"),
    ("repeated score", {"q_q1": ["5", "1"]}, 400, "được gửi nhiều lần"),
    ("repeated officer", {"o": ["nv-lan", "nv-hung"]}, 400, "được gửi nhiều lần"),
    ("unknown officer", {"o": "nv-x"}, 400, "Không có cán bộ mã “nv-x”"),
    ("unknown reason", {"q_q1": "1", "reasons_seen": "1", "reason": "zzz"}, 400, "Không có lý do mã"),
    ("unknown procedure", {"procedure": "9.999"}, 400, "Không có thủ tục mã"),
    ("forged ticket", {"t": "1~quay-1~AAAAAAAAAAAAAAAAAAAAAA~1700000000~AAAAAAAAAAAAAAAAAAAAAA"}, 403,
     "không hợp lệ"),
    ("garbage ticket", {"t": "<script>"}, 403, "không hợp lệ"),
]


@pytest.mark.parametrize("name,change,status,message", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_refused_in_vietnamese_and_nothing_stored(client, name, change, status, message):
    _html, token = form_for(client, "/r/nv-lan")
    data = good(token)
    for key, value in change.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    r = client.post("/r/nv-lan", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == status and message in html, html
    assert "Traceback" not in html
    assert Response.select().count() == 0


def test_unknown_codes_and_huge_bodies_are_refused(client):
    r = client.get("/r/khong-co")
    assert r.status_code == 404 and "Không tìm thấy mã này" in r.get_data(as_text=True)
    _html, token = form_for(client, "/r/nv-lan")
    assert client.post("/r/khong-co", data=good(token)).status_code == 404
    r = client.post("/r/nv-lan", data=good(token, name="x" * (1024 * 1024)))
    assert r.status_code == 413 and "quá lớn" in r.get_data(as_text=True)
    assert Response.select().count() == 0
    counted = {r.reason: r.count for r in QrRefusal.select()}
    assert counted == {"unknown_code": 2, "too_large": 1}


def test_an_officer_or_procedure_made_inactive_after_the_form_opened_is_refused(client):
    """The submit reads the roster again: a code deactivated meanwhile stores nothing."""
    _html, token = form_for(client, "/r/nv-lan")
    Procedure.update(active=False).where(Procedure.code == "1.001193").execute()
    r = client.post("/r/nv-lan", data=good(token, procedure="1.001193"))
    assert r.status_code == 400 and "Không có thủ tục mã" in r.get_data(as_text=True)
    Officer.update(active=False).where(Officer.code == "nv-lan").execute()
    assert client.post("/r/nv-lan", data=good(token)).status_code == 404
    assert client.get("/r/nv-lan").status_code == 404
    assert Response.select().count() == 0


def test_a_stale_form_is_shown_again_with_the_choices_kept(client):
    _html, token = form_for(client, "/r/nv-lan")
    client.delete_cookie("hailong_session")  # the session (and its CSRF secret) is gone
    r = client.post("/r/nv-lan", data=good(token, q_q1="4", procedure="1.000894"))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Trang đã mở khá lâu" in html
    assert 'name="q_q1" value="4" checked' in html
    assert 'value="1.000894" checked' in html
    assert Response.select().count() == 0
    fresh = csrf_token(html)
    assert fresh != token
    assert client.post("/r/nv-lan", data=good(fresh, q_q1="4")).status_code == 303
    assert chain()[0]["answers"] == {"q1": 4, "q2": 4}


def test_one_device_rates_one_officer_once_per_window(client):
    _html, second_tab = form_for(client, "/r/nv-lan")  # a second tab, opened before the first sends
    for officer in ("nv-lan", "nv-hung"):
        _html, token = form_for(client, f"/r/{officer}")
        assert client.post(f"/r/{officer}", data=good(token, o=officer)).status_code == 303
    r = client.post("/r/nv-lan", data=good(second_tab))  # the submit check stays
    assert r.status_code == 429 and "Xin thử lại sau khoảng 10 phút" in r.get_data(as_text=True)
    assert len(chain()) == 2
    assert QrRefusal.get(QrRefusal.reason == "limit").count == 1


def test_the_limit_is_said_when_the_form_is_opened(client):
    """Q5: a phone that has just rated this officer learns it before filling the form in."""
    _html, token = form_for(client, "/r/nv-lan")
    assert client.post("/r/nv-lan", data=good(token)).status_code == 303
    r = client.get("/r/nv-lan")
    page = r.get_data(as_text=True)
    assert r.status_code == 429 and "Xin thử lại sau khoảng 10 phút" in page and 'name="q_q1"' not in page
    # At a counter: the officer chosen there counts, others can still be rated.
    assert client.get("/r/quay-1?o=nv-lan").status_code == 429
    assert client.get("/r/quay-1?o=nv-hung").status_code == 200
    assert client.get("/r/quay-1").status_code == 200  # the grid itself is never refused
    # Without its cookie the same phone is still known by its address (per_ip = 3 by default).
    client.delete_cookie("hl_qr")
    for _n in range(2):
        client.set_cookie("hl_qr", f"new-{_n}")
        _html, token = form_for(client, "/r/nv-lan")
        assert client.post("/r/nv-lan", data=good(token)).status_code == 303
    client.set_cookie("hl_qr", "new-3")
    assert client.get("/r/nv-lan").status_code == 429
    assert len(chain()) == 3


def kiosk_ticket(issued: float | None = None) -> str:
    return qrticket.make("quay-1", TOKEN, time.time() if issued is None else issued)


def test_a_kiosk_ticket_works_once(client):
    ticket = kiosk_ticket()
    html, token = form_for(client, f"/r/quay-1?o=nv-lan&t={ticket}")
    assert f'name="t" value="{ticket}"' in html
    assert client.post("/r/quay-1", data=good(token, t=ticket)).status_code == 303
    assert QrTicket.get(QrTicket.nonce == qrticket.parse(ticket).nonce).response_uuid == chain()[0]["uuid"]
    again = client.post("/r/quay-1", data=good(token, t=ticket))
    assert again.status_code == 409 and "Mỗi mã chỉ dùng được một lần" in again.get_data(as_text=True)
    assert client.get(f"/r/quay-1?t={ticket}").status_code == 409
    assert len(chain()) == 1 and chain()[0]["flags"] == ["qr:counter:quay-1", "qr:ticket"]


def test_forged_and_expired_tickets_are_refused(client):
    _html, token = form_for(client, "/r/nv-lan")
    wrong_key = qrticket.make("quay-1", "not-the-kiosk-token", time.time())
    unknown_kiosk = qrticket.make("quay-9", TOKEN, time.time())
    # One character of the signature changed (its first: six whole bits; the last two characters
    # of a real one are "AA" once in 256 tickets, which made "replace them by AA" pass now and then).
    body, signature = kiosk_ticket().rsplit("~", 1)
    tampered = f"{body}~{'B' if signature[0] != 'B' else 'C'}{signature[1:]}"
    for ticket in (wrong_key, unknown_kiosk, tampered):
        r = client.post("/r/nv-lan", data=good(token, t=ticket))
        assert r.status_code == 403, ticket
    old = kiosk_ticket(time.time() - 3 * 3600)  # kiosk tickets last 2 hours by default
    r = client.post("/r/nv-lan", data=good(token, t=old))
    assert r.status_code == 410 and "đã hết hạn" in r.get_data(as_text=True)
    assert Response.select().count() == 0
    assert {r.reason: r.count for r in QrRefusal.select()} == {"ticket_forged": 3, "ticket_expired": 1}


def test_one_time_mode_needs_a_ticket(make_config):
    cfg = make_config([("quay-1", "http://127.0.0.1:9", TOKEN)], extra="[qr]\none_time = true\n")
    seed_roster()
    client = create_app(cfg).test_client()
    r = client.get("/r/nv-lan")
    assert r.status_code == 403 and "cần mã QR dùng một lần" in r.get_data(as_text=True)
    ticket = kiosk_ticket()
    _html, token = form_for(client, f"/r/nv-lan?t={ticket}")
    assert client.post("/r/nv-lan", data=good(token)).status_code == 403
    assert client.post("/r/nv-lan", data=good(token, t=ticket)).status_code == 303
    # A ticket is its own limit: a second ticket from the same phone goes through.
    assert client.post("/r/nv-lan", data=good(token, t=kiosk_ticket())).status_code == 303
    assert len(chain()) == 2


def test_concurrent_submits_make_one_gap_free_chain(app):
    tz = app.extensions["hailong"].tz
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        from sync_server.db import connection

        try:
            with connection():
                for i in range(5):
                    fields = {"officer": "nv-lan", "questionnaire": "tt01", "questionnaire_version": 2,
                              "answers": {"q1": 1 + (n + i) % 5, "q2": 5}}
                    qr_store.store(fields, tz=tz, now=utcnow())
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    stored = chain()
    assert [r["seq"] for r in stored] == list(range(1, 31))
    assert verify_chain(stored)[0] == 30
    assert Epoch.select().where(Epoch.kiosk_id == "qr").count() == 1


def test_staff_pages_posters_tickets_and_refusals_on_the_health_page(client):
    assert client.get("/qr/poster/nv-lan").status_code == 302  # login first
    add_user()
    login(client)
    html = client.get("/qr").get_data(as_text=True)
    assert "/qr/poster/nv-lan?size=a4" in html and "/qr/poster/quay-1?size=a5" in html
    poster = client.get("/qr/poster/nv-lan?size=a5").get_data(as_text=True)
    assert "size: A5 portrait" in poster and "<svg" in poster and "Nguyễn Thị Lan" in poster
    assert "UBND-Khach" in poster and "http://localhost/r/nv-lan" in poster
    assert client.get("/qr/poster/nv-lan?size=a3").status_code == 400
    assert client.post("/qr/tickets", data={"code": "quay-1", "count": "2"}).status_code == 400  # no CSRF
    token = csrf_token(client.get("/qr").get_data(as_text=True))
    r = client.post("/qr/tickets", data={"code": "quay-1", "count": "2", "csrf_token": token})
    tickets = re.findall(r'data-ticket="([^"]+)"', r.get_data(as_text=True))
    assert r.status_code == 200 and len(tickets) == 2 and tickets[0] != tickets[1]
    assert AuditLog.get(AuditLog.action == "qr.tickets").target == "quay-1"

    citizen = client.application.test_client()
    _html, ctoken = form_for(citizen, f"/r/quay-1?o=nv-lan&t={tickets[0]}")
    assert citizen.post("/r/quay-1", data=good(ctoken, t=tickets[0])).status_code == 303
    assert citizen.post("/r/quay-1", data=good(ctoken, t=tickets[0])).status_code == 409
    health = client.get("/kiosks").get_data(as_text=True)
    assert 'data-qr-today>1<' in health
    assert 'data-qr-refusal="ticket_reused"' in health and "Mã dùng một lần đã được dùng" in health
