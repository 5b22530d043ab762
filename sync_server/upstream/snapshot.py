"""The commune's roster snapshot and audited exclusions: made on the commune (`roster`,
`exclusions`), kept and applied on the hub (`keep_roster`, `known`, `apply_exclusions`).

What goes up is public by law (officers' names and titles, NĐ 118 Điều 9.8; procedures, fields,
counters), and an officer's photo only once an admin marked it for public display (photos_up):
no other photo, no account, and nothing a citizen wrote beside a rating (the QR page's
addenda stay on the commune). An exclusion made at the commune applies at the hub with its
reason, through the same code the report page uses (sync_server.reports.exclusion). No Flask here.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.shared.protocol import BUILTIN_QUESTIONNAIRE, question_type
from sync_server.collect.ingest import Roster
from sync_server.config import QR_KIOSK_ID
from sync_server.db import insert_values, write_transaction
from sync_server.db.models import (
    Counter,
    DownstreamRoster,
    Epoch,
    Field,
    Officer,
    Procedure,
    Questionnaire,
    Response,
    Unit,
)
from sync_server.reports.exclusion import set_excluded
from sync_server.roster import points
from sync_server.roster.counters import officer_codes
from sync_server.roster.questionnaires import about_of
from sync_server.upstream import photos_up
from sync_server.upstream.wire import WireError, is_code

# "point": the commune's reception points with the communes they were before the 2025 merger
# (sync_server.roster.points): the hub's commune list names them. A hub older than this ignores it.
KINDS = ("unit", "field", "officer", "procedure", "counter", "questionnaire", "point")


def roster(unit_name: str) -> dict[str, list[dict[str, Any]]]:
    """Commune side: the roster as the hub keeps it, (kind, code) → name and details."""
    unit = Unit.select().order_by(Unit.id).first()
    versions: dict[str, list[int]] = {}
    newest: dict[str, str] = {}
    for qid, version, document in (Questionnaire.select(Questionnaire.qid, Questionnaire.version,
                                                        Questionnaire.document)
                                   .order_by(Questionnaire.version).tuples()):
        versions.setdefault(qid, []).append(version)
        newest[qid] = document
    return {
        "unit": [{"code": "unit", "name": unit.name if unit else unit_name}],
        "field": [{"code": f.code, "name": f.name} for f in Field.select().order_by(Field.code)],
        "officer": [_officer(o) for o in Officer.select().order_by(Officer.code)],
        "procedure": [{"code": p.code, "name": p.name, "field": p.field, "active": p.active}
                      for p in Procedure.select().order_by(Procedure.code)],
        "counter": [{"code": c.code, "name": c.name, "kiosk_id": c.kiosk_id,
                     "officers": officer_codes(c.officers)} for c in Counter.select().order_by(Counter.code)],
        "questionnaire": [{"code": qid, "name": qid, "versions": sorted(v),
                           "questions": _questions(qid, newest[qid])} for qid, v in sorted(versions.items())],
        # `sort`: the hub lists a commune's points in the commune's order (its main office first)
        "point": [{"code": p.code, "name": p.name, "former_name": p.former_name, "former_code": p.former_code,
                   "merged_on": p.merged_on.isoformat() if p.merged_on else "", "sort": p.sort}
                  for p in points.ordered()],
    }


def _questions(qid: str, document: str) -> list[dict[str, Any]]:
    """The newest version's questions as the hub's reports need them (the same as the commune's
    own: which one is the first about the officer, their order and texts, which are yes/no)."""
    try:
        listed = json.loads(document).get("questions", [])
    except (ValueError, AttributeError):
        return []
    return [{"code": q["code"], "about": about_of(qid, q), "type": question_type(q),
             "text": {k: str(v)[:300] for k, v in (q.get("text") or {}).items() if k in ("vi", "en")}}
            for q in listed if isinstance(q, dict) and isinstance(q.get("code"), str)]


def _officer(o: Officer) -> dict[str, Any]:
    entry = {"code": o.code, "name": o.name, "title": o.title, "fields": officer_codes(o.fields),
             "active": o.active}
    if o.photo_public and o.photo_sha256:  # only a photo an admin marked public (photos_up)
        entry["photo_sha256"] = o.photo_sha256
    return entry


def exclusions() -> list[dict[str, Any]]:
    """Commune side: every response excluded or taken back in, with its last reason, who, when."""
    query = (Response.select(Response.store_id, Response.seq, Response.uuid, Response.excluded,
                             Response.excluded_reason, Response.excluded_by, Response.excluded_at)
             .where((Response.unit == "") & Response.excluded_at.is_null(False)).order_by(Response.id))
    return [{"store_id": r.store_id, "seq": r.seq, "uuid": r.uuid, "excluded": bool(r.excluded),
             "reason": r.excluded_reason or "", "by": r.excluded_by or "",
             "at": r.excluded_at.isoformat() if isinstance(r.excluded_at, datetime) else str(r.excluded_at)}
            for r in query]


def keep_roster(server_id: str, snapshot: dict[str, Any], now: datetime, data_dir: Path) -> None:
    """Hub side: upsert the commune's entries that changed (`updated_at`: when one last changed);
    an entry the commune dropped stays known (its old responses still name it). Officers' public
    photos are taken out and kept apart (photos_up)."""
    if isinstance(snapshot.get("officer"), list):
        photos_up.take(server_id, snapshot["officer"], data_dir)
    rows: dict[tuple[str, str], tuple] = {}  # a code listed twice: its last entry, as before
    for kind in KINDS:
        entries = snapshot.get(kind, [])
        if not isinstance(entries, list):
            raise WireError(f"roster.{kind} must be a list")
        for i, e in enumerate(entries):
            code = e.get("code") if isinstance(e, dict) else None
            if not is_code(code):
                raise WireError(f"roster.{kind}[{i}].code must be a code")
            rows[kind, code] = (server_id, kind, code, str(e.get("name", ""))[:2000],
                                json.dumps(e, ensure_ascii=False)[:20000], now)
    query = (DownstreamRoster.select(DownstreamRoster.kind, DownstreamRoster.code, DownstreamRoster.name,
                                     DownstreamRoster.data).where(DownstreamRoster.server_id == server_id))
    held = {(kind, code): (name, data) for kind, code, name, data in query.tuples()}
    # Every batch carries the whole snapshot: only what changed since the last one is written, in
    # one statement (a commune's first push writes its whole roster).
    changed = [row for key, row in rows.items() if held.get(key) != row[3:5]]
    with write_transaction():
        insert_values('INSERT INTO "downstream_roster" ("server_id", "kind", "code", "name", "data", '
                      '"updated_at") VALUES ',
                      'ON CONFLICT ("server_id", "kind", "code") DO UPDATE SET "name" = excluded."name", '
                      '"data" = excluded."data", "updated_at" = excluded."updated_at"', changed, 6)


def known(server_id: str) -> Roster:
    """Hub side: the codes this commune's snapshot names, for flagging unknown ones as a pull does."""
    codes: dict[str, set[str]] = {k: set() for k in KINDS}
    questionnaires: set[tuple[str, int]] = set()
    for kind, code, data in (DownstreamRoster.select(DownstreamRoster.kind, DownstreamRoster.code,
                                                     DownstreamRoster.data)
                             .where(DownstreamRoster.server_id == server_id).tuples()):
        codes[kind].add(code)
        if kind == "questionnaire":
            versions = json.loads(data).get("versions", [])
            questionnaires |= {(code, v) for v in versions if isinstance(v, int)}
    questionnaires.add((BUILTIN_QUESTIONNAIRE["id"], BUILTIN_QUESTIONNAIRE["version"]))
    # A QR rating's counter as the commune's own QR page resolved it: one of its counters, or one
    # of its kiosks (an install without counters) — the same rule as a commune's ingest.
    kiosks = {k for (k,) in Epoch.select(Epoch.kiosk_id).where(Epoch.unit == server_id).tuples()}
    places = (codes["counter"] | kiosks) - {QR_KIOSK_ID}
    return Roster(codes["officer"], codes["procedure"], questionnaires, frozenset(places))


