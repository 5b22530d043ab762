"""Several phones posting the same single-use ticket at the same moment, to a real
`hailong-server serve` process on SQLite and PostgreSQL: one response is stored per ticket,
every other phone gets the documented 409 page (never a 500), and the QR chain still verifies."""

from __future__ import annotations

import threading
import time

import pytest
import requests

from kiosk.shared import qrticket
from kiosk.shared.protocol import verify_chain
from tests.support.qr import stored
from tests.support.server import TOKEN
from tests.support.web import csrf_token

pytestmark = pytest.mark.e2e
PHONES = 8
ROUNDS = 4  # a fresh ticket each round: more chances for the phones to meet inside the store


def race(base: str, ticket: str) -> list[tuple[int, str]]:
    """Every phone opens the form (its own cookie and CSRF token), then all press "Gửi" together."""
    sessions, forms = [], []
    for n in range(PHONES):
        s = requests.Session()
        page = s.get(f"{base}/r/quay-1", params={"o": "nv-lan", "t": ticket}, timeout=10)
        assert page.status_code == 200
        sessions.append(s)
        forms.append({"csrf_token": csrf_token(page.text), "o": "nv-lan", "t": ticket,
                      "q_q1": str(3 + n % 3), "q_q2": "5"})  # no 1–2: no reasons step
    start = threading.Barrier(PHONES)
    answers: list[tuple[int, str]] = [(0, "")] * PHONES

    def phone(n: int) -> None:
        start.wait()
        r = sessions[n].post(f"{base}/r/quay-1", data=forms[n], allow_redirects=False, timeout=60)
        answers[n] = (r.status_code, r.text)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(PHONES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return answers


def test_phones_racing_one_ticket_store_one_response_and_get_409(qr_server):
    base, path = qr_server
    for round_no in range(1, ROUNDS + 1):
        answers = race(base, qrticket.make("quay-1", TOKEN, time.time()))
        statuses = sorted(status for status, _text in answers)
        assert statuses == [303] + [409] * (PHONES - 1), (round_no, statuses)
        for status, text in answers:
            if status == 409:
                assert "Mỗi mã chỉ dùng được một lần" in text and "Traceback" not in text
        responses = stored(path)
        assert len(responses) == round_no  # exactly one more response per ticket
        assert verify_chain(responses)[0] == round_no
        assert responses[-1]["flags"] == ["qr:counter:quay-1", "qr:ticket"]
