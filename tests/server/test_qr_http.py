"""The QR page over real HTTP: a `hailong-server serve` process (waitress), a phone-sized
headless Chromium completing a response with and without JavaScript, and a single-use ticket
that works once. Screenshots go to test-output/web/qr-*.png for a person to look at."""

from __future__ import annotations

import json
import re
import time
import uuid

import pytest
import requests

from kiosk.shared import qrticket
from kiosk.shared.presets import PRESETS
from kiosk.shared.protocol import verify_chain
from sync_server import config as server_config
from sync_server.db import database, init_db
from sync_server.db.models import Officer, Questionnaire
from tests.support.browser import CHROMIUM_HINT, SCREENSHOTS, chromium, missing, screenshot
from tests.support.qr import seed_roster, serving_qr, stored
from tests.support.server import TOKEN
from tests.support.web import csrf_token

pytestmark = pytest.mark.e2e


def seed_eight_questions() -> None:
    """The roster with the 8-question paper form of seed 004 active (field test Q1)."""
    seed_roster()
    Questionnaire.update(active=False).execute()
    Questionnaire.create(qid="phieu-8", version=1, active=True, document=json.dumps(PRESETS["phieu-8"]))
    Officer.update(fields=json.dumps(["dia-chinh"])).where(Officer.code == "nv-minh").execute()


@pytest.fixture
def server8(tmp_path, backend):
    extra = ('[qr]\ncomplaint_phone = "0258 3840 123"\n'
             'complaint_address = "Bộ phận Một cửa, UBND xã Đại Lãnh, thôn Đông Hòa"\n')
    with serving_qr(tmp_path, backend, extra, seed_eight_questions) as running:
        yield running


def face(page, question: str, score: int):
    page.click(f"#q-{question} label.s{score}")


def expect(target):
    """Playwright's expect(), which waits for a state (never for a time); imported late, so that a
    machine without Playwright is told so by need_browser()."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(target)


def need_browser() -> None:
    problem = missing()
    if problem:
        pytest.fail(f"browser tests need {problem}: {CHROMIUM_HINT}")


def in_view(page, selector: str) -> bool:
    """Whether the element's whole box is inside the 640-px-high viewport."""
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 640


