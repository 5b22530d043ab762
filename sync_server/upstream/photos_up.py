"""Officer photos marked for public display go up to the province hub; no other photo ever does.

Within DESIGN.md §6 as it is: the roster snapshot's officer entry (its public details: name,
title, fields) carries `photo_sha256` only when an admin marked the photo public
(snapshot.roster), and `photo_jpeg` (base64) beside it in the first batch of a push when the hub
may not have that photo yet: a new or changed photo, or once a day (a hub restored from a
backup gets it back the next day). The hub checks the bytes against the hash, decodes them as the
commune's upload is decoded (sync_server.roster.photos: JPEG, PNG or WebP, size-limited,
re-encoded without metadata), and keeps its own re-encoded copy per (commune, officer); an
officer sent without `photo_sha256` (no longer public), or no longer sent, has the hub's copy
deleted.
No Flask here.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import date
from pathlib import Path
from typing import Any

from sync_server.db import write_transaction
from sync_server.db.models import Officer, Setting
from sync_server.exc import InputError
from sync_server.roster import photos
from sync_server.upstream.wire import WireError, is_code

_SENT = "upstream.photos_sent"  # Setting: {officer code: {"sha": …, "on": ISO day}} of the commune


# --- commune side --------------------------------------------------------------------------

def _sent() -> dict[str, Any]:
    row = Setting.get_or_none(Setting.key == _SENT)
    try:
        value = json.loads(row.value) if row else {}
    except ValueError:
        value = {}
    return value if isinstance(value, dict) else {}


def attach(roster: dict[str, Any], data_dir: Path, today: date) -> tuple[dict[str, Any], dict[str, str]]:
    """A copy of the snapshot with `photo_jpeg` on each public officer whose photo the hub may
    not have; and {code: sha} of what was attached (for `remember` once the hub replied)."""
    sent = _sent()
    public = {code: (sha, name) for code, sha, name in
              Officer.select(Officer.code, Officer.photo_sha256, Officer.photo_file)
              .where(Officer.photo_public & Officer.photo_sha256.is_null(False)).tuples()}
    officers, attached = [], {}
    for entry in roster.get("officer", []):
        sha = entry.get("photo_sha256")
        mine = public.get(entry["code"])
        before = sent.get(entry["code"]) or {}
        due = before.get("sha") != sha or before.get("on") != today.isoformat()
        if sha and mine and mine[0] == sha and due:
            data = photos.read(data_dir, mine[1])
            if data is not None and photos.sha256(data) == sha:
                entry = {**entry, "photo_jpeg": base64.b64encode(data).decode("ascii")}
                attached[entry["code"]] = sha
        officers.append(entry)
    return {**roster, "officer": officers}, attached


def remember(attached: dict[str, str], today: date) -> None:
    """The hub took these photos (its reply came): not sent again today."""
    if not attached:
        return
    with write_transaction():
        sent = _sent()
        sent.update({code: {"sha": sha, "on": today.isoformat()} for code, sha in attached.items()})
        value = json.dumps(sent, sort_keys=True)
        Setting.insert(key=_SENT, value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}).execute()


# --- hub side -------------------------------------------------------------------------------

def take(server_id: str, officers: list[Any], data_dir: Path) -> None:
    """Hub side, before the snapshot is kept: take each officer's `photo_jpeg` out of its entry
    (it is not kept in the roster's data) and store it; drop the copy of an officer sent without
    `photo_sha256`, or not sent at all. WireError for a photo that does not match its hash or is
    not an image."""
    folder = photos.hub_dir(data_dir, server_id)
    listed = {e.get("code") for e in officers if isinstance(e, dict)}
    if folder.is_dir():
        for path in folder.glob("*.jpg"):
            if path.stem not in listed:  # an officer the commune no longer lists
                path.unlink(missing_ok=True)
    for i, entry in enumerate(officers):
        if not isinstance(entry, dict) or not is_code(entry.get("code")):
            continue  # keep_roster names the bad entry
        raw, sha = entry.pop("photo_jpeg", None), entry.get("photo_sha256")
        path = folder / f"{entry['code']}.jpg"
        if not sha:
            path.unlink(missing_ok=True)
            continue
        if raw is None:
            continue  # sent before: the hub's copy stands
        if not isinstance(raw, str) or len(raw) > photos.MAX_BYTES * 4 // 3 + 4:
            raise WireError(f"roster.officer[{i}].photo_jpeg must be a photo of at most "
                            f"{photos.MAX_BYTES} bytes")
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise WireError(f"roster.officer[{i}].photo_jpeg is not base64") from None
        if photos.sha256(data) != sha:
            raise WireError(f"roster.officer[{i}].photo_jpeg does not match its photo_sha256")
        try:
            jpeg = photos.reencode(data)
        except InputError:
            raise WireError(f"roster.officer[{i}].photo_jpeg is not a JPEG, PNG or WebP photo") from None
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(jpeg)
        tmp.replace(path)
