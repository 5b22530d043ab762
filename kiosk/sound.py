"""Optional sound: a short confirmation tone on every press (the same for every score) and
spoken prompts through espeak-ng's Vietnamese voice. Off by default ([sound] in the config).

Players run as separate processes (aplay, espeak-ng) that never block the screen; a missing
program is one log line and silence, never a crash.
"""

from __future__ import annotations

import logging
import math
import shutil
import struct
import subprocess
import wave
from collections.abc import Sequence
from pathlib import Path

log = logging.getLogger(__name__)


def write_tone(path: Path, *, hz: float = 880, seconds: float = 0.12, rate: int = 16000) -> Path:
    """A short sine tone with soft edges (no click), made once: no binary file in the repo."""
    frames = int(rate * seconds)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        fade = rate // 100
        samples = []
        for i in range(frames):
            envelope = min(1.0, i / fade, (frames - i) / fade)
            samples.append(int(12000 * envelope * math.sin(2 * math.pi * hz * i / rate)))
        w.writeframes(struct.pack(f"<{frames}h", *samples))
    return path


class Sound:
    def __init__(self, data_dir: Path, *, confirm: bool, speak: bool, voice: str = "vi",
                 player: Sequence[str] = ("aplay", "-q"), speaker: Sequence[str] = ("espeak-ng",)) -> None:
        self._player = list(player) if confirm and self._available(player[0]) else None
        self._speaker = list(speaker) if speak and self._available(speaker[0]) else None
        self._voice = voice
        self._tone = write_tone(data_dir / "confirm.wav") if self._player else None
        self._speaking: subprocess.Popen | None = None

    @staticmethod
    def _available(program: str) -> bool:
        if shutil.which(program) is None:
            log.warning("sound: %s not found, so it stays silent (apt-get install alsa-utils espeak-ng)",
                        program)
            return False
        return True

    def confirm(self) -> None:
        if self._player and self._tone:
            self._run([*self._player, str(self._tone)])

    def say(self, text: str) -> None:
        if not self._speaker or not text:
            return
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()  # a new screen: the old prompt is no longer true
        self._speaking = self._run([*self._speaker, "-v", self._voice, text])

    def _run(self, argv: list[str]) -> subprocess.Popen | None:
        try:
            return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
        except OSError as e:
            log.warning("sound: %s failed: %s", argv[0], e)
            return None

    def close(self) -> None:
        if self._speaking is not None and self._speaking.poll() is None:
            self._speaking.terminate()
