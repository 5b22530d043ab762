"""K8: the kiosk's thanks-screen QR code adds to the visit just rated and never rates it again.

A real kiosk (store, API and KioskController, no Kivy) gets its roster, with the QR page's
address, from the server; the controller signs a version-2 ticket naming the response it has
just recorded; a phone opening it gets "say more about this visit", and what it sends is an
addendum of that response: no new response, the ticket used once. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import threading
import time
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest

from kiosk.controller import KioskController
from kiosk.flow import Phase
from kiosk.shared import qrticket
from sync_server.app import create_app
from sync_server.collect.puller import pull_kiosk
from sync_server.db.models import (
    Addendum,
    Answer,
    FleetKiosk,
    QrRefusal,
    QrTicket,
    Response,
    RollupDay,
    utcnow,
)
from sync_server.qr import store as qr_store
from sync_server.roster import build as roster
from tests.support.qr import QUESTIONNAIRE, seed_roster
from tests.support.server import TOKEN
from tests.support.web import add_user, csrf_token, login, page

KIOSK_QR = '[qr]\npublic_url = "http://10.0.0.2:5000"\nkiosk_qr = true\n'


@pytest.fixture
def scene(make_config, make_kiosk, fake_clock):
    """The server pushes its roster (with the QR page's address) to a real kiosk; the kiosk's
    controller signs tickets with its API token, as kiosk.ui.app sets it up."""
    kiosk = make_kiosk("quay-1")
    cfg = make_config([kiosk.entry()], extra=KIOSK_QR)
    seed_roster()
    roster.touch(cfg)
    assert pull_kiosk(cfg.kiosks[0], cfg).roster_pushed == 1
    controller = KioskController(kiosk.store, cooldown_s=0, thanks_s=3, inactivity_s=60, clock=fake_clock)
    controller.qr_ticket_key = TOKEN
    assert controller.settings["qr_url"] == "http://10.0.0.2:5000/r/quay-1"
    return cfg, kiosk, controller, create_app(cfg).test_client()


def rate_at_kiosk(controller: KioskController, *scores: int) -> tuple[dict, str]:
    """A citizen answers at the kiosk; (the stored response, the thanks screen's QR address)."""
    for score in scores:
        controller.press(score, "touch")
    for _step in range(3):  # a topic or procedure step, if the flow asks one, is passed over
        if controller.flow.phase is Phase.THANKS:
            break
        controller.done()
    assert controller.flow.phase is Phase.THANKS
    last = controller.store.responses_after(0, 1000)[-1]
    return last, controller.thanks_qr_url


def ticket_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["t"][0]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_thanks_screen_qr_adds_to_that_visit_and_never_rates_it_again(scene):
    cfg, kiosk, controller, client = scene
    visit, url = rate_at_kiosk(controller, 2, 4)
    ticket = ticket_of(url)
    assert qrticket.parse(ticket).response == visit["uuid"]

    r = client.get(path_of(url))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Ông/Bà muốn nói thêm về lần đến hôm nay?" in html
    assert "Chờ lâu" in html and "Điều gì Ông/Bà quan tâm nhất hôm nay?" in html
    assert 'name="q_' not in html and "qr-officers" not in html  # no rating, no officer grid
    assert 'name="name"' not in html and 'type="tel"' not in html  # no name or contact asked

    comment = unicodedata.normalize("NFD", "Cán bộ hướng dẫn tận tình") + "\r\n<script>x</script>\u0007"
    form = {"csrf_token": csrf_token(html), "t": ticket, "reason": ["thai-do", "cho-lau"], "comment": comment}
    r = client.post("/r/quay-1/them", data=form)
    assert r.status_code == 303 and r.headers["Location"].endswith("/r/quay-1/cam-on?them=1")
    thanks = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Xin cảm ơn Ông/Bà!" in thanks and "Về trang đầu" not in thanks  # the start would be a new rating

    [added] = Addendum.select()
    assert (added.response_uuid, added.kiosk_id) == (visit["uuid"], "quay-1")
    assert json.loads(added.topics) == ["cho-lau", "thai-do"]  # the questionnaire's order
    assert added.comment == "Cán bộ hướng dẫn tận tình\n<script>x</script>"
    assert unicodedata.is_normalized("NFC", added.comment)
    assert (added.questionnaire, added.questionnaire_version) == ("tt01", 2)
    # Never a response: nothing on the QR chain, no answer, no rollup.
    assert Response.select().count() == 0 and Answer.select().count() == 0 and RollupDay.select().count() == 0
    used = QrTicket.get(QrTicket.nonce == qrticket.parse(ticket).nonce)
    assert used.response_uuid == visit["uuid"]

    again = client.post("/r/quay-1/them", data=form)
    assert again.status_code == 409 and "Mỗi mã chỉ dùng được một lần" in again.get_data(as_text=True)
    assert client.get(path_of(url)).status_code == 409
    assert Addendum.select().count() == 1

    # The kiosk's response arrives at the next pull: one response, counted once.
    assert pull_kiosk(cfg.kiosks[0], cfg).received == 1
    assert Response.select().count() == 1 and Response.get().uuid == visit["uuid"]
    day = RollupDay.select().where(RollupDay.question == "")
    assert sum(row.responses for row in day) == 1

    add_user()
    login(client)
    listing = page(client, "/reports/responses?period=day")
    row = listing[listing.index(f'data-addendum="{visit["uuid"]}"'):]
    row = row[:row.index("</div>")]
    assert "Thêm từ điện thoại" in row and "Chờ lâu, Thái độ chưa tốt" in row
    assert "&lt;script&gt;x&lt;/script&gt;" in row and "<script>x" not in listing  # escaped


def test_a_tampered_uuid_is_refused_as_forged(scene):
    _cfg, _kiosk, controller, client = scene
    visit, url = rate_at_kiosk(controller, 5)
    ticket = ticket_of(url)
    other = "0" * 8 + visit["uuid"][8:]
    forged = ticket.replace(visit["uuid"], other)
    assert forged != ticket
    r = client.get("/r/quay-1", query_string={"t": forged})
    assert r.status_code == 403 and "không hợp lệ" in r.get_data(as_text=True)
    html = client.get("/r/quay-1", query_string={"t": ticket}).get_data(as_text=True)
    r = client.post("/r/quay-1/them", data={"csrf_token": csrf_token(html), "t": forged, "reason": "cho-lau"})
    assert r.status_code == 403
    assert Addendum.select().count() == 0 and QrTicket.select().count() == 0
    assert QrRefusal.get(QrRefusal.reason == "ticket_forged").count == 2
    # The true ticket still works afterwards.
    r = client.post("/r/quay-1/them", data={"csrf_token": csrf_token(html), "t": ticket, "reason": "cho-lau"})
    assert r.status_code == 303 and Addendum.get().response_uuid == visit["uuid"]


def test_a_follow_up_ticket_never_makes_a_rating(scene):
    _cfg, _kiosk, controller, client = scene
    visit, url = rate_at_kiosk(controller, 3)
    ticket = ticket_of(url)
    html = client.get("/r/quay-1?o=nv-lan").get_data(as_text=True)
    r = client.post("/r/quay-1", data={"csrf_token": csrf_token(html), "o": "nv-lan", "t": ticket,
                                       "q_q1": "5"})
    assert r.status_code == 400 and "chỉ dùng để góp ý thêm" in r.get_data(as_text=True)
    assert Response.select().count() == 0 and QrTicket.select().count() == 0  # the ticket is not spent


def test_a_version_1_ticket_still_gives_a_rating_form(scene):
    _cfg, _kiosk, _controller, client = scene
    ticket = qrticket.make("quay-1", TOKEN, time.time())  # an older kiosk's, or like a printed one
    r = client.get("/r/quay-1", query_string={"o": "nv-lan", "t": ticket})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and 'name="q_q1"' in html and "muốn nói thêm" not in html
    r = client.post("/r/quay-1", data={"csrf_token": csrf_token(html), "o": "nv-lan", "t": ticket,
                                       "q_q1": "4"})
    assert r.status_code == 303
    [stored] = Response.select()
    assert json.loads(stored.body)["flags"] == ["qr:counter:quay-1", "qr:ticket"]
    # ... and cannot be used for an addendum.
    rating_ticket = qrticket.make("quay-1", TOKEN, time.time())
    r = client.post("/r/quay-1/them",
                    data={"csrf_token": csrf_token(html), "t": rating_ticket, "reason": "cho-lau"})
    assert r.status_code == 400 and "không dùng để góp ý thêm" in r.get_data(as_text=True)
    assert Addendum.select().count() == 0


def test_what_the_phone_sends_is_checked(scene):
    _cfg, _kiosk, controller, client = scene
    _visit, url = rate_at_kiosk(controller, 1)
    ticket = ticket_of(url)
    token = csrf_token(client.get(path_of(url)).get_data(as_text=True))

    def send(**fields):
        r = client.post("/r/quay-1/them", data={"csrf_token": token, "t": ticket, **fields})
        return r.status_code, r.get_data(as_text=True)

    status, html = send()
    assert status == 400 and "Xin chọn ít nhất một ý hoặc viết vài lời" in html
    status, html = send(comment="   \n\n ")
    assert status == 400 and "Xin chọn ít nhất một ý" in html
    long_text = "Chờ quá lâu. " * 50  # 650 characters: sent back with the text kept, never cut
    status, html = send(comment=long_text, reason="cho-lau")
    assert status == 400 and "quá 500 ký tự" in html and "Chờ quá lâu. Chờ quá lâu." in html
    assert 'value="cho-lau" checked' in html
    assert send(reason="khong-co")[0] == 400
    assert send(reason=["cho-lau", "cho-lau"])[0] == 400
    assert send(comment=["a", "b"])[0] == 400
    r = client.post("/r/quay-1/them", data={"csrf_token": token, "comment": "x"})
    assert r.status_code == 403 and "cần mã QR" in r.get_data(as_text=True)
    assert client.post("/r/khong-co/them", data={"t": ticket, "comment": "x"}).status_code == 404
    client.delete_cookie("hailong_session")  # a page left open: shown again, nothing lost
    status, html = send(comment="Phòng chờ nóng", reason="cho-lau")
    assert status == 200 and "Trang đã mở khá lâu" in html and "Phòng chờ nóng" in html
    assert "Traceback" not in html and Addendum.select().count() == 0
    r = client.post("/r/quay-1/them",
                    data={"csrf_token": csrf_token(html), "t": ticket, "comment": "Phòng chờ nóng"})
    assert r.status_code == 303 and Addendum.get().comment == "Phòng chờ nóng"


def test_phones_racing_one_follow_up_ticket_store_one_addendum(scene):
    cfg, _kiosk, controller, _client = scene
    visit, url = rate_at_kiosk(controller, 2)
    ticket = qrticket.parse(ticket_of(url))
    outcomes: list[str] = []
    start = threading.Barrier(6)

    def phone() -> None:
        from sync_server.db import connection

        with connection():
            start.wait()
            try:
                qr_store.add_addendum(ticket, questionnaire=QUESTIONNAIRE, topics=["cho-lau"], comment="",
                                      tz=cfg.tz, now=utcnow(), issued_utc=utcnow())
                outcomes.append("stored")
            except qr_store.TicketUsed:
                outcomes.append("used")

    threads = [threading.Thread(target=phone) for _n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["stored"] + ["used"] * 5
    assert Addendum.select().count() == 1 and Addendum.get().response_uuid == visit["uuid"]
    assert QrTicket.select().count() == 1


def test_a_kiosk_added_on_the_fleet_page_signs_tickets_too(scene):
    """Its token is in fleet_kiosk, not in server.toml: its tickets are not forgeries."""
    _cfg, _kiosk, _controller, client = scene
    FleetKiosk.create(id="quay-7", url="http://127.0.0.1:9", token="t" * 24)
    ticket = qrticket.make("quay-7", "t" * 24, time.time(), response="0f8e4b1c-3a2d-4c5e-9f60-718293a4b5c6")
    r = client.get("/r/quay-1", query_string={"t": ticket})
    assert r.status_code == 200 and "muốn nói thêm" in r.get_data(as_text=True)
    FleetKiosk.update(retired=True).where(FleetKiosk.id == "quay-7").execute()
    assert client.get("/r/quay-1", query_string={"t": ticket}).status_code == 403


def test_control_characters_never_reach_the_database(scene):
    """PostgreSQL refuses a NUL in text: the comment is cleaned first (or the request refused
    before it, by an app-wide guard), never a 500."""
    _cfg, _kiosk, controller, client = scene
    _visit, url = rate_at_kiosk(controller, 4)
    token = csrf_token(client.get(path_of(url)).get_data(as_text=True))
    r = client.post("/r/quay-1/them", data={"csrf_token": token, "t": ticket_of(url),
                                            "comment": "Phòng chờ\x00 nóng\x1b[31m"})
    assert r.status_code in (303, 400) and "Traceback" not in r.get_data(as_text=True)
    assert all("\x00" not in a.comment and "\x1b" not in a.comment for a in Addendum.select())
    assert [a.comment for a in Addendum.select()] in ([], ["Phòng chờ nóng[31m"])
