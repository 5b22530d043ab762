"""Linking a rating to its dossier on the kiosk (issue 14; kiosk.dossier, kiosk.shared.dossier):
a scanner's fast burst then Enter is a scan, a lone key 1–5 a press; a valid code goes to one
rating, outside the sealed body (dossier_link), served beside the page and deleted once acked;
an invalid or unlinked one is refused and no code ever reaches the event log. Off by default."""

from __future__ import annotations

import json
import re

import pytest

from kiosk import config
from kiosk.api import create_api
from kiosk.dossier import Press, Scan, ScanBuffer
from kiosk.shared import dossier
from kiosk.shared.exc import ConfigError
from kiosk.shared.protocol import GENESIS_HASH, verify_chain
from tests.support.kiosk_core import kiosk_toml, make, roster

CODE = "000.00.32.H56-251203-0001"
PATTERN = re.compile(dossier.DEFAULT_PATTERN)


def test_a_burst_then_enter_is_a_scan_and_a_lone_key_a_press(fake_clock):
    scans = ScanBuffer(0.08, clock=fake_clock)
    for ch in CODE:
        assert scans.feed(ch) is None
        fake_clock.advance(0.005)
    assert scans.enter() == Scan(CODE)
    assert scans.feed("4") is None
    assert scans.poll() is None  # not yet: a scanner's next key may still come
    assert scans.pending()  # so the adapter polls again (kivy_input: an early poll is not the end)
    fake_clock.advance(0.1)
    assert scans.poll() == Press(4) and scans.poll() is None
    assert not scans.pending()
    scans.feed("6")  # not a rating key, alone: dropped
    fake_clock.advance(0.1)
    assert scans.poll() is None
    scans.feed("3")
    fake_clock.advance(0.5)
    assert scans.feed("2") == Press(3)  # the next key proves the 3 was alone
    assert scans.enter() == Press(2)  # a lone key then Enter is still a press
    for ch in "12":  # a burst without Enter (a scan cut short): nothing
        scans.feed(ch)
    fake_clock.advance(0.1)
    assert scans.poll() is None


@pytest.mark.parametrize("raw, code", [
    (CODE, CODE), (" 000.00.32.h56-251203-0001\n", CODE), ("H56.32-250702-000123", "H56.32-250702-000123"),
    ("251203-0001", None), ("000.00.32.H56-2512030001", None), ("", None), ("4", None),
    ("A" * 60 + "-251203-0001", None), ("000.00.32.H56-251203-0001 ; DROP", None),
])
def test_the_default_format(raw, code):
    assert dossier.normalise(raw, PATTERN) == code


def test_a_scanned_code_goes_to_one_rating_outside_the_seal(store, fake_clock):
    store.save_roster(roster())
    c = make(store, fake_clock, dossier_pattern=PATTERN)
    assert c.attach_dossier(CODE.lower())
    c.press(4, "keypad")
    fake_clock.advance(5)
    assert not c.attach_dossier("not-a-dossier")
    c.press(5, "keypad")
    first, second = store.responses_after(0, 10)
    assert CODE not in json.dumps([first, second])  # never in the sealed body
    assert verify_chain([first, second], 0, GENESIS_HASH)[0] == 2
    assert store.dossiers_between(0, 2) == {first["uuid"]: CODE}
    events = json.dumps(store.events_after(0, 100))
    assert "dossier_attached" in events and "dossier_refused" in events
    assert CODE not in events and "not-a-dossier" not in events

    api = create_api(store, kiosk_id="quay-1", token="t" * 20).test_client()
    headers = {"Authorization": "Bearer " + "t" * 20}
    page = api.get("/api/v1/responses?after=0", headers=headers).get_json()
    assert page["dossiers"] == {first["uuid"]: CODE}
    assert [r["hash"] for r in page["responses"]] == [first["hash"], second["hash"]]
    assert "dossiers" not in api.get("/api/v1/responses?after=1", headers=headers).get_json()
    api.post("/api/v1/ack", json={"store_id": store.store_id, "seq": 2}, headers=headers)
    assert store.dossiers_between(0, 2) == {}  # the server holds it: the kiosk forgets it


def test_off_by_default_a_code_is_refused_and_a_mark_lapses(store, fake_clock):
    c = make(store, fake_clock)
    assert not c.attach_dossier(CODE)
    c = make(store, fake_clock, dossier_pattern=PATTERN, dossier_window_s=60)
    assert c.attach_dossier(CODE)
    fake_clock.advance(61)
    c.press(3, "keypad")
    assert store.dossiers_between(0, 10) == {}


def test_the_config_section(tmp_path):
    assert config.load(kiosk_toml(tmp_path, "")).dossier_pattern is None
    cfg = config.load(kiosk_toml(tmp_path, "[dossier]\nenabled = true\n"))
    assert cfg.dossier_pattern == dossier.DEFAULT_PATTERN and cfg.dossier_gap_s == 0.08
    own = '[dossier]\nenabled = true\npattern = "HS-[0-9]{6}"\nscan_gap_s = 0.2\n'
    cfg = config.load(kiosk_toml(tmp_path, own))
    assert (cfg.dossier_pattern, cfg.dossier_gap_s) == ("HS-[0-9]{6}", 0.2)
    with pytest.raises(ConfigError, match="dossier.pattern"):
        config.load(kiosk_toml(tmp_path, '[dossier]\nenabled = true\npattern = "HS-[0-9"\n'))
