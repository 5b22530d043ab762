"""The real kiosk app under Xvfb, driven by real X events (xdotool): a click on the "5" face and
a key press "3" each record one response; screenshots of the idle and thanks screens are kept
under test-output/gui/ for a person to look at."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from tests.support.kiosk_process import KioskProcess
from tests.support.xvfb import OUTPUT, differing_pixels, mean_brightness, wait_for

pytestmark = pytest.mark.gui
SHOTS = OUTPUT / "gui"


@pytest.fixture
def kiosk(tmp_path, xvfb):
    k = KioskProcess(tmp_path, xvfb).start()
    yield k
    k.kill()


def test_click_and_key_each_record_one_response(kiosk, xvfb):
    idle = SHOTS / "idle-1024x600.png"
    wait_for(lambda: mean_brightness(xvfb.screenshot(idle)) > 0.2, 5, "the idle screen to be drawn")
    assert kiosk.status()["last_seq"] == 0

    x, y = kiosk.face_centre(5)
    xvfb.click(x, y)
    [first] = kiosk.wait_for_count(1)
    assert (first["answers"], first["channel"], first["partial"]) == ({"q1": 5}, "touch", False)
    # The commit is visible over the API a frame before the thanks screen is drawn.
    thanks = SHOTS / "thanks-1024x600.png"
    wait_for(lambda: differing_pixels(idle, xvfb.screenshot(thanks)) > 1000, 2.5,
             "the thanks screen")

    xvfb.key("3")  # while the thanks screen shows: the next citizen's rating
    first_again, second = kiosk.wait_for_count(2)
    assert first_again == first
    assert (second["answers"], second["channel"]) == ({"q1": 3}, "keypad")

    # Back to idle after thanks_s: the same screen as before any press.
    wait_for(lambda: differing_pixels(idle, xvfb.screenshot(SHOTS / "idle-again.png")) < 50, 10,
             "the idle screen to come back")
    assert len(kiosk.responses()) == 2

    assert kiosk.terminate() == 0, kiosk.log_text()
    verify = subprocess.run([sys.executable, "-m", "kiosk", "verify", "--config", str(kiosk.config)],
                            capture_output=True, text=True, timeout=30)
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "OK: 2 responses" in verify.stdout


def test_held_key_and_numpad(kiosk, xvfb):
    """A key held down (auto-repeat) is one press; numpad keys count like the digit row."""
    xvfb.run("xdotool", "mousemove", *map(str, kiosk.face_centre(3)))
    xvfb.run("xdotool", "keydown", "4")
    subprocess.run(["sleep", "1.2"])  # X auto-repeat starts after 660 ms
    xvfb.run("xdotool", "keyup", "4")
    xvfb.key("KP_2")
    responses = kiosk.wait_for_count(2)
    subprocess.run(["sleep", "0.5"])
    responses = kiosk.responses()
    assert [(r["answers"]["q1"], r["channel"]) for r in responses] == [(4, "keypad"), (2, "keypad")]


@pytest.mark.parametrize("size", [(800, 480), (1280, 800), (480, 800), (600, 1024)])
def test_faces_are_large_enough(tmp_path, xvfb, size):
    """Touch targets of at least 15 mm on the smallest panel (7", 800x480: about 5.3 px/mm)."""
    k = KioskProcess(tmp_path, xvfb, size=size).start()
    try:
        wait_for(lambda: k.geometry()["window"] == list(size), 10, "the window at its size")
        geometry = k.settled_geometry()
        xvfb.screenshot(SHOTS / f"idle-{size[0]}x{size[1]}.png")
        min_px = 15 * 5.3  # 7" 800x480 panel: 154 mm wide, so 800/154 = 5.2 px/mm, rounded up
        faces = geometry["faces"]
        assert len(faces) == 5
        for score, (_x, _y, w, h) in faces.items():
            assert w >= min_px and h >= min_px, f"face {score} is {w}x{h} px"
        assert geometry["clipped"] == []
        # Landscape: 5..1 from the left; portrait: 5..1 from the top.
        axis = 0 if size[0] > size[1] else 1
        along = [faces[str(s)][axis] for s in (5, 4, 3, 2, 1)]
        assert along == sorted(along), "faces are not in order 5..1"
    finally:
        assert k.terminate() == 0


def test_gpio_buttons_in_the_running_app(tmp_path, xvfb):
    """Mock GPIO pins pressed from another thread record `button` responses through the app."""
    presses = tmp_path / "presses"
    pins = (5, 6, 13, 19, 26)
    k = KioskProcess(
        tmp_path, xvfb, extra_toml=f"\n[gpio]\nrating_pins = {list(pins)}\ndebounce_s = 0.2\n",
        env={"HAILONG_TEST_PRESSES": str(presses)},
        argv=[sys.executable, "-m", "tests.support.kiosk_with_mock_gpio", "run", "--config",
              str(tmp_path / "kiosk.toml")])
    k.start()
    try:
        presses.write_text(f"{pins[4]}\n{pins[1]}\n")  # score 5, then score 2
        responses = k.wait_for_count(2)
        assert [(r["answers"]["q1"], r["channel"]) for r in responses] == [(5, "button"), (2, "button")]
        assert "GPIO rating buttons on pins" in k.log_text()
    finally:
        assert k.terminate() == 0


def test_systemd_ready_watchdog_and_stopping(tmp_path, xvfb):
    """Under systemd (Type=notify, WatchdogSec=): READY=1 after the first frame, watchdog pings
    from the running main loop, STOPPING=1 on SIGTERM — on a real datagram socket."""
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    path = str(tmp_path / "notify.sock")
    listener.bind(path)
    listener.settimeout(30)
    k = KioskProcess(tmp_path, xvfb, env={"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "2000000"})
    try:
        k.start()
        messages: list[str] = []
        while sum("WATCHDOG=1" in m for m in messages) < 2:
            messages.append(listener.recv(4096).decode())
        assert any(m.startswith("READY=1") for m in messages), messages
        assert k.terminate() == 0
        while not any("STOPPING=1" in m for m in messages):
            messages.append(listener.recv(4096).decode())
    finally:
        k.kill()
        listener.close()
