"""A private X server (Xvfb) for tests that drive the real Kivy app with real X input events,
and the small tools that act on it: xdotool for the pointer and keys, ImageMagick's `import`
for screenshots."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "test-output"
MISSING_TOOLS_HINT = "apt-get install xvfb xdotool imagemagick libgl1-mesa-dri (or run `make test` as root)"


def missing_tools() -> list[str]:
    return [tool for tool in ("Xvfb", "xdotool", "import") if shutil.which(tool) is None]


class Xvfb:
    def __init__(self, width: int = 1280, height: int = 800) -> None:
        self.size = (width, height)
        self.display = ""
        self._proc: subprocess.Popen | None = None

    def start(self) -> Xvfb:
        read_fd, write_fd = os.pipe()
        # -displayfd: Xvfb picks a free display number itself and writes it to us.
        self._proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{self.size[0]}x{self.size[1]}x24",
             "-nolisten", "tcp", "+extension", "GLX"],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        self.display = f":{number}"
        return self

    def env(self, **extra: str) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display, **extra}

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(list(args), env=self.env(), check=True, capture_output=True, text=True,
                              timeout=30)

    def click(self, x: int, y: int) -> None:
        # No --sync: it waits forever when the pointer is already there (the same key twice).
        self.run("xdotool", "mousemove", str(x), str(y), "click", "1")

    def key(self, name: str) -> None:
        # X gives the keyboard to the window under the pointer (no window manager here).
        self.run("xdotool", "key", name)

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.run("import", "-window", "root", str(path))
        return path

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            self._proc.wait(timeout=10)


def mean_brightness(png: Path, crop: tuple[int, int, int, int] | None = None) -> float:
    """Mean brightness 0..1 of an image (or a crop x, y, w, h), read with ImageMagick."""
    args = ["convert", str(png)]
    if crop:
        x, y, w, h = crop
        args += ["-crop", f"{w}x{h}+{x}+{y}", "+repage"]
    out = subprocess.run([*args, "-colorspace", "Gray", "-format", "%[fx:mean]", "info:"],
                         check=True, capture_output=True, text=True, timeout=30).stdout
    return float(out)


def max_brightness(png: Path, crop: tuple[int, int, int, int]) -> float:
    """The brightest pixel 0..1 of a crop (x, y, w, h) of an image, read with ImageMagick."""
    x, y, w, h = crop
    out = subprocess.run(["convert", str(png), "-crop", f"{w}x{h}+{x}+{y}", "+repage", "-colorspace", "Gray",
                          "-format", "%[fx:maxima]", "info:"],
                         check=True, capture_output=True, text=True, timeout=30).stdout
    return float(out)


def differing_pixels(a: Path, b: Path) -> int:
    result = subprocess.run(["compare", "-metric", "AE", str(a), str(b), "null:"],
                            capture_output=True, text=True, timeout=30)
    return int(float(result.stderr.split()[0]))


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")
