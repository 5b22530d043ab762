"""Issue 11 on the real app under Xvfb, with real X pointer and key events: every rating lands
on the right officer and procedure, and no answer is dropped. Each test walks through what the
field test of December 2026 did (the K/R numbers are its findings); screenshots of the kiosk
window go to test-output/gui/flow-*.png to be looked at."""

from __future__ import annotations

import hashlib
import time

import pytest
import requests

from kiosk.shared import qrticket
from kiosk.shared.presets import PRESETS
from tests.support.gui import QR_URL, push_roster, tap, wait_screen
from tests.support.images import image
from tests.support.kiosk_process import TOKEN, KioskProcess
from tests.support.qr_screen import read_code
from tests.support.xvfb import OUTPUT, max_brightness, wait_for

pytestmark = pytest.mark.gui
SHOTS = OUTPUT / "gui"
CRITERIA = [q["code"] for q in PRESETS["tieu-chi-5"]["questions"]]
LONG_TITLE = "Công chức Văn hóa – Xã hội (Lao động – Thương binh và Xã hội)"
SIX_OFFICERS = [
    {"code": "nv-lan", "name": "Nguyễn Thị Lan", "title": "Công chức Tư pháp – Hộ tịch",
     "fields": ["tu-phap"]},
    {"code": "nv-hung", "name": "Trần Văn Hùng", "title": "Công chức Địa chính – Xây dựng",
     "fields": ["dia-chinh"]},
    {"code": "nv-mai", "name": "Lê Thị Mai", "title": "Công chức Tư pháp – Hộ tịch", "fields": ["tu-phap"]},
    {"code": "nv-minh", "name": "Lê Quang Minh", "title": "Công chức Địa chính – Nông nghiệp – Xây dựng "
     "và Môi trường", "fields": ["dia-chinh"]},
    {"code": "nv-hoa", "name": "Phạm Thị Hoa", "title": "Công chức Văn phòng – Thống kê"},
    {"code": "nv-tuan", "name": "Võ Minh Tuấn", "title": LONG_TITLE},
]


def answered(k: KioskProcess, count: int) -> list[dict]:
    """The responses once `count` are stored, and a moment later still exactly `count`."""
    responses = k.wait_for_count(count)
    time.sleep(0.5)
    assert len(k.responses()) == count
    return responses


@pytest.mark.parametrize("size", [(800, 480), (1024, 600)])
def test_shared_mode_a_tap_on_the_thanks_screen_selects_nobody(tmp_path, xvfb, size):
    """K1: the thanks screen is a screen of its own. An unsure citizen's taps on it, where an
    officer's button and a face were, do nothing; the next citizen starts at a clean grid."""
    k = KioskProcess(tmp_path, xvfb, size=size, thanks_s=8).start()
    tag = f"{size[0]}x{size[1]}"
    try:
        push_roster(k, 1, mode="shared", on_duty=(), questionnaire="overall", ask_procedure=False, qr=False)
        grid = wait_screen(k, "idle", "Cán bộ nào")
        officer_hung = k.centre("choices", "nv-hung")
        tap(k, xvfb, "choices", "nv-lan")
        wait_screen(k, "asking", "Nguyễn Thị Lan")
        face_4 = k.face_centre(4)
        xvfb.click(*face_4)
        wait_screen(k, "thanks")
        k.screenshot(SHOTS / f"flow-k1-{tag}-thanks.png")
        xvfb.click(*officer_hung)  # where Hùng's button is on the officer grid
        xvfb.click(*face_4)  # where the "4" face was
        thanks = k.screenshot(SHOTS / f"flow-k1-{tag}-thanks-after-taps.png")
        g = wait_screen(k, "idle", "Cán bộ nào", timeout=15)
        [r] = answered(k, 1)
        assert (r["officer"], r["answers"]) == ("nv-lan", {"q1": 4})
        assert list(g["choices"]) == list(grid["choices"])
        assert not any("Cán bộ tiếp nhận" in t for t in g["texts"])  # nobody chosen
        # What showed: the thanks screen alone, nothing on it to touch.
        assert max_brightness(thanks, (0, 0, *size)) > 0.9  # drawn, white
        g = k.settled_geometry()
        assert g["screen"] == "officers"
        # The next citizen: a clean session for the officer they pick.
        tap(k, xvfb, "choices", "nv-mai")
        wait_screen(k, "asking", "Lê Thị Mai")
        tap(k, xvfb, "faces", "5")
        g = wait_screen(k, "thanks")
        assert (g["screen"], g["faces"], g["choices"], g["buttons"]) == ("thanks", {}, {}, {})
        assert [(x["officer"], x["answers"]["q1"]) for x in answered(k, 2)] == [("nv-lan", 4), ("nv-mai", 5)]
    finally:
        assert k.terminate() == 0, k.log_text()


