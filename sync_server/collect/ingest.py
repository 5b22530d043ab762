"""Storing one verified page of responses (docs/protocol.md, "How the server pulls").

The page has already been chained onto the epoch's head; here it is stored and the cursor moved
in one transaction, with three rules that make a pull never lose or double a response:

- the same response again (same uuid, same hash) is stored once;
- a uuid already stored with *other* content is a conflict: the newcomer is kept aside in
  `conflict` and the stored one stays;
- a response naming an officer, procedure or questionnaire the server does not know is stored
  and counted anyway, flagged in `unknown_refs`.

The puller raises one alert per pull for what the pages kept aside or flagged (`raise_page_alerts`).

Times are repaired against the kiosk's boot anchor (sync_server.collect.clockfix). No Flask here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.shared.protocol import BUILTIN_QUESTIONNAIRE, canonical_json
from sync_server.collect import clockfix
from sync_server.collect.alerts import raise_alert
from sync_server.collect.client import KioskError
from sync_server.collect.messages import say
from sync_server.config import QR_KIOSK_ID
from sync_server.db import bulk_insert, database, insert_values, is_sqlite, write_transaction
from sync_server.db.models import (
    Answer,
    Conflict,
    DossierLink,
    Response,
    YesNoAnswer,
)
from sync_server.reports import rollup
from sync_server.roster import cache
from sync_server.roster.points import PointMap


class CursorMoved(KioskError):
    """Another pull of the same kiosk stored this page first."""


@dataclass
class Roster:
    """The codes the server knows, read once per pull (inactive officers are still known)."""

    officers: set[str]
    procedures: set[str]
    questionnaires: set[tuple[str, int]]
    # What a QR page's counter code may name (sync_server.qr.target): a counter, or a kiosk of an
    # install without counters. A QR rating is credited to its counter only if it is one of these.
    counters: frozenset[str] = frozenset()

    @classmethod
    def load(cls) -> Roster:
        # Plain SQL: read before every QR submit, where building three peewee queries cost more
        # than running them.
        db = database.obj
        questionnaires = set(db.execute_sql('SELECT "qid", "version" FROM "questionnaire"').fetchall())
        questionnaires.add((BUILTIN_QUESTIONNAIRE["id"], BUILTIN_QUESTIONNAIRE["version"]))
        # A QR response's counter may name any counter or kiosk the server knows (counter_of).
        places = {c for (c,) in db.execute_sql(
            'SELECT "code" FROM "counter" UNION SELECT "id" FROM "kiosk" '
            'UNION SELECT "kiosk_id" FROM "kiosk_setting" UNION SELECT "id" FROM "fleet_kiosk"')}
        places.discard(QR_KIOSK_ID)
        return cls({c for (c,) in db.execute_sql('SELECT "code" FROM "officer"')},
                   {c for (c,) in db.execute_sql('SELECT "code" FROM "procedure"')}, questionnaires,
                   frozenset(places))

    def unknown(self, r: dict[str, Any]) -> str | None:
        refs = []
        if r["officer"] is not None and r["officer"] not in self.officers:
            refs.append(f"officer:{r['officer']}")
        if r["procedure"] is not None and r["procedure"] not in self.procedures:
            refs.append(f"procedure:{r['procedure']}")
        if (r["questionnaire"], r["questionnaire_version"]) not in self.questionnaires:
            refs.append(f"questionnaire:{r['questionnaire']}@{r['questionnaire_version']}")
        return " ".join(refs) or None


@dataclass
class PageResult:
    stored: list[int] = field(default_factory=list)  # seqs stored now
    duplicates: int = 0
    conflicts: list[int] = field(default_factory=list)  # seqs kept aside
    flagged: dict[str, int] = field(default_factory=dict)  # unknown ref -> responses
    flagged_rows: int = 0
    repaired: int = 0


def anchors_for(kiosk_id: str, boot_ids: Iterable[str]) -> dict[str, clockfix.Anchor]:
    boots = list(set(boot_ids))
    if not boots:
        return {}
    q = database.obj.param
    rows = database.execute_sql(
        f'SELECT "boot_id", "uptime_ms", "server_utc" FROM "clock_anchor" WHERE "kiosk_id" = {q} '
        f'AND "boot_id" IN ({", ".join([q] * len(boots))})', (kiosk_id, *boots))
    return {b: clockfix.Anchor(b, uptime, _as_datetime(at)) for b, uptime, at in rows}


def _as_datetime(value: Any) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value  # SQLite: text


def save_anchor(kiosk_id: str, status: dict[str, Any], server_utc: datetime) -> None:
    """Place the kiosk's current boot on the server's clock (one row per boot, kept current)."""
    values = {"uptime_ms": status["uptime_ms"], "server_utc": server_utc,
              "kiosk_wall": str(status.get("wall_clock", ""))[:64],
              "clock_synced": status.get("clock_synced") if isinstance(status.get("clock_synced"),
                                                                         bool) else None}
    # An upsert: two pulls of the same kiosk at once must not both try to create the row.
    insert_values('INSERT INTO "clock_anchor" ("kiosk_id", "boot_id", "uptime_ms", "server_utc", '
                  '"kiosk_wall", "clock_synced") VALUES ',
                  ' ON CONFLICT ("kiosk_id", "boot_id") DO UPDATE SET "uptime_ms" = excluded."uptime_ms", '
                  '"server_utc" = excluded."server_utc", '
                  '"kiosk_wall" = excluded."kiosk_wall", "clock_synced" = excluded."clock_synced"',
                  [(kiosk_id, status["boot_id"], *values.values())], 6)


def _stored_uuids(uuids: list[str]) -> dict[str, tuple[int | None, str]]:
    """uuid -> (id, hash) of those already stored. Plain SQL: peewee builds an IN of thousands
    of parameters slowly."""
    db = database.obj
    marks = ", ".join([db.param] * len(uuids))
    cursor = db.execute_sql(f'SELECT "uuid", "id", "hash" FROM "response" WHERE "uuid" IN ({marks})', uuids)
    return {uuid: (row_id, hash_) for uuid, row_id, hash_ in cursor.fetchall()}


ASSISTED_FLAG = "assisted"  # a staff member helped the citizen rate (NĐ 118/2025 Điều 31.3; kiosk.assist)
COUNTER_FLAG = "qr:counter:"  # sync_server.qr.views: the QR page of a counter's poster


def counter_of(r: dict[str, Any], roster: Roster) -> str:
    """The counter a QR rating was made at, from its sealed flag "qr:counter:<code>", so that the
    by-counter reports count it with that counter's kiosk. '' for a kiosk's response (its kiosk
    says where it was), the general QR poster, and a code the roster does not know as a counter:
    a forged or stale flag stays under the QR page, credited to nothing invented."""
    if r["channel"] != "qr":
        return ""
    code = next((f[len(COUNTER_FLAG):] for f in r["flags"] if f.startswith(COUNTER_FLAG)), "")
    return code if code in roster.counters else ""


RESPONSE_COLUMNS = ("epoch", "unit", "kiosk_id", "store_id", "seq", "uuid", "officer", "procedure",
                    "questionnaire", "questionnaire_version", "channel", "partial", "recorded_at",
                    "recorded_utc", "corrected_utc", "time_source", "local_date", "local_hour", "body",
                    "hash", "received_at", "unknown_refs", "assisted", "counter",
                    "point")
ANSWER_COLUMNS = ("response", "question", "score", "officer", "local_date")
_SEQ = RESPONSE_COLUMNS.index("seq")
YES_NO_COLUMNS = ("response", "question", "value", "officer", "procedure", "local_date")
CONFLICT_COLUMNS = ("kiosk_id", "store_id", "seq", "uuid", "hash", "body", "existing_id", "received_at")


def _row(r: dict[str, Any], epoch_id: int, unit: str, kiosk_id: str, body: str, times: clockfix.Times,
         unknown: str | None, counter: str, now: datetime, point: str) -> tuple[Any, ...]:
    """A response row in RESPONSE_COLUMNS order."""
    return (epoch_id, unit, kiosk_id, r["store_id"], r["seq"], r["uuid"], r["officer"], r["procedure"],
            r["questionnaire"], r["questionnaire_version"], r["channel"], r["partial"],
            r["recorded_at"], times.recorded_utc, times.corrected_utc, times.source,
            times.local_date, times.local_hour, body, r["hash"], now, unknown,
            ASSISTED_FLAG in r["flags"], counter, point)


def store_page(epoch_id: int, kiosk_id: str, responses: list[dict[str, Any]],
               before: tuple[int, str], after: tuple[int, str], *, tz: ZoneInfo, now: datetime,
               roster: Roster, bodies: list[str] | None = None, unit: str = "",
               times: list[clockfix.Times] | None = None,
               dossiers: dict[str, str] | None = None, points: list[str] | None = None) -> PageResult:
    """Insert one verified page and move the cursor from `before` to `after`, all or nothing.
    `bodies` are the responses' canonical JSON if the caller has made them already. A province
    hub passes the commune's `unit` (its server_id) and the `times` the commune worked out (its
    clock repair, which only the commune could do: it saw the kiosks' boots live). `dossiers`:
    the page's dossier codes by response uuid (outside the seal), stored with the responses.

    The reception point of each response is fixed here, in the same transaction: the point the
    kiosk stands at now (a QR response: its code's counter, sync_server.roster.points.PointMap.of_qr);
    at a hub, the `points` the commune stored them at (one per response; '' when it sent none)."""
    result = PageResult()
    with write_transaction():
        # PostgreSQL: lock the cursor row, so a second pull of the same kiosk waits here and then
        # sees the moved cursor (SQLite's IMMEDIATE transaction already serialises writers).
        q = database.obj.param
        last_seq, head_hash, store_id = database.execute_sql(
            f'SELECT "last_seq", "head_hash", "store_id" FROM "epoch" WHERE "id" = {q}'
            + ("" if is_sqlite() else " FOR UPDATE"), (epoch_id,)).fetchone()
        if (last_seq, head_hash) != before:
            raise CursorMoved(say("another pull of this kiosk moved the cursor meanwhile; try again"))
        known = _stored_uuids([r["uuid"] for r in responses])
        anchors = {} if times is not None else anchors_for(kiosk_id, (r["boot_id"] for r in responses))
        # Read once for the page, not per response; kept while the roster is unchanged.
        point_map = None if unit else cache.cached("points", PointMap.load)
        here = "" if point_map is None or kiosk_id == QR_KIOSK_ID else point_map.of_kiosk(kiosk_id)
        of_qr = point_map.of_qr if point_map is not None and kiosk_id == QR_KIOSK_ID else None
        clock = clockfix.LocalClock(tz)  # the zone's offsets looked up once per hour of the page
        rows: list[tuple[Any, ...]] = []
        aside: list[tuple[Any, ...]] = []
        answers_of: dict[int, tuple[dict[str, Any], Any]] = {}
        for i, r in enumerate(responses):
            body = bodies[i] if bodies is not None else canonical_json(r).decode("utf-8")
            if r["uuid"] in known:
                existing_id, existing_hash = known[r["uuid"]]
                if existing_hash == r["hash"]:
                    result.duplicates += 1  # the same response again: stored once
                    continue
                aside.append((kiosk_id, r["store_id"], r["seq"], r["uuid"], r["hash"], body, existing_id,
                              now))
                result.conflicts.append(r["seq"])
                continue
            known[r["uuid"]] = (None, r["hash"])  # a uuid twice in one page: the second conflicts
            when = times[i] if times is not None else clockfix.response_times(
                r["recorded_at"], r["boot_id"], r["uptime_ms"], anchors.get(r["boot_id"]), tz, now, clock)
            unknown = roster.unknown(r)
            result.flagged_rows += unknown is not None
            for ref in (unknown or "").split():
                result.flagged[ref] = result.flagged.get(ref, 0) + 1
            result.repaired += when.source == clockfix.REPAIRED
            point = (points[i] if points is not None else "") if unit else (
                of_qr(r["flags"]) if of_qr is not None else here)
            rows.append(_row(r, epoch_id, unit, kiosk_id, body, when, unknown, counter_of(r, roster), now,
                             point))
            answers_of[r["seq"]] = (r, when.local_date)
        bulk_insert(Response, RESPONSE_COLUMNS, rows)
        if rows:
            # The ids just made, by the unique (store_id, seq): one indexed query on any database.
            q = database.obj.param
            ids = dict(database.execute_sql(
                f'SELECT "seq", "id" FROM "response" WHERE "store_id" = {q} AND "seq" BETWEEN {q} AND {q}',
                (store_id, rows[0][_SEQ], rows[-1][_SEQ])).fetchall())
            bulk_insert(Answer, ANSWER_COLUMNS,
                        [(ids[seq], q, score, r["officer"], day)
                         for seq, (r, day) in answers_of.items() for q, score in r["answers"].items()])
            # Yes/no answers (roster schema 3) in their own table: never a 1–5 figure.
            bulk_insert(YesNoAnswer, YES_NO_COLUMNS,
                        [(ids[seq], q, value, r["officer"], r["procedure"], day)
                         for seq, (r, day) in answers_of.items() for q, value in r.get("yes_no", {}).items()])
            # The reports' rollups move with the rows, in this same transaction, summed from them.
            rollup.add(ids[seq] for seq in answers_of)
        bulk_insert(Conflict, CONFLICT_COLUMNS, aside)
        linked = [(r["uuid"], dossiers[r["uuid"]], now) for r, _day in answers_of.values()
                  if dossiers and r["uuid"] in dossiers]
        bulk_insert(DossierLink, ("response_uuid", "code", "linked_at"), linked)
        database.execute_sql(f'UPDATE "epoch" SET "last_seq" = {q}, "head_hash" = {q}, "last_seen" = {q} '
                             f'WHERE "id" = {q}', (after[0], after[1], now, epoch_id))
        result.stored = list(answers_of)
    return result


def raise_page_alerts(kiosk_id: str, store_id: str | None, conflicts: list[int],
                      flagged: dict[str, int], now: datetime) -> None:
    """One alert per pull (not per page) for conflicts kept aside and unknown codes."""
    with write_transaction():
        if conflicts:
            seqs = ", ".join(str(s) for s in conflicts[:20]) + (" …" if len(conflicts) > 20 else "")
            raise_alert(kiosk_id, "conflict",
                        say("store %(store)s: response(s) whose uuid the server already holds with "
                            "other content; kept aside, the stored ones were not changed", store=store_id),
                        f"seq {seqs}", now)
        if flagged:
            names = sorted(flagged)
            refs = ", ".join(names[:10]) + (f" (+{len(names) - 10})" if len(names) > 10 else "")
            raise_alert(kiosk_id, "unknown",
                        say("responses name codes the server's roster does not know: %(codes)s; stored and "
                            "counted, listed under Kiosks", codes=refs), "", now)
