"""What pulls say reaches staff in their language: the database keeps message codes with values
(never finished text), the journal the English, the pages render it through the `pull`
catalogue; rows from before (English text) are converted once by migration 11 and read as before."""

from __future__ import annotations

import json
import re

import pytest

from sync_server.collect.client import _REASONS
from sync_server.collect.messages import Message, render, say
from sync_server.collect.puller import pull_kiosk
from sync_server.db.migrations import m0011_pull_messages as m11
from sync_server.i18n import TRANSLATIONS
from tests.support.server import TOKEN, free_port
from tests.support.web import add_user, client_as, page

ENGLISH_RUN = re.compile(r"\b[a-z]+ [a-z]+ [a-z]+\b")  # three plain English words in a row


@pytest.fixture
def vietnamese():
    """The `pull` catalogue outside a request, as the pages read it in Vietnamese."""
    from babel.support import Translations

    catalogue = Translations.load(str(TRANSLATIONS), ["vi"], "pull")
    return lambda stored: render(stored, catalogue.gettext)


@pytest.mark.parametrize("reason", sorted({str(m) for _needle, m in _REASONS} | {"cannot connect"}))
def test_every_network_reason_is_translated(reason, vietnamese):
    stored = json.dumps([say(reason).as_data()])
    assert vietnamese(stored) != reason and not ENGLISH_RUN.search(vietnamese(stored))


def test_a_message_keeps_its_values_and_nests_another(vietnamese):
    said = [say("new store %(store)s (card re-imaged?): new epoch, the old one is kept", store="s-9"),
            say("roster v%(v)s not pushed: %(e)s", v=4, e=say("timed out"))]
    stored = json.dumps([m.as_data() for m in said])
    assert render(stored, str) == ("new store s-9 (card re-imaged?): new epoch, the old one is kept; "
                                   "roster v4 not pushed: timed out")
    assert vietnamese(stored) == ("kho dữ liệu mới s-9 (thẻ nhớ được cài lại?): mở kỳ dữ liệu mới, kỳ cũ vẫn "
                                  "được giữ; chưa gửi được danh mục phiên bản 4: hết thời gian chờ")
    assert Message.from_data(json.loads(stored)[1]) == said[1]


def test_text_from_elsewhere_and_old_rows_are_shown_as_written(vietnamese):
    foreign = json.dumps([["%(text)s", {"text": "response seq 5.officer: longer than 64 characters"}]])
    assert vietnamese(foreign) == "response seq 5.officer: longer than 64 characters"
    assert vietnamese("plain old text") == "plain old text"
    assert vietnamese(None) == "" and vietnamese("") == ""


@pytest.mark.parametrize("old, expected", [
    ("too slow: reply not complete after 63 s", "quá chậm: sau 63 giây vẫn chưa nhận xong"),
    ("the kiosk at http://q1.local:8765 says it is 'quay-2', not 'quay-1': check url in [[kiosks]]",
     "máy ở http://q1.local:8765 cho biết nó là ki-ốt 'quay-2', không phải 'quay-1': kiểm tra địa chỉ"),
    ("new store s-9 (card re-imaged?): new epoch, the old one is kept; roster v4 not pushed: timed out",
     "kho dữ liệu mới s-9 (thẻ nhớ được cài lại?): mở kỳ dữ liệu mới, kỳ cũ vẫn được giữ; "
     "chưa gửi được danh mục phiên bản 4: hết thời gian chờ"),
    ("seq 7: expected next, got 9 (gap or reorder) — nothing of this page stored, alert raised",
     "số thứ tự 7 được chờ tiếp theo, nhận được 9 (thiếu hoặc sai thứ tự) — không lưu gì của trang này"),
    ("response seq 5.officer: longer than 64 characters", "response seq 5.officer: longer than 64"),
])
def test_migration_11_turns_old_english_rows_into_messages(old, expected, vietnamese):
    converted = m11.convert(old)
    assert isinstance(json.loads(converted), list) and m11.convert(converted) == converted  # once
    assert expected in vietnamese(converted)
    assert render(converted, str) == old  # nothing lost: the English reads as it was stored


def test_the_kiosk_page_shows_a_refused_connection_in_each_language(make_config):
    from sync_server.app import create_app
    from sync_server.db.models import Kiosk, PullLog

    cfg = make_config([("quay-1", f"http://127.0.0.1:{free_port()}", TOKEN)])  # nothing listens
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert r.line() == "quay-1: unreachable (connection refused)"  # the journal: English
    stored = Kiosk.get_by_id("quay-1").last_error
    assert json.loads(stored) == [["connection refused", {}]]  # a code, not text
    assert PullLog.get().message == stored
    app = create_app(cfg)
    add_user("viewer", "viewer")
    client = client_as(app, "viewer")
    assert "ki-ốt từ chối kết nối" in page(client, "/kiosks")
    assert "connection refused" in page(client, "/kiosks?lang=en")


def test_migration_11_rewrites_the_three_tables(make_config, vietnamese):
    from datetime import datetime

    from sync_server.db import database
    from sync_server.db.models import Alert, Kiosk, PullLog

    make_config()
    when = datetime(2026, 11, 30, 8)
    Kiosk.create(id="quay-1", url="http://x", last_error="timed out")
    PullLog.create(kiosk_id="quay-1", started_at=when, finished_at=when, status="unreachable",
                   message="roster v4 not pushed: timed out")
    Alert.create(kiosk_id="quay-1", kind="chain", message="server error: OperationalError: boom",
                 detail="", created_at=when, last_seen=when)
    m11.up(database.obj)
    assert vietnamese(Kiosk.get().last_error) == "hết thời gian chờ"
    assert vietnamese(PullLog.get().message) == "chưa gửi được danh mục phiên bản 4: hết thời gian chờ"
    assert vietnamese(Alert.get().message) == "lỗi của máy chủ: OperationalError: boom"
