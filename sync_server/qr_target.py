"""What a QR code names (`/r/<code>`): an officer, or a counter with its officers on duty. No Flask.

Counters are being built on another branch; until they are merged a counter is a kiosk: its
KioskSetting (officers on duty) or its [[kiosks]] entry. `counter_officers` is the one place
that changes then.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sync_server.config import ServerConfig
from sync_server.models import Field, KioskSetting, Officer, Procedure

PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


@dataclass(frozen=True)
class Target:
    code: str
    kind: str  # officer | counter
    officers: tuple[Officer, ...]  # the citizen chooses among these (one: chosen already)

    @property
    def preselected(self) -> Officer | None:
        return self.officers[0] if len(self.officers) == 1 else None

    def officer(self, code: str | None) -> Officer | None:
        return next((o for o in self.officers if o.code == code), None)


def _active_officers() -> list[Officer]:
    return list(Officer.select().where(Officer.active).order_by(Officer.sort, Officer.code))


def counter_officers(code: str, config: ServerConfig) -> list[Officer] | None:
    """The officers on duty at counter `code` (all active officers when none is set), or None when
    there is no such counter. Today: a kiosk; after the counters branch: a counter."""
    setting = KioskSetting.get_or_none(KioskSetting.kiosk_id == code)
    if setting is None and config.kiosk(code) is None:
        return None
    try:
        on_duty = json.loads(setting.officers_on_duty) if setting else []
    except ValueError:
        on_duty = []
    active = _active_officers()
    chosen = [o for c in on_duty if isinstance(c, str) for o in active if o.code == c]
    return chosen or active


def resolve(code: str, config: ServerConfig) -> Target | None:
    officer = Officer.get_or_none((Officer.code == code) & Officer.active)
    if officer is not None:
        return Target(code, "officer", (officer,))
    officers = counter_officers(code, config)
    return None if officers is None else Target(code, "counter", tuple(officers))


def counters(config: ServerConfig) -> list[str]:
    """Every counter code (for the posters page)."""
    settings = {s.kiosk_id for s in KioskSetting.select(KioskSetting.kiosk_id)}
    return sorted({k.id for k in config.kiosks} | settings)


def procedure_groups() -> list[tuple[str, list[Procedure]]]:
    """Active procedures grouped by field, in the fields' order; those without a field last."""
    fields = list(Field.select().order_by(Field.sort, Field.code))
    procedures = list(Procedure.select().where(Procedure.active).order_by(Procedure.sort, Procedure.code))
    groups = [(f.name, [p for p in procedures if p.field == f.code]) for f in fields]
    known = {f.code for f in fields}
    rest = [p for p in procedures if p.field not in known]
    return [(name, items) for name, items in groups if items] + ([("", rest)] if rest else [])


def photo_path(officer: Officer, data_dir: Path) -> Path | None:
    """The officer's photo file under data_dir/photos/, if there is one of a known type. Only the
    file name of Officer.photo counts: never a path out of that folder."""
    if not officer.photo:
        return None
    name = Path(officer.photo).name
    path = data_dir / "photos" / name
    if path.suffix.lower() not in PHOTO_TYPES or not path.is_file():
        return None
    return path


def initials(name: str) -> str:
    """"Nguyễn Thị Lan" -> "NL": for the placeholder when there is no photo."""
    words = name.split()
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper() if words else "?"
