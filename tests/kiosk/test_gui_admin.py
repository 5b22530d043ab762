"""The admin screen's pages on the real app under Xvfb at 800x480, reached by a long press and
the PIN: status (Vietnamese), officer on duty chosen and kept over a restart, the live button
test with mock GPIO pins (never a rating), the LED test, brightness on a fake sysfs backlight,
the pairing code, restart (exit 75); and the screen dimming outside service hours."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest

from kiosk.shared import pairing
from tests.support.gui import PIN, enter_pin, long_press_corner, push_roster, tap, wait_screen
from tests.support.kiosk_process import KioskProcess
from tests.support.xvfb import OUTPUT, mean_brightness, wait_for

pytestmark = pytest.mark.gui
SHOTS = OUTPUT / "gui"
BUTTON_PINS = (5, 6, 13, 19, 26)
SIZE = (800, 480)


def fake_backlight(tmp_path):
    folder = tmp_path / "sys-backlight" / "10-0045"
    folder.mkdir(parents=True)
    (folder / "max_brightness").write_text("255\n")
    (folder / "brightness").write_text("255\n")
    return folder


def mock_gpio_kiosk(tmp_path, xvfb, presses, backlight_root, extra: str = "") -> KioskProcess:
    toml = (f'\n[admin]\npin = "{PIN}"\n[gpio]\nrating_pins = {list(BUTTON_PINS)}\ndebounce_s = 0.2\n'
            f"led_pins = [20, 21]\nbuzzer_pin = 16\n{extra}")
    return KioskProcess(
        tmp_path, xvfb, size=SIZE, extra_toml=toml,
        env={"HAILONG_TEST_PRESSES": str(presses), "HAILONG_BACKLIGHT_DIR": str(backlight_root)},
        argv=[sys.executable, "-m", "tests.support.kiosk_with_mock_gpio", "run", "--config",
              str(tmp_path / "kiosk.toml")])


def open_admin(k: KioskProcess, xvfb) -> dict:
    long_press_corner(k, xvfb)
    wait_for(lambda: k.settled_geometry()["admin"] == "pin", 10, "the PIN pad")
    enter_pin(k, xvfb, PIN)
    return wait_for(lambda: (g := k.settled_geometry())["admin"] == "open" and g, 10, "the admin screen")


def admin_text(k: KioskProcess, needle: str, timeout: float = 5) -> dict:
    def shown():
        try:  # not settled_geometry: the LED test changes the text every 0.7 s
            g = k.geometry()
        except ValueError:  # caught mid-write
            return None
        return g if any(needle in t for t in g["texts"]) else None

    return wait_for(shown, timeout, f"{needle!r} on the admin screen")


def test_admin_pages(tmp_path, xvfb):
    presses = tmp_path / "presses"
    light = fake_backlight(tmp_path)
    k = mock_gpio_kiosk(tmp_path, xvfb, presses, light.parent).start()
    try:
        push_roster(k, 1, questionnaire="overall", ask_procedure=False)
        wait_screen(k, "idle", "Nguyễn Thị Lan")
        g = open_admin(k, xvfb)
        info = "\n".join(g["texts"])
        for expected in ("Máy: quay-1", f"cổng API: {k.port}", "Danh sách từ máy chủ: bản 1",
                         "Cán bộ trực: Nguyễn Thị Lan", "Đã lưu / máy chủ đã nhận: 0 / 0", "Ổ đĩa còn trống"):
            assert expected in info, (expected, info)
        xvfb.screenshot(SHOTS / "admin-800x480-1-info.png")

        # Officer on duty: chosen here, shown on the idle screen, kept over a restart.
        tap(k, xvfb, "buttons", "tab_duty")
        wait_for(lambda: "duty_nv-hung" in k.settled_geometry()["buttons"], 5, "the officers")
        tap(k, xvfb, "buttons", "duty_nv-hung")
        admin_text(k, "\u2714[/font] Trần Văn Hùng")  # the tick on the chosen one
        xvfb.screenshot(SHOTS / "admin-800x480-2-duty.png")

        # Button test: mock GPIO presses light their tiles and are never recorded.
        tap(k, xvfb, "buttons", "tab_test")
        wait_for(lambda: k.settled_geometry().get("admin_tab") == "test", 5, "the test page")
        presses.write_text(f"{BUTTON_PINS[4]}\n{BUTTON_PINS[1]}\n")  # score 5, then score 2
        g = wait_for(lambda: (g := k.settled_geometry())["admin_lit"] == [2, 5] and g, 5, "both tiles lit")
        assert any("2 (nút GPIO)" in t for t in g["texts"])
        xvfb.screenshot(SHOTS / "admin-800x480-3-test.png")
        tap(k, xvfb, "buttons", "led_test")
        admin_text(k, "Đang sáng: đèn xác nhận GPIO 20")
        admin_text(k, "Đang sáng: còi GPIO 16")
        admin_text(k, "Đã thử xong đèn")
        # Brightness on the fake panel: 100 % -> 90 %, kept in the store.
        admin_text(k, "Độ sáng: 100%")
        tap(k, xvfb, "buttons", "bright_down")
        admin_text(k, "Độ sáng: 90%")
        assert (light / "brightness").read_text().strip() == str(round(255 * 0.9))

        tap(k, xvfb, "buttons", "tab_pairing")
        g = wait_for(lambda: (g := k.settled_geometry()).get("admin_tab") == "pairing" and g, 5, "pairing")
        code = next(t for t in g["texts"] if t.startswith("hl1-"))
        assert len(code.splitlines()) > 1  # wrapped to fit
        assert pairing.decode(code).kiosk_id == "quay-1" and pairing.decode(code).url.endswith(f":{k.port}")
        assert g["clipped"] == []
        xvfb.screenshot(SHOTS / "admin-800x480-4-pairing.png")
        assert k.status()["last_seq"] == 0  # nothing pressed on the admin screen was a rating

        tap(k, xvfb, "buttons", "admin_restart")
        assert k.proc.wait(timeout=20) == 75  # systemd's Restart=on-failure starts it again
    finally:
        k.kill()

    presses = tmp_path / "presses-after-restart"  # the presser replays a file from its start
    again = mock_gpio_kiosk(tmp_path, xvfb, presses, light.parent).start()
    try:
        wait_screen(again, "idle", "Trần Văn Hùng")
        assert (light / "brightness").read_text().strip() == str(round(255 * 0.9))  # restored
        presses.write_text(f"{BUTTON_PINS[3]}\n")
        [r] = again.wait_for_count(1)
        assert (r["answers"], r["officer"], r["channel"]) == ({"q1": 4}, "nv-hung", "button")
    finally:
        assert again.terminate() == 0, again.log_text()
    events = subprocess.run([sys.executable, "-m", "kiosk", "events", "--config", str(k.config)],
                            capture_output=True, text=True, timeout=30).stdout
    assert "duty_set" in events and "nv-hung" in events


def outside_hours() -> str:
    """A one-hour service window that does not contain now (nor the next few minutes)."""
    start = datetime.now() + timedelta(hours=2)
    if start.hour >= 23 or start.hour < 2:
        start = start.replace(hour=3)
    return f'["{start:%H}:00-{start.hour + 1:02d}:00"]'


@pytest.mark.parametrize("with_backlight", [False, True])
def test_dims_outside_service_hours_and_the_first_touch_only_wakes(tmp_path, xvfb, with_backlight):
    light = fake_backlight(tmp_path)
    root = light.parent if with_backlight else tmp_path / "no-backlight"
    k = KioskProcess(tmp_path, xvfb, size=SIZE, env={"HAILONG_BACKLIGHT_DIR": str(root)},
                     extra_toml=f"service_hours = {outside_hours()}\ndim_after_s = 5\n").start()
    tag = "backlight" if with_backlight else "overlay"
    try:
        awake = xvfb.screenshot(SHOTS / f"dim-{tag}-0-awake.png")
        wait_for(lambda: k.settled_geometry()["dimmed"], 15, "the screen to dim")
        dim = xvfb.screenshot(SHOTS / f"dim-{tag}-1-dimmed.png")
        if with_backlight:
            assert (light / "brightness").read_text().strip() == str(round(255 * 0.05))
        else:
            assert mean_brightness(dim) < mean_brightness(awake) * 0.3
        xvfb.click(*k.face_centre(1))  # wakes only: not a rating, and the screen says so (K11)
        g = wait_for(lambda: not (g := k.settled_geometry())["dimmed"] and g, 5, "the screen to wake")
        assert "Xin chạm lại để đánh giá" in g["texts"] and g["notice"] and g["clipped"] == []
        k.screenshot(SHOTS / f"dim-{tag}-2-woken.png")
        assert k.status()["last_seq"] == 0
        if with_backlight:
            assert (light / "brightness").read_text().strip() == "255"
        xvfb.click(*k.face_centre(4))  # now it counts
        [r] = k.wait_for_count(1)
        assert r["answers"] == {"q1": 4}
        # A key on a dimmed screen wakes it and counts (labelled on the hardware).
        wait_for(lambda: k.settled_geometry()["dimmed"], 20, "the screen to dim again")
        xvfb.key("5")
        wait_for(lambda: not k.settled_geometry()["dimmed"], 5, "the key to wake it")
        assert [x["answers"]["q1"] for x in k.wait_for_count(2)] == [4, 5]
    finally:
        assert k.terminate() == 0, k.log_text()


def test_idle_screen_month_figures(tmp_path, xvfb):
    """show_stats in the roster: this month's count and share under the faces, with the
    definition in small print; it fits the smallest panel."""
    k = KioskProcess(tmp_path, xvfb, size=SIZE).start()
    try:
        push_roster(k, 1, questionnaire="overall", ask_procedure=False, qr=False)
        for score in (5, 4, 2):
            xvfb.key(str(score))
            time.sleep(0.3)
        k.wait_for_count(3)
        push_roster(k, 2, questionnaire="overall", ask_procedure=False, show_stats=True, qr=False)
        g = wait_screen(k, "idle", "67% hài lòng", timeout=20)
        assert any("% hài lòng = số đánh giá 4–5 / tổng số" in t for t in g["texts"])
        assert g["clipped"] == [], g["clipped"]
        xvfb.screenshot(SHOTS / "idle-stats-800x480.png")
    finally:
        assert k.terminate() == 0, k.log_text()
