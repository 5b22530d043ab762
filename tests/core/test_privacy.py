"""The privacy notice's words (kiosk.shared.privacy) and where the kiosk shows them
(kiosk/ui/screen_model.py): on the idle screen only, never over a session or the thanks screen."""

from __future__ import annotations

import pytest

from kiosk import config as kiosk_config
from kiosk.shared import privacy
from kiosk.shared.configfile import ConfigError
from kiosk.ui import screen_model as sm
from tests.support.kiosk_core import kiosk_toml, make, roster


def test_the_default_says_what_is_kept_who_sees_it_and_how_long():
    vi = privacy.notice({}, "vi", "Trung tâm Phục vụ hành chính công xã Đại Lãnh")
    assert vi["line"] == "Không ghi tên, không chụp ảnh. Chạm để xem thêm"
    assert "mức đánh giá Ông/Bà chọn, cán bộ và thủ tục được đánh giá, thời gian" in vi["text"]
    assert "Không ghi: họ tên, số điện thoại" in vi["text"]
    assert ("Người xem: lãnh đạo và người được giao của Trung tâm Phục vụ hành chính công xã Đại Lãnh"
            in vi["text"])
    assert "Thời gian lưu: theo quy định lưu trữ của đơn vị." in vi["text"]
    en = privacy.notice({}, "en", "X")
    assert en["title"] == "About your data"
    assert "How long: as long as the unit's records rules say." in en["text"]


def test_the_config_replaces_the_words(tmp_path):
    path = kiosk_toml(tmp_path, '[privacy]\nretention = "5 năm"\nline_en = "Anonymous. Touch."\n')
    words = kiosk_config.load(path).privacy
    assert words == {"retention": "5 năm", "line_en": "Anonymous. Touch."}
    assert "Thời gian lưu: 5 năm." in privacy.notice(words, "vi", "X")["text"]
    assert privacy.notice(words, "en", "X")["line"] == "Anonymous. Touch."
    assert "How long: as long as" in privacy.notice(words, "en", "X")["text"]  # no retention_en: default


@pytest.mark.parametrize(("extra", "key"), [
    ('[privacy]\nline = "' + "x" * 121 + '"\n', "privacy.line"),
    ("[privacy]\ntext = 5\n", "privacy.text"),
    ('[privacy]\nphone = "x"\n', "privacy.phone"),
])
def test_a_bad_privacy_table_is_one_line_naming_the_key(tmp_path, extra, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        kiosk_config.load(kiosk_toml(tmp_path, extra))


def test_the_notice_is_on_the_idle_screen_only(store, fake_clock):
    store.save_roster(roster(questionnaire="tieu-chi-5"))
    c = make(store, fake_clock)
    idle = sm.build(c, "vi", privacy_open=True)
    assert idle.privacy_line == "Không ghi tên\nXem thêm ›" and idle.privacy_open
    assert "UBND xã Đại Lãnh" in idle.privacy_text
    c.press(4, "keypad")
    asking = sm.build(c, "vi", privacy_open=True)
    assert (asking.privacy_line, asking.privacy_text, asking.privacy_open) == ("", "", False)
    c.done()
    thanks = sm.build(c, "vi", privacy_open=True)
    assert thanks.middle == sm.THANKS and not thanks.privacy_open and thanks.privacy_line == ""



def test_an_officer_grid_has_the_button_too(store, fake_clock):
    store.save_roster(roster(mode="shared", on_duty=()))
    model = sm.build(make(store, fake_clock), "en")
    assert model.middle == sm.OFFICERS and model.privacy_line == "No name kept\nRead more ›"
