"""What each screen shows (kiosk/ui/screen_model.py), without Kivy, on a fake clock."""

from __future__ import annotations

import pytest

from kiosk.controller import KioskController
from kiosk.flow import Phase
from kiosk.ui import screen_model as sm
from tests.support.kiosk_core import FIELD_PROCEDURES, make, roster

TOUCH, KEYPAD, BUTTONS = sm.Inputs(keypad=False), sm.Inputs(keypad=True), sm.Inputs(keypad=True, buttons=True)


@pytest.mark.parametrize("inputs,faces,officers", [
    (TOUCH, "Chạm vào một khuôn mặt", "Chạm vào tên cán bộ"),
    (KEYPAD, "Chạm vào một khuôn mặt, hoặc bấm phím 1–5",
     "Chạm vào tên cán bộ, hoặc bấm phím 1–5 để chỉ đánh giá chung"),
    (BUTTONS, "Chạm vào một khuôn mặt, hoặc bấm nút",
     "Chạm vào tên cán bộ, hoặc bấm nút để chỉ đánh giá chung"),
])
def test_the_hint_names_only_the_inputs_configured(store, fake_clock, inputs, faces, officers):
    """K12: on every screen where a hint shows: the idle faces, a question, the officer grid."""
    store.save_roster(roster(questionnaire="tieu-chi-5"))
    c = make(store, fake_clock)
    assert sm.build(c, "vi", inputs=inputs).hint == faces
    c.press(5, "keypad")
    assert sm.build(c, "vi", inputs=inputs).hint == faces  # "Câu 2/5"
    store.save_roster(roster(2, mode="shared", on_duty=()))
    c.done()
    fake_clock.advance(5)
    c.tick()
    assert sm.build(c, "vi", inputs=inputs).hint == officers
    c.choose_officer("nv-lan")
    assert sm.build(c, "vi", inputs=inputs).hint == faces  # shared mode's question shows it too


def test_english_hints_follow_the_inputs_too(store, fake_clock):
    c = make(store, fake_clock)
    assert sm.build(c, "en", inputs=TOUCH).hint == "Touch a face"
    assert sm.build(c, "en", inputs=BUTTONS).hint == "Touch a face, or press a button"


def test_the_thanks_screen_is_a_screen_of_its_own(store, fake_clock):
    """K1/K4: no faces, no officers, no buttons, no hint asking for another press."""
    r = roster(mode="shared", on_duty=())
    store.save_roster(r)
    c = make(store, fake_clock)
    c.choose_officer("nv-hung")
    c.press(2, "touch")
    model = sm.build(c, "vi", inputs=KEYPAD)
    assert (model.phase, model.middle) == (Phase.THANKS, sm.THANKS)
    assert (model.title, model.subtitle) == ("Xin cảm ơn Ông/Bà!", "Ý kiến của Ông/Bà đã được ghi nhận.")
    assert model.choices == () and model.left is None and model.right is None and model.hint == ""
    assert model.qr_url is None and model.qr_caption == ""
    c.press(5, "keypad")  # the next citizen's key: the same screen again, word for word
    assert sm.build(c, "vi", inputs=KEYPAD) == model


def test_the_portal_invite_follows_the_thanks_only_when_the_roster_sends_it(store, fake_clock):
    """NĐ 118 Điều 31.1.c, off by default ([portal] invite on the server): the same line after
    every score, in the session's language."""
    from kiosk.shared import portal

    c = make(store, fake_clock)
    c.press(1, "touch")
    assert sm.build(c, "vi").subtitle == "Ý kiến của Ông/Bà đã được ghi nhận."  # no roster: none
    r = roster()
    r["kiosk"]["portal_invite"] = {"vi": "Đánh giá thêm trên dichvucong.gov.vn", "en": "Also on the portal"}
    store.save_roster(r)
    fake_clock.advance(10)
    c.tick()
    models = []
    for score in (1, 5):
        c.press(score, "touch")
        models.append(sm.build(c, "vi"))
    assert models[0] == models[1]
    assert models[0].subtitle == "Ý kiến của Ông/Bà đã được ghi nhận.\n\nĐánh giá thêm trên dichvucong.gov.vn"
    assert sm.build(c, "en").subtitle == "Your rating has been recorded.\n\nAlso on the portal"
    assert portal.line({"vi": "Chỉ tiếng Việt"}, "en") == "Chỉ tiếng Việt"


def test_the_thanks_qr_code_has_its_caption(store, fake_clock):
    store.save_roster(roster(qr_url="http://10.0.0.2:5000/r/quay-1"))
    c = make(store, fake_clock)
    c.press(4, "touch")
    model = sm.build(c, "vi")
    assert model.qr_url and model.qr_caption == "Quét mã để góp ý thêm trên điện thoại"
    assert sm.build(c, "en").qr_caption == "Scan to say more on your phone"


