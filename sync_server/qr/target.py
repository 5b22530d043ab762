"""What a QR code names (`/r/<code>`): an officer, or a counter with its officers on duty. No Flask.

A counter is a `Counter` (sync_server.roster.counters) or, for an install without counters, a kiosk:
its KioskSetting (officers on duty), its [[kiosks]] entry or its web-added fleet entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sync_server.config import ServerConfig
from sync_server.db import database
from sync_server.db.models import Counter, Field, FleetKiosk, KioskSetting, Officer, Procedure
from sync_server.roster import cache
from sync_server.roster import counters as counter_table
from sync_server.roster.build import _json_list

PHOTO_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}


@dataclass(frozen=True)
class Target:
    code: str
    kind: str  # officer | counter
    officers: tuple[Officer, ...]  # the citizen chooses among these (one: chosen already)
    # A counter's "other officers": every other active one, listed after the counter's own, for
    # the colleague who sat in (field test Q4). Empty for an officer's own code.
    others: tuple[Officer, ...] = ()

    @property
    def preselected(self) -> Officer | None:
        return self.officers[0] if len(self.officers) == 1 else None

    @property
    def choosable(self) -> tuple[Officer, ...]:
        """Every officer a response from this code may name."""
        return self.officers + self.others

    def officer(self, code: str | None) -> Officer | None:
        return next((o for o in self.choosable if o.code == code), None)


def _active_officers() -> list[Officer]:
    return list(Officer.select().where(Officer.active).order_by(Officer.sort, Officer.code))


def counter_officers(code: str, config: ServerConfig) -> list[Officer] | None:
    """The officers at counter `code` (sync_server.roster.counters; a kiosk id with its own settings
    also resolves), all active officers when none is set there, or None when `code` names no
    counter and no kiosk."""
    officers = counter_table.counter_officers(code)
    if officers is None and config.kiosk(code) is None and FleetKiosk.get_or_none(
            (FleetKiosk.id == code) & ~FleetKiosk.retired) is None:
        return None
    return officers or _active_officers()


def resolve(code: str, config: ServerConfig) -> Target | None:
    """What `code` names, read once while the roster is unchanged (sync_server.roster.cache):
    this runs on every QR page and submit."""
    held = cache.cached(("qr.target", code), lambda: _resolved(code, config))
    if held is not None and held[0] is config:
        return held[1]
    return None if held is None else _resolve(code, config)


def _resolved(code: str, config: ServerConfig) -> tuple[ServerConfig, Target] | None:
    target = _resolve(code, config)
    return None if target is None else (config, target)


def _resolve(code: str, config: ServerConfig) -> Target | None:
    q = database.obj.param
    officer = next(iter(Officer.raw(f'SELECT * FROM "officer" WHERE "code" = {q} AND "active"', code)), None)
    if officer is not None:
        return Target(code, "officer", (officer,))
    officers = counter_officers(code, config)
    if officers is None:
        return None
    here = {o.code for o in officers}
    others = tuple(o for o in _active_officers() if o.code not in here)
    return Target(code, "counter", tuple(officers), others)


def counters(config: ServerConfig) -> list[str]:
    """Every counter code (for the posters page)."""
    codes = {c.code for c in Counter.select(Counter.code)}
    at_counters = {c.kiosk_id for c in Counter.select(Counter.kiosk_id) if c.kiosk_id}
    kiosks = ({k.id for k in config.kiosks} | {s.kiosk_id for s in KioskSetting.select(KioskSetting.kiosk_id)}
              | {f.id for f in FleetKiosk.select(FleetKiosk.id).where(~FleetKiosk.retired)})
    return sorted(codes | (kiosks - at_counters))  # a kiosk at a counter goes by the counter's code


def procedure_groups(officer: Officer | None = None) -> list[tuple[str, list[Procedure]]]:
    """Active procedures grouped by field, in the fields' order with the fields of `officer` (the
    one being rated) first: what the citizen most likely came for; those without a field last."""
    fields = list(Field.select().order_by(Field.sort, Field.code))
    if officer is not None:
        own = _json_list(officer.fields)
        fields.sort(key=lambda f: own.index(f.code) if f.code in own else len(own))  # stable
    procedures = list(Procedure.select().where(Procedure.active).order_by(Procedure.sort, Procedure.code))
    groups = [(f.name, [p for p in procedures if p.field == f.code]) for f in fields]
    known = {f.code for f in fields}
    rest = [p for p in procedures if p.field not in known]
    return [(name, items) for name, items in groups if items] + ([("", rest)] if rest else [])


def active_procedures() -> frozenset[str]:
    """The codes of every active procedure (those `procedure_groups` lists), in one plain query
    while the roster is unchanged."""
    return cache.cached("qr.active_procedures", lambda: frozenset(
        c for (c,) in database.execute_sql('SELECT "code" FROM "procedure" WHERE "active"')))


def photo_path(officer: Officer, data_dir: Path) -> Path | None:
    """The officer's photo under data_dir/photos/: the one uploaded on the roster pages
    (photo_file), else a file named by Officer.photo — only once an admin marked it for public
    display (a photo is personal data; initials stand in otherwise). Only a file name counts:
    never a path out of that folder."""
    if not officer.photo_public:
        return None
    for name in (officer.photo_file, officer.photo):
        if not name:
            continue
        path = data_dir / "photos" / Path(name).name
        if path.suffix.lower() in PHOTO_TYPES and path.is_file():
            return path
    return None


def initials(name: str) -> str:
    """"Nguyễn Thị Lan" -> "NL": for the placeholder when there is no photo."""
    words = name.split()
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper() if words else "?"