def apply_exclusions(server_id: str, items: list[Any], now: datetime) -> int:
    """Hub side: make each response the commune excluded (or took back) the same here, audited
    with the commune's reason and who did it there. Responses the hub does not hold yet are
    done at a later batch (every batch carries the whole list). Returns how many changed."""
    wanted: dict[str, dict[str, Any]] = {}
    for i, e in enumerate(items):
        if not (isinstance(e, dict) and isinstance(e.get("uuid"), str) and isinstance(e.get("excluded"), bool)
                and isinstance(e.get("reason"), str) and isinstance(e.get("by"), str)):
            raise WireError(f"exclusions[{i}] must have uuid, excluded, reason, by")
        wanted[e["uuid"]] = e
    changed = 0
    uuids = list(wanted)
    for start in range(0, len(uuids), 500):
        chunk = uuids[start:start + 500]
        held = (Response.select(Response.id, Response.uuid, Response.excluded)
                .where((Response.unit == server_id) & Response.uuid.in_(chunk)).tuples())
        for response_id, uuid, excluded in held:
            e = wanted[uuid]
            if bool(excluded) != e["excluded"]:
                set_excluded(response_id, e["excluded"], e["reason"] or "-", f"{server_id}:{e['by']}"[:64],
                             now=now)
                changed += 1
    return changed
