"""Brightness through a fake /sys/class/backlight: found, clamped, hidden when absent."""

from __future__ import annotations

import os

import pytest

from kiosk import backlight


def fake_sysfs(tmp_path, name="10-0045", max_brightness=255, brightness=255):
    folder = tmp_path / "backlight" / name
    folder.mkdir(parents=True)
    (folder / "max_brightness").write_text(f"{max_brightness}\n")
    (folder / "brightness").write_text(f"{brightness}\n")
    return folder


def test_set_and_read_percent_with_a_floor(tmp_path):
    folder = fake_sysfs(tmp_path)
    light = backlight.find(tmp_path / "backlight")
    assert light is not None and light.percent() == 100
    assert light.set_percent(50) == 50 and (folder / "brightness").read_text() == "128\n"
    assert light.set_percent(0) == backlight.MIN_PERCENT  # the control never goes black
    assert light.set_percent(0, floor=0) == 0 and (folder / "brightness").read_text() == "0\n"
    assert light.set_percent(140) == 100 and light.percent() == 100


def test_absent_or_read_only_backlight_is_hidden(tmp_path):
    assert backlight.find(tmp_path / "nothing-here") is None
    (tmp_path / "backlight").mkdir()
    assert backlight.find(tmp_path / "backlight") is None
    folder = fake_sysfs(tmp_path)
    if os.geteuid() == 0:
        pytest.skip("root can write a read-only file")
    (folder / "brightness").chmod(0o444)
    assert backlight.find(tmp_path / "backlight") is None
