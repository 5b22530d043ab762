"""Service hours: validated with the key named; never dim inside them, dim when idle outside."""

from __future__ import annotations

from datetime import datetime

import pytest

from kiosk import config, service_hours
from kiosk.shared.exc import ConfigError
from tests.support.kiosk_core import FakeClock, kiosk_toml


def write(tmp_path, display: str):
    return kiosk_toml(tmp_path, f"[display]\n{display}\n")


def test_seed_000_windows_parse_and_the_default_is_always_on(tmp_path):
    cfg = config.load(write(tmp_path, 'service_hours = ["14:00-16:30", "08:00-10:30"]'))
    assert cfg.service_hours == ((480, 630), (840, 990))
    assert config.load(write(tmp_path, "")).service_hours == ()


@pytest.mark.parametrize("value, problem", [
    ('"08:00-10:30"', "must be a list"), ('["8-10"]', "HH:MM-HH:MM"), ('["10:30-08:00"]', "after the start"),
    ('["25:00-26:00"]', "HH:MM-HH:MM"), ("[8]", "HH:MM-HH:MM")])
def test_bad_hours_name_the_key(tmp_path, value, problem):
    with pytest.raises(ConfigError) as e:
        config.load(write(tmp_path, f"service_hours = {value}"))
    assert "display.service_hours" in str(e.value) and problem in str(e.value)


def at(hhmm: str) -> datetime:
    return datetime.fromisoformat(f"2025-06-02T{hhmm}:00")


def test_never_dims_in_service_or_mid_session_and_dims_when_idle_outside():
    mono = FakeClock()
    local = {"now": at("09:00")}
    power = service_hours.ScreenPower(service_hours.parse(["08:00-10:30"]), 60, monotonic=mono,
                                      local_now=lambda: local["now"])
    mono.advance(3600)
    assert not power.update(in_session=False) and not power.dimmed  # service hours: never
    local["now"] = at("10:30")
    assert not power.update(in_session=True) and not power.dimmed  # mid-session: never
    assert power.update(in_session=False) and power.dimmed  # idle for an hour, outside hours
    power.activity()
    assert not power.dimmed
    mono.advance(59)
    assert not power.update(in_session=False) and not power.dimmed
    mono.advance(1)
    assert power.update(in_session=False) and power.dimmed
    local["now"] = at("08:00")
    assert power.update(in_session=False) and not power.dimmed  # service starts: bright again


def test_empty_hours_never_dim():
    mono = FakeClock()
    power = service_hours.ScreenPower((), 5, monotonic=mono, local_now=lambda: at("23:00"))
    mono.advance(10_000)
    assert not power.update(in_session=False) and not power.dimmed
