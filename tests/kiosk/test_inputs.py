"""GPIO buttons through gpiozero's MockFactory, the app's own debounce guard, and the hop from
another thread to Kivy's main thread."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest
from gpiozero import Device
from gpiozero.pins.mock import MockFactory

from kiosk.controller import KioskController
from kiosk.debounce import PressGuard
from kiosk.inputs import RatingButtons
from tests.support.kiosk_core import FakeClock

PINS = (5, 6, 13, 19, 26)  # scores 1..5


@pytest.fixture
def factory():
    factory = MockFactory()
    yield factory
    factory.reset()


@pytest.fixture
def kiosk(store, fake_clock, factory):
    controller = KioskController(store, cooldown_s=0, thanks_s=3, inactivity_s=60, clock=fake_clock)
    buttons = RatingButtons(PINS, lambda score: controller.press(score, "button"),
                            guard=PressGuard(0.2, clock=fake_clock), pin_factory=factory)
    yield controller, buttons
    buttons.close()


def press(factory: MockFactory, pin: int) -> None:
    """A real edge on the mock pin: pulled up, so pressed means driven low."""
    factory.pin(pin).drive_low()
    factory.pin(pin).drive_high()


def test_a_press_records_one_button_response(kiosk, factory, store):
    press(factory, PINS[3])  # the button for score 4
    [response] = store.responses_after(0, 10)
    assert (response["answers"], response["channel"]) == ({"q1": 4}, "button")


def test_a_bounce_inside_the_window_records_nothing(kiosk, factory, store, fake_clock):
    press(factory, PINS[4])
    fake_clock.advance(0.05)  # a switch bouncing 50 ms later: gpiozero's mock ignores bounce_time
    press(factory, PINS[4])
    assert store.count() == 1
    fake_clock.advance(0.3)  # a real second press after the window
    press(factory, PINS[4])
    assert [r["answers"]["q1"] for r in store.responses_after(0, 10)] == [5, 5]


def test_the_guard_is_per_button(kiosk, factory, store, fake_clock):
    press(factory, PINS[0])
    fake_clock.advance(0.05)
    press(factory, PINS[1])  # another button at once is another press (cooldown is the flow's job)
    assert [r["answers"]["q1"] for r in store.responses_after(0, 10)] == [1, 2]


def test_pins_must_be_five(factory):
    with pytest.raises(ValueError, match="five pins"):
        RatingButtons((1, 2, 3), print, guard=PressGuard(0.2), pin_factory=factory)


def test_press_guard_alone():
    clock = FakeClock()
    guard = PressGuard(0.2, clock=clock)
    assert guard.accept("a") and not guard.accept("a") and guard.accept("b")
    clock.advance(0.2)
    assert guard.accept("a")
    assert guard.dropped == 1


def test_no_gpio_gives_one_log_line_and_no_buttons(caplog, monkeypatch):
    from kiosk.inputs import open_rating_buttons

    monkeypatch.setattr(Device, "pin_factory", None)
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "no-such-factory")
    with caplog.at_level("WARNING"):
        assert open_rating_buttons(PINS, print, pull_up=True, debounce_s=0.2) is None
    [record] = [r for r in caplog.records if r.name == "kiosk.inputs"]
    assert "touch and keys 1-5 still work" in record.getMessage()


def test_presses_from_another_thread_reach_the_main_thread():
    """gpiozero calls back on its own thread on real pins; main_thread_dispatch must run the
    callback on Kivy's main thread, at the next clock tick, never on the caller's thread."""
    script = textwrap.dedent("""
        import os, tempfile, threading
        os.environ["KIVY_HOME"] = tempfile.mkdtemp()
        os.environ["KIVY_NO_ARGS"] = "1"
        from kivy.clock import Clock
        from kiosk.ui.kivy_dispatch import main_thread_dispatch
        seen = []
        dispatch = main_thread_dispatch(lambda score: seen.append((score, threading.current_thread().name)))
        worker = threading.Thread(target=dispatch, args=(4,), name="gpio-callback")
        worker.start(); worker.join()
        assert seen == [], seen  # not run on the caller's thread
        Clock.tick()
        assert seen == [(4, "MainThread")], seen
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and result.stdout.strip().endswith("ok"), result.stderr[-2000:]


