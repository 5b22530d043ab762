"""Whole sessions on the real app under Xvfb, driven by real X pointer events: a questionnaire
pushed over the API, several questions, the follow-up step, the procedure, the thanks screen
with its QR code; shared mode's officer choice; the English switch. Screenshots of every screen
go to test-output/gui/ to be looked at."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from kiosk.shared.presets import PRESETS
from kiosk.ui.strings import pin_mask
from tests.support.gui import PIN, enter_pin, long_press_corner, push_roster, tap, wait_screen
from tests.support.kiosk_process import KioskProcess
from tests.support.xvfb import OUTPUT, wait_for

pytestmark = pytest.mark.gui
SHOTS = OUTPUT / "gui"


@pytest.mark.parametrize("size", [(800, 480), (1280, 800)])
def test_five_criteria_with_topics_procedure_and_qr(tmp_path, xvfb, size):
    k = KioskProcess(tmp_path, xvfb, size=size).start()
    tag = f"{size[0]}x{size[1]}"
    try:
        push_roster(k, 1)
        wait_screen(k, "idle", "Nguyễn Thị Lan")
        k.screenshot(SHOTS / f"session-{tag}-1-idle.png")
        for n, score in enumerate((5, 4, 2, 5, 4), start=1):
            if n > 1:
                g = wait_screen(k, "asking", f"Câu {n}/5")
                assert g["clipped"] == [] and set(g["buttons"]) == {"skip", "done"}
                assert g["progress"] == f"Câu {n}/5" and g["progress_font"] > g["body_font"] * 1.2
                if n == 2:
                    k.screenshot(SHOTS / f"session-{tag}-2-question.png")
            tap(k, xvfb, "faces", str(score))
        # The follow-up after a 4 as after a 1: the same neutral question and topics.
        g = wait_screen(k, "reasons", "Điều gì Ông/Bà quan tâm nhất hôm nay?")
        assert list(g["choices"]) == ["wait", "attitude", "guidance", "paperwork", "fees", "facilities"]
        assert g["clipped"] == []
        tap(k, xvfb, "choices", "wait")
        wait_for(lambda: _chip_selected(k), 5, "the chip to show as chosen")
        tap(k, xvfb, "choices", "attitude")
        wait_for(lambda: _chip_selected(k, 2), 5, "two chips chosen")
        k.screenshot(SHOTS / f"session-{tag}-3-follow-up.png")
        tap(k, xvfb, "buttons", "done")
        g = wait_screen(k, "procedure", "thủ tục")
        # Her field's procedures first, "Khác / không rõ" last, the others behind "Thủ tục khác…".
        assert list(g["choices"]) == ["1.001193", "1.000894", "2.000815", ""]
        assert set(g["buttons"]) == {"more"} and g["clipped"] == []
        k.screenshot(SHOTS / f"session-{tag}-4-procedure.png")
        tap(k, xvfb, "choices", "1.000894")
        g = wait_screen(k, "thanks")
        assert g["clipped"] == [] and g["screen"] == "thanks" and g["faces"] == {} and g["choices"] == {}
        assert g["thanks"]["qr"] and "Quét mã để góp ý thêm trên điện thoại" in g["texts"]
        k.screenshot(SHOTS / f"session-{tag}-5-thanks-qr.png")
        [r] = k.wait_for_count(1)
        assert r["questionnaire"] == "tieu-chi-5" and r["officer"] == "nv-lan"
        codes = [q["code"] for q in PRESETS["tieu-chi-5"]["questions"]]
        assert r["answers"] == dict(zip(codes, (5, 4, 2, 5, 4), strict=True)) and r["partial"] is False
        assert r["reasons"] == ["wait", "attitude"] and r["procedure"] == "1.000894"
    finally:
        assert k.terminate() == 0, k.log_text()


def _chip_selected(k: KioskProcess, count: int = 1) -> bool:
    """The chosen chips carry a tick."""
    return len(k.settled_geometry()["chips_selected"]) >= count


def test_shared_mode_officer_grid_and_english(tmp_path, xvfb):
    k = KioskProcess(tmp_path, xvfb, size=(1024, 600)).start()
    try:
        push_roster(k, 1, mode="shared", on_duty=(), questionnaire="overall", ask_procedure=False)
        g = wait_screen(k, "idle", "Cán bộ nào")
        assert list(g["choices"]) == ["nv-lan", "nv-hung", "nv-mai"]
        xvfb.screenshot(SHOTS / "shared-1-officers.png")
        tap(k, xvfb, "buttons", "language")
        wait_screen(k, "idle", "Which officer")
        xvfb.screenshot(SHOTS / "shared-2-english.png")
        tap(k, xvfb, "choices", "nv-hung")
        wait_screen(k, "asking", "Trần Văn Hùng")
        tap(k, xvfb, "faces", "4")
        [r] = k.wait_for_count(1)
        assert (r["officer"], r["answers"]) == ("nv-hung", {"q1": 4})
        # Back at idle after thanks (20 s with a QR code): Vietnamese again for the next citizen.
        wait_screen(k, "idle", "Cán bộ nào", timeout=30)
    finally:
        assert k.terminate() == 0, k.log_text()


def test_admin_screen_behind_pin_with_button_test_and_lockout(tmp_path, xvfb):
    k = KioskProcess(tmp_path, xvfb, extra_toml=f'\n[admin]\npin = "{PIN}"\n').start()
    try:
        xvfb.click(*k.face_centre(5))  # one real rating before the technician comes
        k.wait_for_count(1)
        wait_screen(k, "idle", timeout=10)
        long_press_corner(k, xvfb)
        wait_for(lambda: k.settled_geometry()["admin"] == "pin", 10, "the PIN pad")
        xvfb.screenshot(SHOTS / "admin-1-pin.png")
        tap(k, xvfb, "pad", PIN[0])
        tap(k, xvfb, "pad", PIN[1])
        wait_for(lambda: pin_mask(2) in k.settled_geometry()["texts"], 5, "two dots for two digits")
        xvfb.screenshot(SHOTS / "admin-1b-pin-2-digits.png")  # K13: the dots were boxes
        tap(k, xvfb, "pad", "clear")
        enter_pin(k, xvfb, PIN)
        g = wait_for(lambda: (g := k.settled_geometry())["admin"] == "open" and g, 10, "the admin screen")
        info = "\n".join(g["texts"])
        assert "Máy: quay-1" in info and "Đã lưu / máy chủ đã nhận: 1 / 0" in info
        xvfb.run("xdotool", "key", "3")  # a button test, never a rating
        wait_for(lambda: any("3 (bàn phím)" in t for t in k.settled_geometry()["texts"]), 5, "the test press")
        xvfb.screenshot(SHOTS / "admin-2-panel.png")
        assert k.status()["last_seq"] == 1
        tap(k, xvfb, "buttons", "admin_close")
        wait_for(lambda: k.settled_geometry()["admin"] == "closed", 5, "the admin screen to close")

        # Five wrong PINs lock the pad; then even the right one is refused.
        time.sleep(0.3)
        long_press_corner(k, xvfb)
        wait_for(lambda: k.settled_geometry()["admin"] == "pin", 10, "the PIN pad again")
        for _ in range(5):
            enter_pin(k, xvfb, "111222")
        enter_pin(k, xvfb, PIN)
        g = k.settled_geometry()
        assert g["admin"] == "pin" and any("Tạm khoá" in t for t in g["texts"]), g["texts"]
        xvfb.screenshot(SHOTS / "admin-3-locked.png")
        tap(k, xvfb, "pad", "cancel")
        wait_for(lambda: k.settled_geometry()["admin"] == "closed", 5, "the pad to close")
        xvfb.run("xdotool", "key", "4")
        assert [r["answers"]["q1"] for r in k.wait_for_count(2)] == [5, 4]
    finally:
        assert k.terminate() == 0, k.log_text()
    events = subprocess.run([sys.executable, "-m", "kiosk", "events", "--config", str(k.config)],
                            capture_output=True, text=True, timeout=30)
    assert events.returncode == 0, events.stderr
    assert events.stdout.count("admin_login_failed") == 6  # five wrong, then one while locked
    assert "start" in events.stdout and "stop" in events.stdout
    assert PIN not in events.stdout


def test_long_names_markup_and_the_longest_question_still_fit(tmp_path, xvfb):
    """Bad input from the roster: a very long Vietnamese name with markup in it, on the
    smallest panel, with the eight-question form's longest question: nothing spills over."""
    k = KioskProcess(tmp_path, xvfb, size=(800, 480)).start()
    try:
        name = "Tôn Nữ Hoàng Thị Phương Thảo [b]Nguyễn[/b] <script>x</script> " * 4
        push_roster(k, 1, questionnaire="phieu-8", lan_name=name.strip())
        g = wait_screen(k, "idle", "Cơ sở vật chất")
        assert g["clipped"] == [], g["clipped"]
        xvfb.screenshot(SHOTS / "long-name-800x480.png")
        tap(k, xvfb, "faces", "4")
        g = wait_screen(k, "asking", "Câu 2/8")
        assert g["clipped"] == []
    finally:
        assert k.terminate() == 0, k.log_text()