def test_the_follow_up_step_is_the_same_after_every_score(store, fake_clock):
    """K6: the same neutral question and the same chips after a 5 as after a 1."""
    store.save_roster(roster(questionnaire="tieu-chi-5"))
    c = make(store, fake_clock)
    seen, english = [], []
    for score in (5, 1):
        for _ in range(5):
            c.press(score, "touch")
        seen.append(sm.build(c, "vi"))
        english.append(sm.build(c, "en").title)
        c.skip()
        fake_clock.advance(5)
        c.tick()
    assert seen[0] == seen[1]
    assert seen[0].title == "Điều gì Ông/Bà quan tâm nhất hôm nay?"
    assert [ch.label for ch in seen[0].choices] == ["Thời gian chờ", "Thái độ cán bộ", "Hướng dẫn",
                                                    "Giấy tờ, thủ tục", "Phí, lệ phí", "Cơ sở vật chất"]
    assert (seen[0].left.action, seen[0].right.action) == (sm.SKIP, sm.DONE)
    assert english == ["What mattered most to you today?"] * 2
    assert [r["reasons"] for r in store.responses_after(0, 10)] == [[], []]


def test_every_question_says_which_it_is_in_large_print(store, fake_clock):
    store.save_roster(roster(questionnaire="tieu-chi-5"))
    c = make(store, fake_clock)
    assert sm.build(c, "vi").progress == ""  # the idle screen
    c.press(4, "touch")
    model = sm.build(c, "vi")
    assert model.progress == "Câu 2/5" and (model.left.action, model.right.action) == (sm.SKIP, sm.DONE)
    assert sm.build(c, "en").progress == "Question 2 of 5"


def test_shared_mode_single_question_offers_choose_again_not_skip(store, fake_clock):
    """K9: no "Câu 1/1", no "Xong"; "Chọn lại cán bộ" goes back to the officers, storing nothing."""
    store.save_roster(roster(mode="shared", on_duty=()))
    c = make(store, fake_clock)
    c.choose_officer("nv-hung")
    model = sm.build(c, "vi")
    assert model.progress == "" and model.right is None
    assert model.left == sm.Control(sm.CHOOSE_AGAIN, "Chọn lại cán bộ")
    assert model.subtitle == "Cán bộ tiếp nhận: Trần Văn Hùng"
    c.cancel()
    assert sm.build(c, "vi").middle == sm.OFFICERS and store.count() == 0


def test_the_officer_grid_has_names_and_titles_apart(store, fake_clock):
    r = roster(mode="shared", on_duty=())
    r["officers"][1]["title"] = "Công chức Văn hóa – Xã hội (Lao động – Thương binh và Xã hội)"
    store.save_roster(r)
    c = make(store, fake_clock)
    choices = sm.build(c, "vi").choices
    assert choices[1] == sm.Choice("nv-hung", "Trần Văn Hùng",
                                   detail="Công chức Văn hóa – Xã hội (Lao động – Thương binh và Xã hội)")


def test_the_wake_notice_replaces_the_idle_hint(store, fake_clock):
    """K11: after the first touch on a dimmed screen only woke it."""
    c = make(store, fake_clock)
    model = sm.build(c, "vi", wake_notice=True)
    assert model.hint == "Xin chạm lại để đánh giá" and model.notice
    assert sm.build(c, "en", wake_notice=True).hint == "Please touch again to rate"
    assert not sm.build(c, "vi").notice


def test_the_time_out_warning_is_on_the_model(store, fake_clock):
    store.save_roster(roster(questionnaire="tieu-chi-5"))
    c = make(store, fake_clock)
    c.press(3, "touch")
    fake_clock.advance(50)
    c.tick()
    assert sm.build(c, "vi").timeout_warning
    c.keep_alive()
    assert not sm.build(c, "vi").timeout_warning


def test_procedure_step_own_list_then_pages_by_field(store, fake_clock):
    store.save_roster(roster(ask_procedure=True, procedures=FIELD_PROCEDURES))
    c = make(store, fake_clock)
    c.press(5, "touch")
    own = sm.build(c, "vi")
    assert [ch.code for ch in own.choices] == [f"1.1{i:05d}" for i in range(5)] + [sm.OTHER]
    assert own.choices[-1].label == "Khác / không rõ"
    assert own.left is None and own.right == sm.Control(sm.MORE, "Thủ tục khác…")
    assert own.subtitle == "Cán bộ tiếp nhận: Nguyễn Thị Lan"
    c.procedures.step(sm.MORE)
    first = sm.build(c, "vi")
    assert first.subtitle == "Tư pháp – Hộ tịch · trang 1/4"
    assert (first.left.action, first.right.action) == (sm.BACK, sm.NEXT)
    for _ in range(3):
        c.procedures.step(sm.NEXT)
    last = sm.build(c, "vi")
    assert last.subtitle == "Lĩnh vực khác · trang 4/4" and last.right is None
    assert [ch.code for ch in last.choices] == ["3.300000", sm.OTHER]
    c.procedures.step(sm.BACK)
    assert sm.build(c, "vi").subtitle == "Địa chính – Xây dựng · trang 3/4"


def test_without_an_officer_the_pages_have_no_way_back_to_an_empty_list(store, fake_clock):
    store.save_roster(roster(ask_procedure=True, procedures=FIELD_PROCEDURES, on_duty=()))
    c = KioskController(store, cooldown_s=0, thanks_s=3, inactivity_s=60, clock=fake_clock)
    c.press(5, "touch")
    model = sm.build(c, "vi")
    assert model.subtitle.startswith("Tư pháp – Hộ tịch · trang 1/") and model.left is None
