"""Helpers for the kiosk's core tests: a fake clock, a rating's fields, a roster, a controller
and a kiosk.toml."""

from __future__ import annotations

import copy

from kiosk.controller import KioskController
from kiosk.shared.presets import PRESETS
from kiosk.shared.protocol import validate_roster


class FakeClock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def rating(score: int = 5, channel: str = "touch", **extra) -> dict:
    """Fields of one single-question response, as the controller hands them to the store."""
    return {"questionnaire": "overall", "questionnaire_version": 1, "answers": {"q1": score},
            "channel": channel, **extra}


def roster(version: int = 1, *, mode: str = "counter", on_duty=("nv-lan",), questionnaire="overall",
           ask_procedure: bool = False, procedures=None, qr_url: str | None = None) -> dict:
    r = {
        "version": version,
        "unit": {"name": "UBND xã Đại Lãnh"},
        "fields": [{"code": "tu-phap", "name": "Tư pháp – Hộ tịch"},
                   {"code": "dia-chinh", "name": "Địa chính – Xây dựng"}],
        "officers": [
            {"code": "nv-lan", "name": "Nguyễn Thị Lan", "fields": ["tu-phap"]},
            {"code": "nv-hung", "name": "Trần Văn Hùng", "fields": ["dia-chinh"]},
        ],
        "procedures": procedures if procedures is not None else [
            {"code": "2.000908", "name": "Cấp giấy chứng nhận quyền sử dụng đất", "field": "dia-chinh"},
            {"code": "1.001193", "name": "Đăng ký khai sinh", "field": "tu-phap"},
            {"code": "1.000894", "name": "Đăng ký kết hôn", "field": "tu-phap"},
        ],
        "questionnaire": copy.deepcopy(PRESETS[questionnaire]),
        "kiosk": {"mode": mode, "officers_on_duty": list(on_duty), "ask_procedure": ask_procedure,
                  **({"qr_url": qr_url} if qr_url else {})},
    }
    validate_roster(r)
    return r


def make(store, fake_clock, **kw) -> KioskController:
    return KioskController(store, cooldown_s=0, thanks_s=3, inactivity_s=60, clock=fake_clock, **kw)


# --- the procedure step: the officer's own first, then every procedure by field ----------------
FIELD_PROCEDURES = (
    [{"code": f"1.1{i:05d}", "name": f"Hộ tịch {i}", "field": "tu-phap"} for i in range(7)]
    + [{"code": f"2.2{i:05d}", "name": f"Đất đai {i}", "field": "dia-chinh"} for i in range(3)]
    + [{"code": "3.300000", "name": "Không rõ lĩnh vực"}])


def kiosk_toml(tmp_path, extra: str):
    """A minimal valid kiosk.toml in tmp_path, with `extra` (more tables) at its end."""
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[kiosk]\nid = "quay-1"\ndata_dir = "{tmp_path}"\n[api]\ntoken = "{"t" * 20}"\n'
                    f"{extra}", encoding="utf-8")
    return path