def test_importing_kiosk_and_server_does_not_import_kivy_or_gpiozero():
    script = ("import sys, kiosk, kiosk.cli, kiosk.controller, kiosk.store, kiosk.api, kiosk.inputs, "
              "kiosk.ui.launch, sync_server, sync_server.app; "
              "bad = [m for m in sys.modules if m.split('.')[0] in ('kivy', 'gpiozero')]; "
              "print(bad); sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_led_and_the_buzzer_confirm_any_press(factory):
    from kiosk.feedback import Feedback

    fb = Feedback((20, 21), buzzer_pin=16, status_pin=12, pin_factory=factory)
    try:
        states = []
        for _ in range(2):
            fb.confirm()
            time.sleep(0.05)  # gpiozero blinks in a background thread
            states.append(tuple(factory.pin(p).state for p in (20, 21, 16)))
        assert states == [(1, 1, 1), (1, 1, 1)]  # the same for every press, whatever the score
        fb.show_status(storing=True, server_seen_recently=True)
        assert factory.pin(12).state == 1
        fb.show_status(storing=False, server_seen_recently=True)
        assert factory.pin(12).state == 0
    finally:
        fb.close()


def test_led_pins_must_not_reuse_a_button_pin(tmp_path):
    from kiosk import config
    from kiosk.shared.exc import ConfigError

    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\nid = "q"\ndata_dir = "{tmp_path}"\n[api]\ntoken = "{"t" * 20}"\n'
                    f"[gpio]\nrating_pins = {list(PINS)}\nled_pins = [20, {PINS[0]}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="used twice"):
        config.load(path)


def test_server_contact_grace_and_silence():
    from kiosk.ui.launch import ServerContact

    clock = FakeClock()
    contact = ServerContact(now=clock)
    assert contact.seen_within(86400)  # just started: not yet a day without the server
    clock.advance(86400)
    assert not contact.seen_within(86400)
    contact.seen()
    assert contact.seen_within(86400) and contact.last


def test_admin_led_test_lights_one_output_at_a_time(factory):
    from kiosk.feedback import Feedback

    fb = Feedback((20, 21), buzzer_pin=16, status_pin=12, pin_factory=factory)
    try:
        assert fb.outputs() == [("led", 20), ("led", 21), ("buzzer", 16), ("status", 12)]
        pins = (20, 21, 16, 12)
        for index in range(4):
            fb.light_only(index)
            assert tuple(factory.pin(p).state for p in pins) == tuple(int(i == index) for i in range(4))
        fb.show_status(storing=True, server_seen_recently=True)
        fb.light_only(None)
        assert [factory.pin(p).state for p in pins] == [0, 0, 0, 0]
        fb.show_status(storing=True, server_seen_recently=True)  # the status LED comes back
        assert factory.pin(12).state == 1
    finally:
        fb.close()


def test_touch_guard_drops_a_second_copy_of_the_same_touch():
    from kiosk.ui.touch_guard import TouchGuard

    clock = FakeClock()
    guard = TouchGuard(0.25, clock=clock)
    assert guard.accept(("face", 4))
    clock.advance(0.01)
    assert not guard.accept(("face", 4))  # the same face, a few ms later: one touch seen twice
    assert guard.accept(("reason", "wait"))  # another target on the same screen: its own touch
    clock.advance(0.6)
    assert guard.accept(("face", 4))  # a citizen's next tap 0.6 s later always counts
    assert guard.dropped == 1


def test_touch_guard_drops_a_copy_landing_on_the_screen_its_first_copy_brought_up():
    """A tap on "Xong" changes the screen; its second copy, where a procedure button now is,
    must not choose that procedure."""
    from kiosk.ui.touch_guard import TouchGuard

    clock = FakeClock()
    guard = TouchGuard(0.25, clock=clock)
    assert guard.accept(("control", "done"))
    guard.screen_changed()
    clock.advance(0.005)
    assert not guard.accept(("procedure", "1.001193"))
    clock.advance(0.3)
    assert guard.accept(("procedure", "1.001193"))


def test_the_officers_assist_button_marks_the_next_rating(kiosk, factory, store):
    """[gpio] assist_pin (kiosk.assist): a real edge on its mock pin marks the next rating only."""
    from kiosk.inputs import AssistButton

    controller, _buttons = kiosk
    assist = AssistButton(21, controller.mark_assisted, pin_factory=factory)
    try:
        press(factory, 21)
        press(factory, PINS[3])  # the citizen's 4
        press(factory, PINS[4])
    finally:
        assist.close()
    assert [(r["answers"], r["flags"]) for r in store.responses_after(0, 10)] == [
        ({"q1": 4}, ["assisted"]), ({"q1": 5}, [])]