def test_a_key_on_the_follow_up_step_ends_the_session_with_thanks(tmp_path, xvfb):
    """K2: a session begun by touch reaches the follow-up chips; a key there ends it (complete,
    with thanks) and starts nothing; the next key is a fresh session at question 1."""
    k = KioskProcess(tmp_path, xvfb, size=(800, 480)).start()
    try:
        push_roster(k, 1, ask_procedure=False, qr=False)
        wait_screen(k, "idle", "Nguyễn Thị Lan")
        for n, score in enumerate((1, 2, 1, 2, 1), start=1):
            if n > 1:
                wait_screen(k, "asking", f"Câu {n}/5")
            tap(k, xvfb, "faces", str(score))
        follow_up = wait_screen(k, "reasons")
        k.screenshot(SHOTS / "flow-k2-1-follow-up.png")
        xvfb.key("3")
        wait_screen(k, "thanks")
        k.screenshot(SHOTS / "flow-k2-2-key-gives-thanks.png")
        assert "Điều gì Ông/Bà quan tâm nhất hôm nay?" in follow_up["texts"]
        [first] = answered(k, 1)
        assert first["answers"] == dict(zip(CRITERIA, (1, 2, 1, 2, 1), strict=True))
        assert (first["partial"], first["reasons"], first["channel"]) == (False, [], "touch")
        xvfb.key("4")  # the next citizen, while thanks shows
        g = wait_screen(k, "asking", "Câu 2/5")
        assert g["progress"] == "Câu 2/5"
        k.screenshot(SHOTS / "flow-k2-3-next-citizen.png")
        for key in "5432":
            xvfb.key(key)
            time.sleep(0.3)
        wait_screen(k, "thanks")  # a key session: no follow-up step
        second = answered(k, 2)[1]
        assert second["answers"] == dict(zip(CRITERIA, (4, 5, 4, 3, 2), strict=True))
        assert second["channel"] == "keypad" and second["partial"] is False
    finally:
        assert k.terminate() == 0, k.log_text()


