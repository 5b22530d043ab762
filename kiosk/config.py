"""The kiosk's config file (`/etc/hailong/kiosk.toml`), validated into a dataclass."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk import service_hours as hours_mod
from kiosk.shared import dossier as dossier_format
from kiosk.shared import privacy
from kiosk.shared.configfile import Section, load_toml
from kiosk.shared.protocol import CODE_RE, DEFAULT_PORT

DEFAULT_PATH = Path("/etc/hailong/kiosk.toml")
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class GpioConfig:
    rating_pins: tuple[int, ...]  # buttons for scores 1..5
    pull_up: bool = True
    debounce_s: float = 0.2  # the app's own guard; gpiozero's mock pins ignore bounce_time
    led_pins: tuple[int, ...] = ()  # confirmation LEDs: all light on every press
    buzzer_pin: int | None = None
    status_led_pin: int | None = None
    assist_pin: int | None = None  # the officer's own button: the rating is assisted (kiosk.assist)


@dataclass(frozen=True)
class KioskConfig:
    path: Path
    kiosk_id: str
    data_dir: Path
    api_host: str
    api_port: int
    api_token: str
    cooldown_s: float  # between sessions only: from the end of one to the start of the next
    thanks_s: float
    inactivity_s: float
    language: str
    fullscreen: bool
    window_size: tuple[int, int]
    gpio: GpioConfig | None = None
    keypad: bool = True
    sound_confirm: bool = False  # a short tone on every press (the same for every score)
    sound_speak: bool = False  # spoken prompts (espeak-ng), off by default
    admin_pin: str | None = None  # no PIN in the config: no admin screen (never a default PIN)
    burst_action: str = "ignore"  # presses inside the cooldown: "ignore" (counted) or "flag"
    rotation: int = 0  # degrees; SDL on KMS/DRM ignores cmdline.txt's rotate=, so Kivy rotates
    best_first: bool = True  # faces 5..1 from the left (as the regulation's form lists them)
    service_hours: tuple[tuple[int, int], ...] = ()  # minutes [start, end); empty: never dims
    dim_after_s: float = hours_mod.DEFAULT_DIM_AFTER_S  # idle time before dimming outside them
    thanks_qr_s: float = 20.0  # the thanks screen with a QR code: time to take a phone out
    assist_key: str = ""  # a key the officer presses to mark the rating as assisted; "" = none
    assist_window_s: float = 300.0  # how long the mark waits for a rating to end
    privacy: dict = field(default_factory=dict)  # [privacy]: the notice's words (kiosk.shared.privacy)
    # [dossier]: a USB scanner's dossier code linked to the rating (kiosk.dossier); None: off.
    dossier_pattern: str | None = None
    dossier_gap_s: float = 0.08
    dossier_window_s: float = 300.0
    extra: dict = field(default_factory=dict)

    @property
    def db_path(self) -> Path:
        return self.data_dir / "kiosk.db"


def load(path: Path | str = DEFAULT_PATH) -> KioskConfig:
    """Read and validate the kiosk config; raise ConfigError naming file, key and problem."""
    path = Path(path)
    data = load_toml(path)
    kiosk = Section(path, "kiosk", data.get("kiosk"))
    api = Section(path, "api", data.get("api"))
    flow = Section(path, "flow", data.get("flow"), required=False)
    display = Section(path, "display", data.get("display"), required=False)
    sound = Section(path, "sound", data.get("sound"), required=False)

    kiosk_id = kiosk.string("id")
    if not CODE_RE.match(kiosk_id):
        raise kiosk.fail("id", "use letters, digits, '.', '_' or '-' (at most 64), e.g. \"quay-1\"")
    token = api.string("token")
    if len(token) < MIN_TOKEN_LENGTH:
        raise api.fail("token", f"too short: use at least {MIN_TOKEN_LENGTH} random characters")

    size = display.data.get("window_size", [1024, 600])
    if not (isinstance(size, list) and len(size) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) and 200 <= v <= 8000
                    for v in size)):
        raise display.fail("window_size", f"must be [width, height] in pixels, got {size!r}")

    try:
        hours = hours_mod.parse(display.data.get("service_hours", []))
    except ValueError as e:
        raise display.fail("service_hours", str(e)) from None

    gpio = None
    if "gpio" in data:
        g = Section(path, "gpio", data["gpio"])
        pins = g.data.get("rating_pins", ...)
        if pins is ...:
            raise g.fail("rating_pins", "missing (five BCM pin numbers for scores 1..5)")
        if not (isinstance(pins, list) and len(pins) == 5
                and all(isinstance(p, int) and not isinstance(p, bool) and 0 <= p <= 27
                        for p in pins)):
            raise g.fail("rating_pins", f"must be five BCM pin numbers 0-27, got {pins!r}")
        if len(set(pins)) != 5:
            raise g.fail("rating_pins", f"the five pins must differ, got {pins!r}")
        leds = g.data.get("led_pins", [])
        if not (isinstance(leds, list) and all(isinstance(p, int) and not isinstance(p, bool)
                                               and 0 <= p <= 27 for p in leds)):
            raise g.fail("led_pins", f"must be a list of BCM pin numbers 0-27, got {leds!r}")
        buzzer = g.integer("buzzer_pin", None, lo=0, hi=27) if "buzzer_pin" in g.data else None
        status = g.integer("status_led_pin", None, lo=0, hi=27) if "status_led_pin" in g.data else None
        assist_pin = g.integer("assist_pin", None, lo=0, hi=27) if "assist_pin" in g.data else None
        used = [*pins, *leds, *(p for p in (buzzer, status, assist_pin) if p is not None)]
        if len(set(used)) != len(used):
            raise g.fail("led_pins", f"a pin is used twice among buttons, LEDs and buzzer: {used}")
        gpio = GpioConfig(
            rating_pins=tuple(pins),
            pull_up=g.boolean("pull_up", True),
            debounce_s=g.number("debounce_s", 0.2, lo=0, hi=5),
            led_pins=tuple(leds),
            buzzer_pin=buzzer,
            status_led_pin=status,
            assist_pin=assist_pin,
        )

    admin_pin = None
    if "admin" in data:
        admin = Section(path, "admin", data["admin"])
        admin_pin = admin.string("pin")
        if not re.fullmatch(r"[0-9]{4,12}", admin_pin):
            raise admin.fail("pin", "must be 4 to 12 digits (typed on the kiosk's number pad)")
        if len(set(admin_pin)) == 1 or admin_pin in "0123456789012" or admin_pin in "9876543210":
            raise admin.fail("pin", "too easy to guess (all one digit or a run): choose another")

    return KioskConfig(
        path=path,
        kiosk_id=kiosk_id,
        data_dir=Path(kiosk.string("data_dir")),
        api_host=api.string("host", "0.0.0.0"),
        api_port=api.integer("port", DEFAULT_PORT, lo=1, hi=65535),
        api_token=token,
        cooldown_s=flow.number("cooldown_s", 3, lo=0, hi=3600),
        thanks_s=flow.number("thanks_s", 3, lo=0.5, hi=120),
        inactivity_s=flow.number("inactivity_s", 60, lo=5, hi=3600),
        thanks_qr_s=flow.number("thanks_qr_s", 20, lo=0.5, hi=300),
        burst_action=flow.choice("burst", ("ignore", "flag"), "ignore"),
        assist_key=_assist_key(flow),
        assist_window_s=flow.number("assist_window_s", 300, lo=10, hi=3600),
        admin_pin=admin_pin,
        sound_confirm=sound.boolean("confirm", False),
        sound_speak=sound.boolean("speak", False),
        language=kiosk.choice("language", ("vi", "en"), "vi"),
        fullscreen=display.boolean("fullscreen", True),
        window_size=(size[0], size[1]),
        gpio=gpio,
        keypad=kiosk.boolean("keypad", True),
        rotation=_rotation(display),
        service_hours=hours,
        dim_after_s=display.number("dim_after_s", hours_mod.DEFAULT_DIM_AFTER_S, lo=5, hi=3600),
        best_first=display.choice("order", ("best_first", "worst_first"), "best_first") == "best_first",
        privacy=privacy.from_config(Section(path, "privacy", data.get("privacy"), required=False)),
        **_dossier(Section(path, "dossier", data.get("dossier"), required=False)),
        extra={k: v for k, v in data.items()
               if k not in {"kiosk", "api", "flow", "gpio", "display", "admin", "sound", "privacy",
                            "dossier"}},
    )


ASSIST_KEYS = ("0", "6", "7", "8", "9", "numpad0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8",
               "f9", "f10", "f11", "f12")


def _assist_key(flow: Section) -> str:
    """A key that rates nothing (never 1-5): the sixth button of a USB encoder, or one on a keypad."""
    key = flow.string("assist_key", "", nonempty=False).strip().lower()
    if key and key not in ASSIST_KEYS:
        raise flow.fail("assist_key", f"must be one of {', '.join(ASSIST_KEYS)} (\"\": none), got {key!r}")
    return key


def _dossier(section: Section) -> dict[str, Any]:
    """[dossier] enabled (off by default), pattern (kiosk.shared.dossier), scan_gap_s, window_s."""
    if not section.boolean("enabled", False):
        return {}
    pattern = section.string("pattern", dossier_format.DEFAULT_PATTERN)
    try:
        dossier_format.compile_pattern(pattern)
    except re.error as e:
        raise section.fail("pattern", f"is not a regular expression: {e}") from None
    return {"dossier_pattern": pattern,
            "dossier_gap_s": section.number("scan_gap_s", 0.08, lo=0.01, hi=1),
            "dossier_window_s": section.number("window_s", 300, lo=10, hi=3600)}


def _rotation(display: Section) -> int:
    value = display.integer("rotation", 0, lo=0, hi=270)
    if value not in (0, 90, 180, 270):
        raise display.fail("rotation", f"must be 0, 90, 180 or 270, got {value}")
    return value


__all__ = ["GpioConfig", "KioskConfig", "load", "DEFAULT_PATH"]
