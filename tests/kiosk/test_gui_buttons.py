"""A kiosk with GPIO buttons and no keypad, walked through on gpiozero's mock pins (pressed from
another thread, as on a Pi): counter mode, a five-question form, shared mode. Every screen is
kept as test-output/gui/buttons-*.png to be looked at. A session begun on a button never shows a
step that needs touch: the five questions, then thanks."""

from __future__ import annotations

import sys
import time

import pytest

from kiosk.shared.presets import PRESETS
from tests.support.gui import push_roster, wait_screen
from tests.support.kiosk_process import KioskProcess
from tests.support.xvfb import OUTPUT

pytestmark = pytest.mark.gui
SHOTS = OUTPUT / "gui"
PINS = (5, 6, 13, 19, 26)  # scores 1..5
CRITERIA = [q["code"] for q in PRESETS["tieu-chi-5"]["questions"]]


def buttons_only_kiosk(tmp_path, xvfb, presses) -> KioskProcess:
    return KioskProcess(
        tmp_path, xvfb, size=(800, 480), kiosk_toml_lines="keypad = false",
        flow_toml_lines="thanks_qr_s = 5",
        extra_toml=f"\n[gpio]\nrating_pins = {list(PINS)}\ndebounce_s = 0.2\n",
        env={"HAILONG_TEST_PRESSES": str(presses)},
        argv=[sys.executable, "-m", "tests.support.kiosk_with_mock_gpio", "run", "--config",
              str(tmp_path / "kiosk.toml")])


class Presser:
    """Appends one press at a time to the file the mock-pin thread replays."""

    def __init__(self, path) -> None:
        self.path = path
        path.write_text("")

    def press(self, score: int) -> None:
        with self.path.open("a") as f:
            f.write(f"{PINS[score - 1]}\n")
        time.sleep(0.3)  # past the 0.2 s debounce of the same button


def test_buttons_only_counter_mode_five_questions_and_shared_mode(tmp_path, xvfb):
    presser = Presser(tmp_path / "presses")
    k = buttons_only_kiosk(tmp_path, xvfb, presser.path).start()
    try:
        # Counter mode, the built-in single question: one press is one response.
        push_roster(k, 1, questionnaire="overall", ask_procedure=False, qr=False)
        g = wait_screen(k, "idle", "Nguyễn Thị Lan")
        assert g["texts"][-1] == "Chạm vào một khuôn mặt, hoặc bấm nút"  # K12: no "phím 1–5"
        k.screenshot(SHOTS / "buttons-1-counter-idle.png")
        presser.press(5)
        g = wait_screen(k, "thanks")
        assert (g["faces"], g["choices"], g["buttons"]) == ({}, {}, {})
        k.screenshot(SHOTS / "buttons-2-counter-thanks.png")
        presser.press(2)  # while thanks shows: the next citizen
        counter = [(r["answers"]["q1"], r["channel"]) for r in k.wait_for_count(2)]
        assert counter == [(5, "button"), (2, "button")]
        wait_screen(k, "idle", "Nguyễn Thị Lan")

        # Five questions, with topics and the procedure step configured: neither shows.
        push_roster(k, 2, questionnaire="tieu-chi-5", ask_procedure=True)
        wait_screen(k, "idle", "Thời gian giải quyết thủ tục")
        k.screenshot(SHOTS / "buttons-3-form-idle.png")
        for n, score in enumerate((5, 4, 3, 2, 1), start=1):
            if n > 1:
                g = wait_screen(k, "asking", f"Câu {n}/5")
                assert g["texts"][-1] == "Chạm vào một khuôn mặt, hoặc bấm nút" and g["clipped"] == []
                k.screenshot(SHOTS / f"buttons-4-form-q{n}.png")
            presser.press(score)
            time.sleep(0.7)  # one press a second
        g = wait_screen(k, "thanks")
        assert g["thanks"]["qr"] and g["clipped"] == []
        k.screenshot(SHOTS / "buttons-5-form-thanks-qr.png")
        form = k.wait_for_count(3)[2]
        assert form["answers"] == dict(zip(CRITERIA, (5, 4, 3, 2, 1), strict=True))
        assert (form["channel"], form["partial"], form["reasons"]) == ("button", False, [])
        assert form["procedure"] is None
        wait_screen(k, "idle", "Thời gian giải quyết thủ tục", timeout=15)

        # Shared mode: a button on the officer grid rates without naming anybody.
        push_roster(k, 3, mode="shared", on_duty=(), questionnaire="overall", ask_procedure=False, qr=False)
        g = wait_screen(k, "idle", "Cán bộ nào")
        assert g["texts"][-1] == "Chạm vào tên cán bộ, hoặc bấm nút để chỉ đánh giá chung"
        k.screenshot(SHOTS / "buttons-6-shared-idle.png")
        presser.press(4)
        wait_screen(k, "thanks")
        k.screenshot(SHOTS / "buttons-7-shared-thanks.png")
        shared = k.wait_for_count(4)[3]
        assert (shared["officer"], shared["answers"], shared["channel"]) == (None, {"q1": 4}, "button")
        wait_screen(k, "idle", "Cán bộ nào")
        assert len(k.responses()) == 4
    finally:
        assert k.terminate() == 0, k.log_text()
