"""Run the real `hailong-kiosk run` with gpiozero's MockFactory, and press its buttons from a
separate thread when asked: each line "PIN" appended to the file named by HAILONG_TEST_PRESSES
drives that mock pin low then high. As on a real Pi, the button callback then runs on a thread
that is not Kivy's main one."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

os.environ["GPIOZERO_PIN_FACTORY"] = "mock"
HOLD_S = float(os.environ.get("HAILONG_TEST_PRESS_HOLD_S", "0.05"))  # how long a press lasts


def press_from_file(path: Path) -> None:
    from gpiozero import Device

    done = 0
    while True:
        lines = path.read_text().split() if path.exists() else []
        for pin in lines[done:]:
            if Device.pin_factory is None:  # the app has not opened its buttons yet
                break
            mock_pin = Device.pin_factory.pin(int(pin))
            mock_pin.drive_low()
            time.sleep(HOLD_S)
            mock_pin.drive_high()
            done += 1
        time.sleep(0.05)


if __name__ == "__main__":
    threading.Thread(target=press_from_file, args=(Path(os.environ["HAILONG_TEST_PRESSES"]),),
                     name="mock-gpio-presser", daemon=True).start()
    from kiosk.cli import main

    sys.exit(main(sys.argv[1:]))
