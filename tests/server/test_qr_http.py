"""The QR page over real HTTP: a `hailong-server serve` process (waitress), a phone-sized
headless Chromium completing a response with and without JavaScript, and a single-use ticket
that works once. Screenshots go to test-output/web/qr-*.png for a person to look at."""

from __future__ import annotations

import json
import time

import pytest
import requests

from kiosk import qrticket
from kiosk.protocol import verify_chain
from sync_server import config as server_config
from sync_server.db import database, init_db
from tests.server.conftest import TOKEN, free_port, server_toml
from tests.server.qr_support import csrf, seed_roster
from tests.server.serving import serving
from tests.support import browser

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path, backend):
    port = free_port()
    path = tmp_path / "server.toml"
    path.write_text(server_toml(tmp_path / "data", [("quay-1", "http://127.0.0.1:9", TOKEN)], port=port,
                                database_url=backend, extra="[qr]\nask_name = true\n"), encoding="utf-8")
    init_db(server_config.load(path))
    seed_roster()
    database.close()
    try:
        with serving(path, port) as base:
            yield base, path
    finally:
        if not database.is_closed():
            database.close()


def stored(path) -> list[dict]:
    from sync_server.models import Response

    init_db(server_config.load(path), create=False)
    try:
        rows = Response.select().where(Response.kiosk_id == "qr").order_by(Response.seq)
        return [json.loads(r.body) for r in rows]
    finally:
        database.close()


def face(page, question: str, score: int):
    page.click(f"#q-{question} label.s{score}")


def test_a_phone_completes_a_response_with_and_without_javascript(server):
    base, path = server
    if browser.missing():
        pytest.fail(f"browser tests need {browser.missing()}: {browser.CHROMIUM_HINT}")

    with browser.chromium() as page:  # JavaScript on
        page.goto(base + "/r/quay-1")
        browser.screenshot(page, "qr-1-officers")
        page.click("text=Nguyễn Thị Lan")
        assert page.locator("#qr-reasons").is_hidden()
        face(page, "q1", 2)
        face(page, "q2", 4)
        assert page.locator("#qr-reasons").is_visible()  # shown inline after a 2
        page.click("text=Chờ lâu")
        page.click("summary")
        page.fill("#qr-filter", "ket hon")  # without the marks, as people type on a phone
        assert page.locator("text=Thủ tục đăng ký kết hôn").is_visible()
        assert page.locator("text=Thủ tục đăng ký khai sinh").is_hidden()
        page.click("text=Thủ tục đăng ký kết hôn")
        browser.screenshot(page, "qr-2-form-js")
        page.click("button.qr-send")
        page.wait_for_url("**/cam-on")
        assert "Xin cảm ơn Ông/Bà!" in page.content()
        browser.screenshot(page, "qr-3-thanks")

    with browser.chromium(javascript=False) as page:
        page.goto(base + "/r/nv-hung")
        assert page.locator("#qr-filter").is_hidden() and page.locator("#qr-reasons").is_hidden()
        face(page, "q1", 1)
        face(page, "q2", 3)
        browser.screenshot(page, "qr-4-form-nojs")
        page.click("button.qr-send")
        assert "Vì sao Ông/Bà chưa hài lòng?" in page.content()  # the reasons step, as a page
        page.click("text=Thái độ chưa tốt")
        browser.screenshot(page, "qr-5-reasons-nojs")
        page.click("button.qr-send")
        page.wait_for_url("**/cam-on")

    responses = stored(path)
    assert verify_chain(responses)[0] == 2
    first, second = responses
    assert (first["officer"], first["answers"], first["reasons"], first["procedure"]) == (
        "nv-lan", {"q1": 2, "q2": 4}, ["cho-lau"], "1.000894")
    assert (second["officer"], second["answers"], second["reasons"], second["procedure"]) == (
        "nv-hung", {"q1": 1, "q2": 3}, ["thai-do"], None)
    assert {r["channel"] for r in responses} == {"qr"}


def test_a_ticket_works_once_over_http(server):
    base, path = server
    ticket = qrticket.make("quay-1", TOKEN, time.time())
    s = requests.Session()
    page = s.get(f"{base}/r/quay-1", params={"o": "nv-lan", "t": ticket}, timeout=10)
    assert page.status_code == 200
    data = {"csrf_token": csrf(page.text), "o": "nv-lan", "t": ticket, "q_q1": "5", "q_q2": "5"}
    first = s.post(f"{base}/r/quay-1", data=data, allow_redirects=False, timeout=10)
    assert first.status_code == 303
    again = s.post(f"{base}/r/quay-1", data=data, allow_redirects=False, timeout=10)
    assert again.status_code == 409 and "Mỗi mã chỉ dùng được một lần" in again.text
    huge = s.post(f"{base}/r/quay-1", data={**data, "name": "x" * (1024 * 1024)}, timeout=10)
    assert huge.status_code == 413 and "quá lớn" in huge.text
    assert len(stored(path)) == 1
