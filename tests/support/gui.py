"""Driving the real kiosk app under Xvfb: push a roster over its API, wait for a screen, tap
what the geometry dump names, enter the admin PIN."""

from __future__ import annotations

import copy
import time

import requests

from kiosk.shared.presets import PRESETS
from tests.support.kiosk_process import TOKEN, KioskProcess
from tests.support.xvfb import OUTPUT, wait_for

SHOTS = OUTPUT / "gui"


QR_URL = "http://192.168.1.10:5000/r/quay-1"


def push_roster(k: KioskProcess, version: int, *, mode="counter", on_duty=("nv-lan",),
                questionnaire="tieu-chi-5", ask_procedure=True, lan_name="Nguyễn Thị Lan",
                show_stats=False, qr=True, topics=True, officers=None, procedures=None,
                schema: int | None = None, kiosk_extra: dict | None = None) -> None:
    """Push a roster over the kiosk API, as the server does; `topics=False` drops the
    questionnaire's chips, `officers` / `procedures` replace the three officers / four procedures,
    `kiosk_extra` adds to the per-kiosk settings (e.g. portal_invite)."""
    roster = {
        "version": version,
        "unit": {"name": "UBND phường Vạn Phúc"},
        "fields": [{"code": "tu-phap", "name": "Tư pháp – Hộ tịch"},
                   {"code": "dia-chinh", "name": "Địa chính – Xây dựng"}],
        "officers": [
            {"code": "nv-lan", "name": lan_name, "title": "Công chức Tư pháp – Hộ tịch",
             "fields": ["tu-phap"]},
            {"code": "nv-hung", "name": "Trần Văn Hùng", "title": "Công chức Địa chính",
             "fields": ["dia-chinh"]},
            {"code": "nv-mai", "name": "Lê Thị Mai", "fields": ["tu-phap"]},
        ],
        "procedures": [
            {"code": "1.001193", "name": "Đăng ký khai sinh", "field": "tu-phap"},
            {"code": "1.000894", "name": "Đăng ký kết hôn", "field": "tu-phap"},
            {"code": "2.000815", "name": "Chứng thực bản sao từ bản chính", "field": "tu-phap"},
            {"code": "1.003583", "name": "Đăng ký đất đai lần đầu", "field": "dia-chinh"},
        ],
        "questionnaire": copy.deepcopy(PRESETS[questionnaire]),
        "kiosk": {"mode": mode, "officers_on_duty": list(on_duty), "ask_procedure": ask_procedure,
                  "show_stats": show_stats, **({"qr_url": QR_URL} if qr else {}), **(kiosk_extra or {})},
    }
    if not topics:
        roster["questionnaire"]["reasons"] = []
    if officers is not None:
        roster["officers"] = officers
    if procedures is not None:
        roster["procedures"] = procedures
    if schema is not None:
        roster["schema"] = schema
    r = requests.put(k.url + "/api/v1/roster", json=roster, timeout=5,
                     headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200, r.text
    wait_for(lambda: k.status()["roster_version"] == version, 10, f"roster v{version} applied")


def wait_screen(k: KioskProcess, phase: str, text: str = "", timeout: float = 10) -> dict:
    def shown():
        g = k.settled_geometry()
        return g if g["phase"] == phase and (not text or any(text in t for t in g["texts"])) else None

    return wait_for(shown, timeout, f"the {phase} screen {text!r}")


def tap(k: KioskProcess, xvfb, group: str, name: str) -> None:
    xvfb.click(*k.centre(group, name))


PIN = "482916"


def enter_pin(k: KioskProcess, xvfb, pin: str) -> None:
    g = k.settled_geometry()
    left, top = g["origin"]
    for key in (*pin, "ok"):
        x, y, w, h = g["pad"][key]
        xvfb.click(left + x + w // 2, top + y + h // 2)
        time.sleep(0.3)  # the app's duplicate-touch guard: one tap per 0.25 s


def long_press_corner(k: KioskProcess, xvfb) -> None:
    left, top = k.settled_geometry()["origin"]
    xvfb.run("xdotool", "mousemove", str(left + 20), str(top + 20), "mousedown", "1")
    time.sleep(3.5)
    xvfb.run("xdotool", "mouseup", "1")
