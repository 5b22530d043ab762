"""A five-question form answered on GPIO buttons at one press a second, session after session:
does every session store exactly its five answers (issue 11, K3: the cooldown used to drop fast
answers inside a session)?

The real app under Xvfb with gpiozero's mock pins (pressed from another thread, as on a Pi), the
`tieu-chi-5` form with its topic chips and the procedure step switched on (a button session must
skip both), `cooldown_s = 2` as in the field test. Inside a session one press a second; between
sessions a pause beyond the cooldown (the cooldown still guards the start of a session). At the
end the kiosk is stopped and its store is read directly: responses, answers per response,
partial flags, and the event log's cooldown drops. Nothing here is a timing threshold: the
figure is the count.

    .venv/bin/python bench/kiosk_buttons_form.py [--sessions 200] [--press-s 1.0] [--gap-s 3.0]
"""

from __future__ import annotations

import argparse
import copy
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kiosk.shared.presets import PRESETS  # noqa: E402
from kiosk.store import Store  # noqa: E402
from tests.support.kiosk_process import TOKEN, KioskProcess  # noqa: E402
from tests.support.xvfb import Xvfb, wait_for  # noqa: E402

PINS = (5, 6, 13, 19, 26)  # scores 1..5
ROSTER = {
    "version": 1, "unit": {"name": "UBND xã Đại Lãnh"},
    "fields": [{"code": "tu-phap", "name": "Tư pháp – Hộ tịch"}],
    "officers": [{"code": "nv-lan", "name": "Nguyễn Thị Lan", "fields": ["tu-phap"]}],
    "procedures": [{"code": "1.001193", "name": "Đăng ký khai sinh", "field": "tu-phap"}],
    "questionnaire": copy.deepcopy(PRESETS["tieu-chi-5"]),
    "kiosk": {"mode": "counter", "officers_on_duty": ["nv-lan"], "ask_procedure": True},
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=200)
    parser.add_argument("--press-s", type=float, default=1.0, help="between presses inside a session")
    parser.add_argument("--gap-s", type=float, default=3.0, help="after a session's last press")
    args = parser.parse_args()
    xvfb = Xvfb(1280, 800).start()
    try:
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            presses = tmp / "presses"
            presses.write_text("")
            k = KioskProcess(
                tmp, xvfb, size=(800, 480), cooldown_s=2, kiosk_toml_lines="keypad = false",
                extra_toml=f"\n[gpio]\nrating_pins = {list(PINS)}\ndebounce_s = 0.2\n",
                env={"HAILONG_TEST_PRESSES": str(presses)},
                argv=[sys.executable, "-m", "tests.support.kiosk_with_mock_gpio", "run", "--config",
                      str(tmp / "kiosk.toml")])
            k.start()
            try:
                r = requests.put(k.url + "/api/v1/roster", json=ROSTER, timeout=5,
                                 headers={"Authorization": f"Bearer {TOKEN}"})
                r.raise_for_status()
                wait_for(lambda: k.status()["roster_version"] == 1, 10, "the roster")
                started = time.monotonic()
                with presses.open("a") as f:
                    for session in range(args.sessions):
                        for i in range(5):
                            f.write(f"{PINS[(session + i) % 5]}\n")
                            f.flush()
                            time.sleep(args.press_s if i < 4 else args.gap_s)
                        if (session + 1) % 50 == 0:
                            stored = k.status()["last_seq"]
                            print(f"{session + 1} sessions pressed, {stored} stored", flush=True)
                elapsed = time.monotonic() - started
                time.sleep(2)
            finally:
                k.terminate()
            store = Store(k.config.parent / "data" / "kiosk.db", "quay-1")
            try:
                responses = store.responses_after(0, args.sessions * 2)
                drops = sum(e["kind"] == "cooldown_drop" for e in store.events_after(0, 100_000))
            finally:
                store.close()
    finally:
        xvfb.stop()
    per_session = Counter(len(r["answers"]) for r in responses)
    partial = sum(r["partial"] for r in responses)
    wrong = [r["seq"] for r in responses if sorted(r["answers"].values()) != [1, 2, 3, 4, 5]]
    steps = sum(bool(r["reasons"]) or r["procedure"] is not None for r in responses)
    print(f"{args.sessions} sessions × 5 presses ({args.press_s} s apart, {args.gap_s} s between sessions) "
          f"in {elapsed:.0f} s")
    print(f"stored: {len(responses)} responses; answers per response {dict(per_session)}; partial {partial}; "
          f"answers not the five pressed {len(wrong)}; topics/procedure on a button session {steps}; "
          f"cooldown drops {drops}")
    ok = (len(responses) == args.sessions and per_session == Counter({5: args.sessions}) and not partial
          and not wrong and not steps and not drops)
    print("OK: every session stored exactly its five answers" if ok else "NOT OK")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