def test_six_quick_taps_on_a_five_question_form_store_five_answers(tmp_path, xvfb):
    """K3: cooldown_s = 2 guards the start of a session only. Five taps 0.6 s apart answer the
    five questions, each shown new (it slides in); the sixth lands on the thanks screen and does
    nothing. No cooldown drop in the minutes."""
    k = KioskProcess(tmp_path, xvfb, size=(800, 480), cooldown_s=2).start()
    try:
        push_roster(k, 1, ask_procedure=False, qr=False, topics=False)
        idle = wait_screen(k, "idle", "Nguyễn Thị Lan")
        left, top = idle["origin"]
        for score in (5, 4, 3, 2, 1, 4):
            x, y, w, h = idle["faces"][str(score)]
            xvfb.click(left + x + w // 2, top + y + h // 2)
            time.sleep(0.6)
        [r] = answered(k, 1)
        assert r["answers"] == dict(zip(CRITERIA, (5, 4, 3, 2, 1), strict=True)) and r["partial"] is False
        g = k.settled_geometry()
        assert g["slides"] == 4  # questions 2 to 5 each slid in
        assert "cooldown_drop" not in k.events()
    finally:
        assert k.terminate() == 0, k.log_text()


def test_the_time_out_warning_asks_and_continue_goes_on(tmp_path, xvfb):
    """K10: in the last seconds before a time-out, "Ông/Bà còn tiếp tục không?" with a large
    "Tiếp tục"; a touch on it goes on, a key answers the question; left alone, the session is
    stored as partial."""
    k = KioskProcess(tmp_path, xvfb, size=(800, 480), flow_toml_lines="inactivity_s = 14").start()
    try:
        push_roster(k, 1, ask_procedure=False, qr=False)
        wait_screen(k, "idle", "Nguyễn Thị Lan")
        tap(k, xvfb, "faces", "4")
        g = wait_for(lambda: (g := k.settled_geometry()).get("overlay") == "timeout" and g, 15, "the warning")
        assert "Ông/Bà còn tiếp tục không?" in g["texts"] and g["clipped"] == []
        x, y, w, h = g["buttons"]["continue"]
        assert w >= 200 and h >= 100  # large
        k.screenshot(SHOTS / "flow-k10-1-warning.png")
        tap(k, xvfb, "buttons", "continue")
        g = wait_for(lambda: (g := k.settled_geometry())["overlay"] == "" and g, 5, "the warning to go")
        assert g["phase"] == "asking" and g["progress"] == "Câu 2/5"
        wait_for(lambda: k.settled_geometry()["overlay"] == "timeout", 15, "the warning again")
        xvfb.key("2")  # a key answers the question under the warning
        g = wait_screen(k, "asking", "Câu 3/5")
        assert g["overlay"] == ""
        wait_screen(k, "idle", "Nguyễn Thị Lan", timeout=30)  # left alone: timed out
        [r] = answered(k, 1)
        assert r["partial"] is True and r["answers"] == {CRITERIA[0]: 4, CRITERIA[1]: 2}
    finally:
        assert k.terminate() == 0, k.log_text()


@pytest.mark.parametrize("size", [(800, 480), (1024, 600)])
def test_officer_buttons_fit_long_titles_and_one_question_offers_choose_again(tmp_path, xvfb, size):
    """K5: a three-line officer button (name and a long title) keeps its words off its edges.
    K9: with one question, no "Câu 1/1" and no "Xong"; "Chọn lại cán bộ" goes back, storing
    nothing."""
    k = KioskProcess(tmp_path, xvfb, size=size).start()
    tag = f"{size[0]}x{size[1]}"
    try:
        push_roster(k, 1, mode="shared", on_duty=(), questionnaire="overall", ask_procedure=False, qr=False,
                    officers=SIX_OFFICERS)
        g = wait_screen(k, "idle", "Cán bộ nào")
        shot = k.screenshot(SHOTS / f"flow-k5-{tag}-officers.png")
        assert list(g["choices"]) == [o["code"] for o in SIX_OFFICERS]
        for code, (x, y, w, h) in g["choices"].items():
            assert h >= 80, (code, h)
            # A band inside each edge of the button (2 px in: the edge itself may blend with the
            # white around it) holds no text (white) pixel: nothing touches the edges.
            for band in ((x + 2, y + 2, w - 4, 5), (x + 2, y + h - 7, w - 4, 5), (x + 2, y + 2, 5, h - 4),
                         (x + w - 7, y + 2, 5, h - 4)):
                assert max_brightness(shot, band) < 0.5, (code, band)
        assert g["clipped"] == [] and "Võ Minh Tuấn" in g["choice_texts"]["nv-tuan"]
        tap(k, xvfb, "choices", "nv-tuan")
        g = wait_screen(k, "asking", "Võ Minh Tuấn")
        assert set(g["buttons"]) == {"choose_again"} and g["progress"] == ""
        assert not any("Câu 1/1" in t for t in g["texts"])
        k.screenshot(SHOTS / f"flow-k9-{tag}-one-question.png")
        tap(k, xvfb, "buttons", "choose_again")
        g = wait_screen(k, "idle", "Cán bộ nào")
        assert g["screen"] == "officers"
        tap(k, xvfb, "choices", "nv-hoa")
        wait_screen(k, "asking", "Phạm Thị Hoa")
        tap(k, xvfb, "faces", "3")
        [r] = answered(k, 1)
        assert (r["officer"], r["answers"]) == ("nv-hoa", {"q1": 3})
    finally:
        assert k.terminate() == 0, k.log_text()


def test_procedure_step_lists_the_officers_field_first_then_all_by_field(tmp_path, xvfb):
    """R1: her field's procedures first, large; "Thủ tục khác…" opens every procedure grouped by
    field, a page at a time; the one chosen on a later page is stored."""
    procedures = ([{"code": f"1.00{i:04d}", "name": f"Thủ tục hộ tịch số {i}", "field": "tu-phap"}
                   for i in range(1, 8)]
                  + [{"code": f"2.00{i:04d}", "name": f"Đăng ký đất đai loại {i}", "field": "dia-chinh"}
                     for i in range(1, 4)])
    k = KioskProcess(tmp_path, xvfb, size=(800, 480)).start()
    try:
        push_roster(k, 1, questionnaire="overall", qr=False, procedures=procedures)
        wait_screen(k, "idle", "Nguyễn Thị Lan")
        tap(k, xvfb, "faces", "5")
        g = wait_screen(k, "procedure", "Ông/Bà đến làm thủ tục gì?")
        assert list(g["choices"]) == [p["code"] for p in procedures[:5]] + [""]
        assert g["choice_texts"][""] == "Khác / không rõ" and set(g["buttons"]) == {"more"}
        assert all(h >= 80 for _x, _y, _w, h in g["choices"].values()) and g["clipped"] == []
        k.screenshot(SHOTS / "flow-r1-1-her-procedures.png")
        tap(k, xvfb, "buttons", "more")
        g = wait_screen(k, "procedure", "Tư pháp – Hộ tịch · trang 1/3")
        assert set(g["buttons"]) == {"back", "next"}
        k.screenshot(SHOTS / "flow-r1-2-all-page-1.png")
        tap(k, xvfb, "buttons", "next")
        wait_screen(k, "procedure", "Tư pháp – Hộ tịch · trang 2/3")
        tap(k, xvfb, "buttons", "next")
        g = wait_screen(k, "procedure", "Địa chính – Xây dựng · trang 3/3")
        assert list(g["choices"]) == [p["code"] for p in procedures[7:]] + [""]
        assert set(g["buttons"]) == {"back"}
        k.screenshot(SHOTS / "flow-r1-3-all-page-3.png")
        tap(k, xvfb, "choices", "2.000002")
        wait_screen(k, "thanks")
        [r] = answered(k, 1)
        assert (r["officer"], r["procedure"], r["answers"]) == ("nv-lan", "2.000002", {"q1": 5})
    finally:
        assert k.terminate() == 0, k.log_text()


def test_the_thanks_qr_code_has_its_caption_and_time_and_takes_no_touch(tmp_path, xvfb):
    """K8: the code with "Quét mã để góp ý thêm trên điện thoại" under it, shown thanks_qr_s
    (here 12 s, against thanks_s 3); a tap on the face that was there does nothing (K4), a key
    is the next citizen's rating at once (the ★ rule)."""
    k = KioskProcess(tmp_path, xvfb, size=(800, 480), flow_toml_lines="thanks_qr_s = 12").start()
    try:
        push_roster(k, 1, questionnaire="overall", ask_procedure=False)
        idle = wait_screen(k, "idle", "Nguyễn Thị Lan")
        tap(k, xvfb, "faces", "5")
        g = wait_screen(k, "thanks")
        assert "Quét mã để góp ý thêm trên điện thoại" in g["texts"] and g["clipped"] == []
        qr, caption = g["thanks"]["qr"], g["thanks"]["caption"]
        assert qr[3] >= 0.5 * 480 and caption[1] >= qr[1] + qr[3]  # large, and the caption under it
        assert abs((caption[0] + caption[2] / 2) - (qr[0] + qr[2] / 2)) < 4  # centred under it
        shot = k.screenshot(SHOTS / "flow-k8-thanks-qr.png")
        # What a phone reads: this kiosk's ticket for the response just stored, module for module.
        ticket = qrticket.parse(read_code(shot, qr).removeprefix(QR_URL + "?t="))
        assert qrticket.signed_by(ticket, TOKEN) and ticket.response == answered(k, 1)[0]["uuid"]
        left, top = idle["origin"]
        x, y, w, h = idle["faces"]["4"]
        xvfb.click(left + x + w // 2, top + y + h // 2)  # nothing to touch on the thanks screen
        time.sleep(4)  # past thanks_s: the code still shows, for thanks_qr_s
        assert k.settled_geometry()["phase"] == "thanks"
        assert len(answered(k, 1)) == 1
        xvfb.key("2")  # the next citizen's key
        assert [r["answers"]["q1"] for r in answered(k, 2)] == [5, 2]
        wait_screen(k, "idle", "Nguyễn Thị Lan", timeout=20)
    finally:
        assert k.terminate() == 0, k.log_text()


@pytest.mark.parametrize("keypad,hint", [(False, "Chạm vào một khuôn mặt"),
                                         (True, "Chạm vào một khuôn mặt, hoặc bấm phím 1–5")])
def test_the_hint_names_the_inputs_this_kiosk_has(tmp_path, xvfb, keypad, hint):
    """K12: a touch-only kiosk says nothing about keys (GPIO buttons: tests/kiosk/test_gui_buttons.py)."""
    k = KioskProcess(tmp_path, xvfb, size=(800, 480),
                     kiosk_toml_lines=f"keypad = {str(keypad).lower()}").start()
    try:
        push_roster(k, 1, ask_procedure=False, qr=False)
        g = wait_screen(k, "idle", "Nguyễn Thị Lan")
        assert g["texts"][-1] == hint
        tap(k, xvfb, "faces", "3")
        g = wait_screen(k, "asking", "Câu 2/5")
        assert g["texts"][-1] == hint
    finally:
        assert k.terminate() == 0, k.log_text()


def test_shared_mode_shows_the_photos_the_roster_names_once_the_server_sent_them(tmp_path, xvfb):
    """K5: a citizen often knows the face, not the name. A photo the roster names (schema 2) shows
    on its officer's button once the server has sent it; an officer without one keeps the words
    alone; a roster that withdraws it takes it off the screen and off the card."""
    k = KioskProcess(tmp_path, xvfb, size=(800, 480)).start()
    try:
        photo = image("JPEG", (300, 400))
        sha = hashlib.sha256(photo).hexdigest()
        officers = [dict(o) for o in SIX_OFFICERS]
        officers[0]["photo"] = {"sha256": sha, "bytes": len(photo)}
        push_roster(k, 1, mode="shared", on_duty=(), questionnaire="overall", ask_procedure=False, qr=False,
                    officers=officers, schema=2)
        g = wait_screen(k, "idle", "Cán bộ nào")
        assert g["photos"] == {}  # named, not sent yet: the name alone
        assert k.status()["photos_missing"] == [sha]
        r = requests.put(f"{k.url}/api/v1/photos/{sha}", data=photo, timeout=5,
                         headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 201, r.text
        # The idle grid picks the photo up by itself (the server sends it after the roster).
        g = wait_for(lambda: (lambda d: d if d["photos"] else None)(k.settled_geometry()), 10, "the photo")
        assert list(g["photos"]) == ["nv-lan"] and g["clipped"] == []
        x, y, w, h = g["photos"]["nv-lan"]
        bx, by, bw, bh = g["choices"]["nv-lan"]
        assert w >= 60 and bx <= x and x + w <= bx + bw and by <= y and y + h <= by + bh
        k.screenshot(SHOTS / "flow-k5-800x480-photo.png")
        tap(k, xvfb, "choices", "nv-lan")
        wait_screen(k, "asking", "Nguyễn Thị Lan")
        tap(k, xvfb, "faces", "5")
        [r] = answered(k, 1)
        assert r["officer"] == "nv-lan"
        officers[0]["photo"] = None
        push_roster(k, 2, mode="shared", on_duty=(), questionnaire="overall", ask_procedure=False, qr=False,
                    officers=officers, schema=2)
        g = wait_for(lambda: (lambda d: d if d["phase"] == "idle" and not d["photos"] else None)(
            k.settled_geometry()), 15, "the photo withdrawn")
        assert not (k.workdir / "data" / "photos" / f"{sha}.jpg").exists()
    finally:
        assert k.terminate() == 0, k.log_text()
