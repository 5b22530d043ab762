"""At a province hub, the reports of one commune (DESIGN.md §6, docs/hub.md "Reports"): a
commune's officers, procedures, fields and counters are known as (server_id, code), so an officer
`nv-lan` at one commune is never added to `nv-lan` at another. Groupings by those are always read
within one unit — a commune server's `server_id`, or '' for the hub's own kiosks — and named from
that commune's roster snapshot (sync_server.upstream.snapshot). No Flask here.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sync_server.config import ServerConfig
from sync_server.db.models import Downstream, DownstreamRoster
from sync_server.roster import names as names_module
from sync_server.roster import photos
from sync_server.roster.points import Former

# The groupings whose codes belong to one commune: read within one unit at a hub. A commune's
# reception points too: the batch says at which of them it stored each response (upstream.wire).
SCOPED = ("officer", "procedure", "field", "kiosk", "point")


def is_hub(config: ServerConfig) -> bool:
    """A server with communes below it: in [[downstream]], or enrolled/pushed on its page."""
    return bool(config.downstream) or Downstream.select().exists()


def units(config: ServerConfig) -> dict[str, str]:
    """{server_id: name} of the communes, server.toml's first, then the others that pushed or were
    enrolled (a removed commune keeps its last name)."""
    out = {d.id: d.name for d in config.downstream}
    for sid, name in Downstream.select(Downstream.id, Downstream.name).order_by(Downstream.id).tuples():
        out.setdefault(sid, name or sid)
    return out


def names(unit: str, by: str) -> dict[str, str]:
    """{code: name} of a commune's officers, procedures or fields, from its roster snapshot (its
    counters: sync_server.reports.places)."""
    query = (DownstreamRoster.select(DownstreamRoster.code, DownstreamRoster.name)
             .where((DownstreamRoster.server_id == unit) & (DownstreamRoster.kind == by)))
    named = {code: name or code for code, name in query.tuples()}
    return names_module.distinct(named.items()) if by == "officer" else named



def _marks_public(data: str) -> bool:
    """Whether an officer's snapshot entry marks a photo public (it then carries its hash)."""
    try:
        entry = json.loads(data)
    except ValueError:
        return False
    return isinstance(entry, dict) and bool(entry.get("photo_sha256"))


def _public(unit: str, officer: str | None = None) -> dict[str, str]:
    """{code: name} of the commune's officers (or of the one `officer`) whose latest snapshot
    marks a photo public."""
    where = (DownstreamRoster.server_id == unit) & (DownstreamRoster.kind == "officer")
    if officer is not None:
        where &= DownstreamRoster.code == officer
    query = DownstreamRoster.select(DownstreamRoster.code, DownstreamRoster.name,
                                    DownstreamRoster.data).where(where)
    return {code: name or code for code, name, data in query.tuples() if _marks_public(data)}


def public_photo(data_dir: Path, unit: str, officer: str) -> bytes | None:
    """The hub's copy of a commune officer's photo, only while the commune's snapshot marks it
    public (the copy is deleted when it no longer does: both must agree)."""
    if officer not in _public(unit, officer):  # that one row, not the commune's every officer
        return None
    return photos.hub_photo(data_dir, unit, officer)


def public_photos(data_dir: Path, unit: str) -> list[tuple[str, str]]:
    """(code, name) of the commune's officers with a public photo the hub holds, by name."""
    return sorted(((code, name) for code, name in _public(unit).items()
                   if photos.hub_photo(data_dir, unit, code) is not None), key=lambda cn: (cn[1], cn[0]))


def questionnaires(unit: str) -> dict[str, list[dict]]:
    """{questionnaire id: its newest version's questions} as a commune's snapshot sends them
    (sync_server.upstream.snapshot): what the hub knows of the commune's own questionnaires."""
    out = {}
    query = (DownstreamRoster.select(DownstreamRoster.code, DownstreamRoster.data)
             .where((DownstreamRoster.server_id == unit) & (DownstreamRoster.kind == "questionnaire")))
    for qid, data in query.tuples():
        try:
            listed = json.loads(data).get("questions")
        except (ValueError, AttributeError):
            continue
        if isinstance(listed, list):
            out[qid] = [q for q in listed if isinstance(q, dict) and isinstance(q.get("code"), str)]
    return out


def points(unit: str) -> dict[str, str]:
    """{code: name} of a commune's reception points in the commune's order (the snapshot's `sort`,
    then the code; a commune older than `sort`: by code)."""
    query = (DownstreamRoster.select(DownstreamRoster.code, DownstreamRoster.name, DownstreamRoster.data)
             .where((DownstreamRoster.server_id == unit) & (DownstreamRoster.kind == "point")))
    listed = []
    for code, name, data in query.tuples():
        try:
            sort = int(json.loads(data).get("sort") or 0)
        except (ValueError, TypeError, AttributeError):
            sort = 0
        listed.append((sort, code, name or code))
    return {code: name for _sort, code, name in sorted(listed)}


def formers(unit: str) -> dict[str, Former]:
    """{point code: the commune it was before the 2025 merger} of one commune's reception points,
    from its roster snapshot (kind "point"), as the commune's own table by point names them."""
    out: dict[str, Former] = {}
    query = (DownstreamRoster.select(DownstreamRoster.code, DownstreamRoster.data)
             .where((DownstreamRoster.server_id == unit) & (DownstreamRoster.kind == "point")))
    for code, data in query.tuples():
        try:
            entry = json.loads(data)
            day = date.fromisoformat(entry["merged_on"]) if entry.get("merged_on") else None
        except (ValueError, TypeError, AttributeError):
            continue
        name = str(entry.get("former_name") or "").strip()
        if name:
            out[code] = Former(name, str(entry.get("former_code") or ""), day)
    return out
