"""Assisted rating on the kiosk (NĐ 118/2025 Điều 31.3; kiosk.assist): the officer's key or
button marks the rating given now, or the next one within the window, once; the mark is a flag
in the sealed response and nothing else about the session changes."""

from __future__ import annotations

import pytest

from kiosk import config
from kiosk.shared.exc import ConfigError
from kiosk.shared.protocol import GENESIS_HASH, verify_chain
from tests.support.kiosk_core import kiosk_toml, make, roster


def flags(store) -> list[list[str]]:
    return [r["flags"] for r in store.responses_after(0, 100)]


def test_the_mark_goes_to_one_rating_then_is_spent(store, fake_clock):
    store.save_roster(roster())
    c = make(store, fake_clock)
    c.mark_assisted()
    c.press(4, "touch")  # the single-question default: one touch is one response
    fake_clock.advance(5)
    c.press(5, "touch")
    assert flags(store) == [["assisted"], []]
    first, second = store.responses_after(0, 10)
    assert (first["answers"], first["officer"], first["channel"]) == ({"q1": 4}, "nv-lan", "touch")
    assert verify_chain([first, second], 0, GENESIS_HASH)[0] == 2


def test_a_mark_during_a_session_goes_to_that_session(store, fake_clock):
    store.save_roster(roster(questionnaire="tieu-chi-5"))
    c = make(store, fake_clock)
    c.press(5, "touch")
    c.press(4, "touch")
    c.mark_assisted()  # the officer, helping, presses the key halfway
    for score in (5, 5, 3):
        c.press(score, "touch")
    c.done()
    assert flags(store) == [["assisted"]]


def test_a_mark_nobody_rates_after_lapses(store, fake_clock):
    c = make(store, fake_clock, assist_window_s=60)
    c.mark_assisted()
    assert c.assist.armed
    fake_clock.advance(61)
    assert not c.assist.armed
    c.press(3, "keypad")
    assert flags(store) == [[]]
    marks = [e for e in store.events_after(0, 100) if e["kind"] == "assist_marked"]
    assert len(marks) == 1


@pytest.mark.parametrize("extra, key", [
    ('[flow]\nassist_key = "3"\n', "flow.assist_key"),  # a rating key: never
    ('[flow]\nassist_key = "space"\n', "flow.assist_key"),
    ('[flow]\nassist_window_s = 1\n', "flow.assist_window_s"),
    ("[gpio]\nrating_pins = [5, 6, 13, 19, 26]\nassist_pin = 26\n", "used twice"),
])
def test_bad_assist_settings_name_the_key(tmp_path, extra, key):
    with pytest.raises(ConfigError, match=key):
        config.load(kiosk_toml(tmp_path, extra))


def test_good_assist_settings(tmp_path):
    extra = '[flow]\nassist_key = "F9"\n[gpio]\nrating_pins = [5, 6, 13, 19, 26]\nassist_pin = 21\n'
    cfg = config.load(kiosk_toml(tmp_path, extra))
    assert (cfg.assist_key, cfg.assist_window_s, cfg.gpio.assist_pin) == ("f9", 300.0, 21)
    assert config.load(kiosk_toml(tmp_path, "")).assist_key == ""