def viewport_shot(page, name: str) -> None:
    """What the phone's screen shows (not the whole page), for a person to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_a_phone_completes_a_response_with_and_without_javascript(qr_server):
    base, path = qr_server
    need_browser()

    with chromium() as page:  # JavaScript on: one question per screen
        page.goto(base + "/r/quay-1")
        screenshot(page, "qr-1-officers")
        with page.expect_navigation():
            page.click("text=Nguyễn Thị Lan")
        # expect(): the script runs as the page loads; these wait for the state, never for a time.
        expect(page.locator("#q-q1")).to_be_visible()
        expect(page.locator("#q-q2")).to_be_hidden()
        expect(page.locator("#qr-last")).to_be_hidden()
        expect(page.locator("text=Câu 1/2")).to_be_visible()
        expect(page.locator(".qr-next-button")).to_have_text("Bỏ qua câu này ›")
        face(page, "q1", 2)
        expect(page.locator(".qr-next-button")).to_have_text("Tiếp ›")
        viewport_shot(page, "qr-2-step-1-js")
        page.click(".qr-next-button")
        expect(page.locator("#q-q2")).to_be_visible()
        expect(page.locator("#q-q1")).to_be_hidden()
        expect(page.locator("text=Câu 2/2")).to_be_visible()
        page.click(".qr-back-button")  # back: the answer is still there
        expect(page.locator("#q-q1")).to_be_visible()
        expect(page.locator('#q-q1 input[value="2"]')).to_be_checked()
        page.click(".qr-next-button")
        expect(page.locator("#q-q2")).to_be_visible()
        face(page, "q2", 4)
        page.go_back()  # the phone's own back button goes back one question, not off the page
        expect(page).to_have_url(re.compile(r"\?o=nv-lan#cau-1$"))
        expect(page.locator("#q-q1")).to_be_visible()
        page.go_forward()
        expect(page.locator("#q-q2")).to_be_visible()
        expect(page.locator('#q-q2 input[value="4"]')).to_be_checked()
        page.click(".qr-next-button")
        # The topics, after every score, the same neutral question.
        expect(page.locator("#qr-reasons")).to_be_visible()
        expect(page.locator("text=Điều gì Ông/Bà quan tâm nhất hôm nay?")).to_be_visible()
        page.click("text=Chờ lâu")
        page.click("summary")
        page.fill("#qr-filter", "ket hon")  # without the marks, as people type on a phone
        expect(page.locator("text=Thủ tục đăng ký kết hôn")).to_be_visible()
        expect(page.locator("text=Thủ tục đăng ký khai sinh")).to_be_hidden()
        page.click("text=Thủ tục đăng ký kết hôn")
        screenshot(page, "qr-3-last-step-js")
        page.click("button.qr-send")
        page.wait_for_url("**/cam-on#qr-problems")
        assert "Xin cảm ơn Ông/Bà!" in page.content()
        screenshot(page, "qr-4-thanks")

    with chromium(javascript=False) as page:  # one page, everything on it
        page.goto(base + "/r/nv-hung")
        assert page.locator("#qr-filter").is_hidden()
        assert page.locator("#q-q1").is_visible() and page.locator("#q-q2").is_visible()
        assert page.locator("#qr-reasons").is_visible()  # after a 5 as after a 1
        face(page, "q1", 5)
        face(page, "q2", 3)
        page.click("text=Thái độ chưa tốt")
        screenshot(page, "qr-5-form-nojs")
        page.click("button.qr-send")
        page.wait_for_url("**/cam-on#qr-problems")

    responses = stored(path)
    assert verify_chain(responses)[0] == 2
    first, second = responses
    assert (first["officer"], first["answers"], first["reasons"], first["procedure"]) == (
        "nv-lan", {"q1": 2, "q2": 4}, ["cho-lau"], "1.000894")
    assert (second["officer"], second["answers"], second["reasons"], second["procedure"]) == (
        "nv-hung", {"q1": 5, "q2": 3}, ["thai-do"], None)
    assert {r["channel"] for r in responses} == {"qr"}


def test_eight_questions_one_per_screen_all_optional(server8):
    """Q1: the 8-question form is no longer one 4,310-px page with every question required."""
    base, path = server8
    need_browser()
    codes = [q["code"] for q in PRESETS["phieu-8"]["questions"]]

    with chromium() as page:
        page.goto(base + "/r/nv-minh")
        expect(page.locator("html.qr-stepping")).to_have_count(1)  # the script has set the steps up
        assert page.locator("[required]").count() == 0  # no browser bubble over a title
        height = page.evaluate("document.documentElement.scrollHeight")
        assert height < 1000, height  # one question and its buttons, not seven screens
        viewport_shot(page, "qr-8-1-step-1-js")
        assert in_view(page, ".qr-next-button")
        for n in range(2, len(codes) + 1):  # skip them all, to the last step, and send
            page.click(".qr-next-button")
            expect(page.locator(f"text=Câu {n}/8")).to_be_visible()
        page.click(".qr-next-button")
        expect(page.locator("#qr-last")).to_be_visible()
        # The officer's field first in the procedures (Q3): Lê Quang Minh is Địa chính.
        page.click("summary")
        legends = page.locator(".qr-group legend").all_inner_texts()
        assert legends[0] == "Địa chính – Xây dựng", legends
        page.click("button.qr-send")
        # Not sent: the message, and question 1 again with its title in view.
        expect(page.locator("#qr-problems")).to_contain_text("Xin chọn ít nhất một khuôn mặt")
        expect(page.locator(f"#q-{codes[0]}")).to_be_visible()
        assert in_view(page, "#qr-problems") and in_view(page, f"#q-{codes[0]} legend")
        viewport_shot(page, "qr-8-2-nothing-answered-js")
        assert "/cam-on" not in page.url
        page.click(".qr-next-button")
        expect(page.locator("text=Câu 2/8")).to_be_visible()
        page.click(".qr-next-button")
        expect(page.locator("text=Câu 3/8")).to_be_visible()
        face(page, codes[2], 4)
        expect(page.locator("#qr-problems")).to_be_hidden()
        for _n in codes[2:]:  # from question 3 to the last step
            page.click(".qr-next-button")
        expect(page.locator("#qr-last")).to_be_visible()
        page.click("button.qr-send")
        page.wait_for_url("**/cam-on#qr-problems")
        expect(page.locator("#qr-complaint")).to_be_visible()
        expect(page.locator('a[href="tel:02583840123"]')).to_be_visible()
        viewport_shot(page, "qr-8-3-thanks-complaint-js")

    with chromium(javascript=False) as page:
        page.goto(base + "/r/nv-lan")
        screenshot(page, "qr-8-4-one-page-nojs")
        with page.expect_navigation():
            page.click("button.qr-send")  # nothing chosen: the server sends the page back
        page.wait_for_load_state()
        expect(page.locator("#qr-problems")).to_be_visible()
        assert in_view(page, "#qr-problems") and in_view(page, f"#q-{codes[0]} legend")
        assert page.evaluate("window.scrollY") > 0  # it was scrolled there, past the officer's card
        viewport_shot(page, "qr-8-5-nothing-answered-nojs")
        face(page, codes[-1], 1)
        page.click("button.qr-send")
        page.wait_for_url("**/cam-on#qr-problems")
        screenshot(page, "qr-8-6-thanks-nojs")

    first, second = stored(path)
    assert (first["officer"], first["answers"]) == ("nv-minh", {codes[2]: 4})
    assert (second["officer"], second["answers"]) == ("nv-lan", {codes[-1]: 1})


def test_the_thanks_screen_code_opens_say_more_with_and_without_javascript(qr_server):
    base, path = qr_server
    need_browser()
    visits = [str(uuid.uuid4()), str(uuid.uuid4())]
    for javascript, visit in zip((True, False), visits, strict=True):
        ticket = qrticket.make("quay-1", TOKEN, time.time(), response=visit)
        with chromium(javascript=javascript) as page:
            page.goto(f"{base}/r/quay-1?t={ticket}")
            assert page.locator("text=Ông/Bà muốn nói thêm về lần đến hôm nay?").is_visible()
            assert page.locator(".qr-face").count() == 0 and page.locator(".qr-officers").count() == 0
            name = "js" if javascript else "nojs"
            screenshot(page, f"qr-6-say-more-{name}")
            with page.expect_navigation():
                page.click("button.qr-send")  # nothing chosen or written: sent back by the server
            page.wait_for_load_state()
            expect(page.locator("#qr-problems")).to_be_visible()
            assert in_view(page, "#qr-problems")
            page.click("text=Hướng dẫn chưa rõ")
            page.fill("textarea[name=comment]", "Nên có bảng hướng dẫn <to hơn>.")
            page.click("button.qr-send")
            page.wait_for_url("**/cam-on?them=1*")
            assert page.locator(".qr-back").count() == 0
            screenshot(page, f"qr-7-say-more-thanks-{name}")
    assert stored(path) == []  # no rating made
    from sync_server.db.models import Addendum

    init_db(server_config.load(path), create=False)
    try:
        rows = {a.response_uuid: (json.loads(a.topics), a.comment) for a in Addendum.select()}
    finally:
        database.close()
    assert rows == {v: (["thieu-ht"], "Nên có bảng hướng dẫn <to hơn>.") for v in visits}


def test_a_ticket_works_once_over_http(qr_server):
    base, path = qr_server
    ticket = qrticket.make("quay-1", TOKEN, time.time())
    s = requests.Session()
    page = s.get(f"{base}/r/quay-1", params={"o": "nv-lan", "t": ticket}, timeout=10)
    assert page.status_code == 200
    data = {"csrf_token": csrf_token(page.text), "o": "nv-lan", "t": ticket, "q_q1": "5", "q_q2": "5"}
    first = s.post(f"{base}/r/quay-1", data=data, allow_redirects=False, timeout=10)
    assert first.status_code == 303
    again = s.post(f"{base}/r/quay-1", data=data, allow_redirects=False, timeout=10)
    assert again.status_code == 409 and "Mỗi mã chỉ dùng được một lần" in again.text
    huge = s.post(f"{base}/r/quay-1", data={**data, "name": "x" * (1024 * 1024)}, timeout=10)
    assert huge.status_code == 413 and "quá lớn" in huge.text
    assert len(stored(path)) == 1
