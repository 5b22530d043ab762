"""Sound: the same tone for every press, spoken prompts, silence when a program is missing."""

from __future__ import annotations

import stat
import time
import wave

from kiosk.sound import Sound, write_tone


def recorder(tmp_path, name: str):
    log = tmp_path / f"{name}.log"
    script = tmp_path / name
    script.write_text(f'#!/bin/sh\necho "$@" >> "{log}"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script, log


def wait_lines(log, n: int) -> list[str]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = log.read_text().splitlines() if log.exists() else []
        if len(lines) >= n:
            return lines
        time.sleep(0.02)
    raise AssertionError(f"{log.name}: fewer than {n} lines")


def test_tone_and_prompts_go_to_the_players(tmp_path):
    player, played = recorder(tmp_path, "player")
    speaker, spoken = recorder(tmp_path, "speaker")
    sound = Sound(tmp_path, confirm=True, speak=True, player=[str(player)], speaker=[str(speaker)])
    for _ in range(3):
        sound.confirm()
    lines = wait_lines(played, 3)
    assert len(set(lines)) == 1 and lines[0].endswith("confirm.wav")  # the same for every press
    sound.say("Xin cảm ơn Ông/Bà!")
    assert wait_lines(spoken, 1) == ["-v vi Xin cảm ơn Ông/Bà!"]


def test_off_by_default_and_missing_programs_are_silent(tmp_path, caplog):
    quiet = Sound(tmp_path, confirm=False, speak=False)
    quiet.confirm()
    quiet.say("x")
    with caplog.at_level("WARNING"):
        missing = Sound(tmp_path, confirm=True, speak=True, player=["no-such-player"],
                        speaker=["no-such-espeak"])
    missing.confirm()
    missing.say("x")
    assert sum("not found" in r.getMessage() for r in caplog.records) == 2


def test_the_tone_is_a_short_valid_wav(tmp_path):
    with wave.open(str(write_tone(tmp_path / "t.wav")), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 16000)
        assert 0.1 <= w.getnframes() / w.getframerate() <= 0.2
