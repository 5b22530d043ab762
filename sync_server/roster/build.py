"""The roster each kiosk receives (DESIGN.md §3), built from the roster tables.

The version is one counter for the whole unit: `touch()` bumps it whenever the content of any
kiosk's roster changed, so the puller only has to compare one number with the kiosk's.
Version 0 means "no roster yet": nothing is pushed and the kiosk keeps its built-in default.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kiosk.shared.protocol import (
    BUILTIN_QUESTIONNAIRE,
    MAX_PHOTO_BYTES,
    QUESTION_TYPES,
    ROSTER_SCHEMA,
    canonical_json,
    for_kiosk,
    validate_roster,
)
from sync_server.config import ServerConfig
from sync_server.db import database, write_transaction
from sync_server.db.models import (
    Counter,
    Field,
    FleetKiosk,
    KioskSetting,
    Officer,
    Procedure,
    Setting,
)
from sync_server.roster import photos, unit

VERSION_KEY = "roster_version"
DIGEST_KEY = "roster_digest"


def _setting(key: str) -> str | None:
    row = Setting.get_or_none(Setting.key == key)
    return row.value if row else None


def _set(key: str, value: str) -> None:
    Setting.insert(key=key, value=value).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value}).execute()


def current_version() -> int:
    return int(_setting(VERSION_KEY) or 0)


def _json_list(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def questionnaire() -> dict[str, Any]:
    # Plain SQL: read on every QR page and submit, where peewee building the query cost more than
    # running it.
    row = database.execute_sql('SELECT "document" FROM "questionnaire" WHERE "active" '
                               'ORDER BY "version" DESC LIMIT 1').fetchone()
    return json.loads(row[0]) if row else copy.deepcopy(BUILTIN_QUESTIONNAIRE)


def unit_name(config: ServerConfig) -> str:
    """The unit's legal name from the roster, or the config's [unit] name before there is one."""
    return unit.current(config).name


def public_photo(officer: Officer) -> dict[str, Any] | None:
    """The photo as the roster names it, only when an admin marked it for public display."""
    if not (officer.photo_public and officer.photo_file and officer.photo_sha256 and officer.photo_bytes):
        return None
    if officer.photo_bytes > MAX_PHOTO_BYTES:
        return None  # cannot happen with photos.reencode's 400 px; never send what a kiosk refuses
    return {"sha256": officer.photo_sha256, "bytes": officer.photo_bytes}


def photo_bytes(sha256: str, data_dir: Path) -> bytes | None:
    """The bytes of a public photo the roster names by `sha256`, checked against the hash."""
    officer = Officer.get_or_none((Officer.photo_sha256 == sha256) & Officer.photo_public)
    data = photos.read(data_dir, officer.photo_file) if officer else None
    return data if data is not None and photos.sha256(data) == sha256 else None


def _shared(config: ServerConfig) -> dict[str, Any]:
    """Everything but the version and the per-kiosk settings."""
    fields = [{"code": f.code, "name": f.name} for f in Field.select().order_by(Field.sort, Field.code)]
    field_codes = {f["code"] for f in fields}
    officers = [
        {"code": o.code, "name": o.name, "title": o.title,
         "fields": [c for c in _json_list(o.fields) if c in field_codes], "photo": public_photo(o)}
        for o in Officer.select().where(Officer.active).order_by(Officer.sort, Officer.code)
    ]
    procedures = [
        {"code": p.code, "name": p.name, "field": p.field}
        for p in Procedure.select().where(Procedure.active).order_by(Procedure.sort, Procedure.code)
    ]
    return {
        "schema": ROSTER_SCHEMA,
        "unit": {"name": unit_name(config)},
        "fields": fields,
        "officers": officers,
        "procedures": procedures,
        "questionnaire": questionnaire(),
    }


def _kiosk_settings(kiosk_id: str, officer_codes: set[str]) -> dict[str, Any]:
    row = KioskSetting.get_or_none(KioskSetting.kiosk_id == kiosk_id)
    # The counter the kiosk stands at (roster pages) decides its mode and officers on duty;
    # KioskSetting keeps the cooldown, and the mode/officers of kiosks with no counter.
    counter = Counter.get_or_none(Counter.kiosk_id == kiosk_id)
    if row is None and counter is None:
        # Without settings the citizen picks the officer (shared mode).
        return {"mode": "shared", "officers_on_duty": []}
    # The counter's own settings win; a kiosk at no counter has its KioskSetting row.
    source = counter if counter is not None else row
    settings: dict[str, Any] = {
        "mode": source.mode,
        # An officer made inactive drops out of duty rather than making the roster invalid.
        "officers_on_duty": [c for c in _json_list(counter.officers if counter is not None
                                                   else row.officers_on_duty) if c in officer_codes],
        "ask_procedure": bool(source.ask_procedure),
        "show_stats": bool(source.show_stats),
    }
    if row is not None and row.cooldown_s is not None:
        settings["cooldown_s"] = row.cooldown_s
    return settings


def _build(kiosk_id: str, config: ServerConfig, version: int,
           question_types: Iterable[str]) -> dict[str, Any]:
    shared = _shared(config)
    types = [t for t in question_types if t in QUESTION_TYPES]
    if set(types) != set(QUESTION_TYPES):
        # A kiosk that does not report every question type (one older than roster schema 3)
        # gets the roster it knows: schema 2, without the questions it would misread.
        shared["schema"] = 2
        shared["questionnaire"] = for_kiosk(shared["questionnaire"], types)
    officer_codes = {o["code"] for o in shared["officers"]}
    settings = _kiosk_settings(kiosk_id, officer_codes)
    if config.qr.kiosk_qr:  # the thanks screen shows the QR page of this counter (sync_server.qr.views)
        settings["qr_url"] = f"{config.qr.public_url}/r/{kiosk_id}"
    if config.portal_invite:  # [portal] invite: the thanks screen's line (optional, older kiosks ignore it)
        settings["portal_invite"] = dict(config.portal_invite)
    return {"version": version, **shared, "kiosk": settings}


def build_roster(kiosk_id: str, config: ServerConfig,
                 question_types: Iterable[str] = QUESTION_TYPES) -> dict[str, Any] | None:
    """The roster for one kiosk at the current version, validated as the kiosk will; None
    while no roster has been made (version 0). `question_types`: what the kiosk's status says
    it can ask (none said: the 1–5 scale only)."""
    version = current_version()
    if version == 0:
        return None
    roster = _build(kiosk_id, config, version, question_types)
    validate_roster(roster)
    return roster


def _digest(config: ServerConfig) -> str:
    kiosk_ids = sorted({k.id for k in config.kiosks}
                        | {s.kiosk_id for s in KioskSetting.select(KioskSetting.kiosk_id)}
                        | {c.kiosk_id for c in Counter.select(Counter.kiosk_id) if c.kiosk_id}
                        | {f.id for f in FleetKiosk.select(FleetKiosk.id)})
    content = {"shared": _shared(config), "qr": config.qr.public_url if config.qr.kiosk_qr else "",
               "kiosks": {k: _kiosk_settings(k, set()) | {"raw": _raw_settings(k)} for k in kiosk_ids}}
    return hashlib.sha256(canonical_json(content)).hexdigest()


def _raw_settings(kiosk_id: str) -> list[Any]:
    row = KioskSetting.get_or_none(KioskSetting.kiosk_id == kiosk_id)
    counter = Counter.get_or_none(Counter.kiosk_id == kiosk_id)
    return ([row.mode, row.officers_on_duty, row.cooldown_s, row.ask_procedure, row.show_stats]
            if row else []) + (
        [counter.mode, counter.officers, counter.ask_procedure, counter.show_stats] if counter else [])


def touch(config: ServerConfig) -> int:
    """Call after changing any roster table: bumps the version if some kiosk's roster changed.
    Returns the (possibly new) version."""
    with write_transaction():
        digest = _digest(config)
        version = current_version()
        if digest != _setting(DIGEST_KEY):
            version += 1
            _set(VERSION_KEY, str(version))
            _set(DIGEST_KEY, digest)
        return version
