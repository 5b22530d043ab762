"""Pull messages reach staff in Vietnamese; the database and the journal keep the English."""

from __future__ import annotations

import re

import pytest

from sync_server.kiosk_client import _REASONS
from sync_server.pull_messages import vietnamese
from sync_server.puller import pull_kiosk
from tests.server.conftest import TOKEN, free_port
from tests.server.web import add_user, login, page

ENGLISH_RUN = re.compile(r"\b[a-z]+ [a-z]+ [a-z]+\b")  # three plain English words in a row


@pytest.mark.parametrize("message", sorted({reason for _needle, reason in _REASONS} | {"cannot connect"}))
def test_every_network_reason_is_translated(message):
    assert vietnamese(message) != message
    assert not ENGLISH_RUN.search(vietnamese(message))


@pytest.mark.parametrize("message, expected", [
    ("too slow: reply not complete after 63 s", "sau 63 giây vẫn chưa nhận xong"),
    ("the kiosk refused the token (401): check token in [[kiosks]]", "không chấp nhận mã truy cập"),
    ("the kiosk at http://q1.local:8765 says it is 'quay-2', not 'quay-1': check url in [[kiosks]]",
     "máy ở http://q1.local:8765 cho biết nó là ki-ốt 'quay-2', không phải 'quay-1'"),
    ("new store s-9 (card re-imaged?): new epoch, the old one is kept; roster v4 not pushed: timed out",
     "kho dữ liệu mới s-9 (thẻ nhớ được cài lại?): mở kỳ dữ liệu mới, kỳ cũ vẫn được giữ; "
     "chưa gửi được danh mục phiên bản 4: hết thời gian chờ"),
    ("seq 7: expected next, got 9 (gap or reorder) — nothing of this page stored, alert raised",
     "số thứ tự 7 được chờ tiếp theo, nhận được 9 (thiếu hoặc sai thứ tự) — không lưu gì của trang này"),
    ("3 response(s) name codes the roster does not know (stored, flagged)", "3 phiếu ghi mã không có"),
])
def test_composed_messages_are_translated_part_by_part(message, expected):
    assert expected in vietnamese(message)
    assert not ENGLISH_RUN.search(vietnamese(message).replace("[[kiosks]]", ""))


def test_an_unknown_message_is_shown_as_written():
    assert vietnamese("response seq 5.officer: longer than 64 characters") == \
        "response seq 5.officer: longer than 64 characters"
    assert vietnamese(None) == "" and vietnamese("") == ""


def test_the_kiosk_page_shows_a_refused_connection_in_vietnamese(make_config):
    from sync_server.app import create_app
    from sync_server.models import Kiosk

    cfg = make_config([("quay-1", f"http://127.0.0.1:{free_port()}", TOKEN)])  # nothing listens
    pull_kiosk(cfg.kiosks[0], cfg)
    assert Kiosk.get_by_id("quay-1").last_error == "connection refused"  # kept in English
    app = create_app(cfg)
    add_user("viewer", "viewer")
    client = app.test_client()
    login(client, "viewer")
    assert "ki-ốt từ chối kết nối" in page(client, "/kiosks")
    assert "connection refused" in page(client, "/kiosks?lang=en")
