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

from peewee import IntegrityError, OperationalError

from kiosk.shared.protocol import canonical_json
from sync_server.collect import clockfix, rows
from sync_server.collect.alerts import raise_alert
from sync_server.collect.client import KioskError
from sync_server.collect.messages import say
from sync_server.config import QR_KIOSK_ID
from sync_server.db import (
    bulk_insert,
    copy_in,
    copy_value,
    database,
    insert_values,
    is_sqlite,
    write_transaction,
)
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

# What the other modules know of here (the rows' making is in sync_server.collect.rows).
Roster, RESPONSE_COLUMNS, counter_of = rows.Roster, rows.RESPONSE_COLUMNS, rows.counter_of
ASSISTED_FLAG, COUNTER_FLAG = rows.ASSISTED_FLAG, rows.COUNTER_FLAG


class CursorMoved(KioskError):
    """Another pull of the same kiosk stored this page first."""


@dataclass
class PageResult:
    stored: list[int] = field(default_factory=list)  # seqs stored now
    duplicates: int = 0
    conflicts: list[int] = field(default_factory=list)  # seqs kept aside
    flagged: dict[str, int] = field(default_factory=dict)  # unknown ref -> responses
    flagged_rows: int = 0
    repaired: int = 0
    made_ahead: bool = False  # its rows were the ones made in the page checking process


def anchors_for(kiosk_id: str, boot_ids: Iterable[str]) -> dict[str, clockfix.Anchor]:
    boots = list(set(boot_ids))
    if not boots:
        return {}
    q = database.obj.param
    return _anchors(f'AND "boot_id" IN ({", ".join([q] * len(boots))})', (kiosk_id, *boots))


def recent_anchors(kiosk_id: str, limit: int = 1000) -> dict[str, clockfix.Anchor]:
    """The kiosk's latest boots on the server's clock, for rows made ahead (rows.RowSource): a
    page of a boot not among them is made again in its transaction, with that boot's anchor."""
    return _anchors(f'ORDER BY "server_utc" DESC LIMIT {int(limit)}', (kiosk_id,))


def _anchors(rest: str, args: tuple[Any, ...]) -> dict[str, clockfix.Anchor]:
    """The kiosk's clock anchors (its id the first of `args`) that `rest` of the query picks."""
    found = database.execute_sql('SELECT "boot_id", "uptime_ms", "server_utc" FROM "clock_anchor" '
                                 f'WHERE "kiosk_id" = {database.obj.param} {rest}', args)
    return {b: clockfix.Anchor(b, uptime, _as_datetime(at)) for b, uptime, at in found}


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


def row_source(epoch_id: int, kiosk_id: str, tz: ZoneInfo, roster: Roster) -> rows.RowSource | None:
    """What a kiosk's pulled rows are made from, for rows made ahead (not the QR page's own
    store); store_page reads it again in each page's transaction and compares."""
    if kiosk_id == QR_KIOSK_ID:
        return None
    return rows.RowSource(epoch_id, kiosk_id, tz, roster, recent_anchors(kiosk_id), _point_here(kiosk_id),
                          as_text=not is_sqlite())


def _point_here(kiosk_id: str) -> str:
    """The reception point a kiosk stands at now; read once per page, kept while the roster is
    unchanged."""
    return cache.cached("points", PointMap.load).of_kiosk(kiosk_id)


def _stored_uuids(uuids: list[str]) -> dict[str, tuple[int | None, str]]:
    """uuid -> (id, hash) of those already stored. Plain SQL: peewee builds an IN of thousands
    of parameters slowly."""
    db = database.obj
    marks = ", ".join([db.param] * len(uuids))
    cursor = db.execute_sql(f'SELECT "uuid", "id", "hash" FROM "response" WHERE "uuid" IN ({marks})', uuids)
    return {uuid: (row_id, hash_) for uuid, row_id, hash_ in cursor.fetchall()}


ANSWER_COLUMNS = ("response", "question", "score", "officer", "local_date")
YES_NO_COLUMNS = ("response", "question", "value", "officer", "procedure", "local_date")
CONFLICT_COLUMNS = ("kiosk_id", "store_id", "seq", "uuid", "hash", "body", "existing_id", "received_at")


def _copy_prepared(prepared: rows.Prepared, now: datetime) -> rows.NewRows | None:
    """The rows made ahead, sent as they are, on the assumption that every response of the page is
    new; the unique index on uuid decides. If one is stored already (or twice in the page), its
    refusal undoes the copy alone (a savepoint: the page's transaction goes on) and None says
    to sort the page here. A look-up of 5,000 uuids first cost ~45 ms a page; the index's own
    check, made by the copy anyway, costs nothing more."""
    assert prepared.new.text is not None
    try:
        with database.atomic():  # inside the page's transaction: a savepoint
            text = prepared.new.text.replace("\n", f"\t{copy_value(now)}\n")  # received_at: now
            copy_in(Response, rows.PREPARED_COLUMNS, text)
    except IntegrityError:
        return None
    return prepared.new


_UUID = rows.RESPONSE_COLUMNS.index("uuid")


def _insert_prepared(prepared: rows.Prepared, now: datetime) -> rows.NewRows | None:
    """SQLite: the rows made ahead inserted as they are if none of the page's responses is stored
    yet (SQLite has no savepoint-cheap COPY to let the index decide); else None: sorted here."""
    made = prepared.new.rows
    if _stored_uuids([row[_UUID] for row in made]):
        return None
    bulk_insert(Response, rows.RESPONSE_COLUMNS, rows.received_now(made, now))
    return prepared.new


def _new_rows_here(result: PageResult, responses: list[dict[str, Any]], bodies: list[str], *, epoch_id: int,
                   kiosk_id: str, unit: str, tz: ZoneInfo, now: datetime, roster: Roster,
                   anchors: dict[str, clockfix.Anchor], here: str, times: list[clockfix.Times] | None,
                   points: list[str] | None) -> rows.NewRows:
    """The page sorted against what is stored (a duplicate stored once, a conflict kept aside),
    and the rows of its new responses made and inserted."""
    of_qr = cache.cached("points", PointMap.load).of_qr if not unit and kiosk_id == QR_KIOSK_ID else None

    def point_of(i: int, r: dict[str, Any]) -> str:
        if unit:
            return points[i] if points is not None else ""
        return of_qr(r["flags"]) if of_qr is not None else here

    def made(picked: Iterable[int]) -> rows.NewRows:
        return rows.new_rows(picked, responses, bodies, epoch_id=epoch_id, kiosk_id=kiosk_id, unit=unit,
                             tz=tz, now=now, roster=roster, anchors=anchors, point_of=point_of, times=times)

    if responses and not is_sqlite():  # as _copy_prepared: all taken as new, the unique index decides
        new = made(range(len(responses)))
        try:
            with database.atomic():  # a savepoint: a refusal undoes this copy alone
                bulk_insert(Response, rows.RESPONSE_COLUMNS, new.rows)
            return new
        except IntegrityError:
            pass  # one is stored already (or twice in the page): sorted one by one below
    known = _stored_uuids([r["uuid"] for r in responses])
    aside: list[tuple[Any, ...]] = []
    picked: list[int] = []
    for i, r in enumerate(responses):
        if r["uuid"] in known:
            existing_id, existing_hash = known[r["uuid"]]
            if existing_hash == r["hash"]:
                result.duplicates += 1  # the same response again: stored once
                continue
            aside.append((kiosk_id, r["store_id"], r["seq"], r["uuid"], r["hash"], bodies[i], existing_id,
                          now))
            result.conflicts.append(r["seq"])
            continue
        known[r["uuid"]] = (None, r["hash"])  # a uuid twice in one page: the second conflicts
        picked.append(i)
    new = made(picked)
    bulk_insert(Response, rows.RESPONSE_COLUMNS, new.rows)
    bulk_insert(Conflict, CONFLICT_COLUMNS, aside)
    return new


def _new_ids(store_id: str, seqs: list[int]) -> dict[int, int]:
    """The ids the database just gave the page's new rows (`seqs`, inserted in that order by one
    statement), by the unique (store_id, seq). Each row takes the next id as it is inserted, so
    if the range of seqs holds exactly these rows and their ids are one run, the k-th row has the
    k-th id: three numbers read, not 5,000 pairs (a fifth of the puller's CPU on PostgreSQL).
    Otherwise (another writer took an id meanwhile, a row of the range stored before) each is read."""
    q = database.obj.param
    where, args = f'WHERE "store_id" = {q} AND "seq" BETWEEN {q} AND {q}', (store_id, seqs[0], seqs[-1])
    low, high, count = database.execute_sql(f'SELECT MIN("id"), MAX("id"), COUNT(*) FROM "response" {where}',
                                            args).fetchone()
    if count == len(seqs) and high - low + 1 == count:
        return dict(zip(seqs, range(low, high + 1), strict=True))
    return dict(database.execute_sql(f'SELECT "seq", "id" FROM "response" {where}', args).fetchall())


def store_page(epoch_id: int, kiosk_id: str, responses: list[dict[str, Any]],
               before: tuple[int, str], after: tuple[int, str], *, tz: ZoneInfo, now: datetime,
               roster: Roster, bodies: list[str] | None = None, unit: str = "",
               times: list[clockfix.Times] | None = None,
               dossiers: dict[str, str] | None = None, points: list[str] | None = None,
               prepared: rows.Prepared | None = None) -> PageResult:
    """Insert one verified page and move the cursor from `before` to `after`, all or nothing.
    `bodies` are the responses' canonical JSON if the caller has made them already. A province
    hub passes the commune's `unit` (its server_id) and the `times` the commune worked out (its
    clock repair, which only the commune could do: it saw the kiosks' boots live). `dossiers`:
    the page's dossier codes by response uuid (outside the seal), stored with the responses.
    `prepared`: the page's rows made ahead (sync_server.collect.rows.prepare), used only if they
    were made from what this transaction reads and every response of the page is new.

    The reception point of each response is fixed here, in the same transaction: the point the
    kiosk stands at now (a QR response: its code's counter, sync_server.roster.points.PointMap.of_qr);
    at a hub, the `points` the commune stored them at (one per response; '' when it sent none)."""
    outermost = not database.in_transaction()
    for attempt in range(1, _ATTEMPTS + 1):
        try:
            return _store_page(epoch_id, kiosk_id, responses, before, after, tz=tz, now=now, roster=roster,
                               bodies=bodies, unit=unit, times=times, dossiers=dossiers, points=points,
                               prepared=prepared)
        except OperationalError as e:
            # Two pages stored at once (two kiosks' pulls, two communes' pushes) add to the same
            # rollup rows; PostgreSQL may end one as a deadlock. Nothing of it was kept: the page
            # is stored again (only as its own transaction: an outer one is the caller's to retry).
            if not (outermost and attempt < _ATTEMPTS and _lost_a_race(e)):
                raise
    raise AssertionError("unreachable")


_ATTEMPTS = 3
_RACES = ("40P01", "40001")  # deadlock_detected, serialization_failure


def _lost_a_race(error: OperationalError) -> bool:
    """The driver's error (peewee raises its own while handling it) says deadlock or serialization."""
    return any(getattr(e, "pgcode", None) in _RACES for e in (error, error.__cause__, error.__context__))


def _store_page(epoch_id: int, kiosk_id: str, responses: list[dict[str, Any]],
                before: tuple[int, str], after: tuple[int, str], *, tz: ZoneInfo, now: datetime,
                roster: Roster, bodies: list[str] | None, unit: str, times: list[clockfix.Times] | None,
                dossiers: dict[str, str] | None, points: list[str] | None,
                prepared: rows.Prepared | None) -> PageResult:
    result = PageResult()
    if bodies is None:
        bodies = [canonical_json(r).decode("utf-8") for r in responses]
    with write_transaction():
        # PostgreSQL: lock the cursor row, so a second pull of the same kiosk waits here and then
        # sees the moved cursor (SQLite's IMMEDIATE transaction already serialises writers).
        q = database.obj.param
        last_seq, head_hash, store_id = database.execute_sql(
            f'SELECT "last_seq", "head_hash", "store_id" FROM "epoch" WHERE "id" = {q}'
            + ("" if is_sqlite() else " FOR UPDATE"), (epoch_id,)).fetchone()
        if (last_seq, head_hash) != before:
            raise CursorMoved(say("another pull of this kiosk moved the cursor meanwhile; try again"))
        anchors = {} if times is not None else anchors_for(kiosk_id, (r["boot_id"] for r in responses))
        # Read once for the page, not per response; kept while the roster is unchanged.
        here = "" if unit or kiosk_id == QR_KIOSK_ID else _point_here(kiosk_id)
        new = None
        if prepared is not None and prepared.source == rows.RowSource(epoch_id, kiosk_id, tz, roster,
                                                                      anchors, here):
            new = _insert_prepared(prepared, now) if is_sqlite() else _copy_prepared(prepared, now)
            result.made_ahead = new is not None
        if new is None:
            new = _new_rows_here(result, responses, bodies, epoch_id=epoch_id, kiosk_id=kiosk_id, unit=unit,
                                 tz=tz, now=now, roster=roster, anchors=anchors, here=here, times=times,
                                 points=points)
        result.flagged, result.flagged_rows, result.repaired = new.flagged, new.flagged_rows, new.repaired
        answers_of = new.answers_of
        if answers_of:
            ids = _new_ids(store_id, list(answers_of))
            if new.answer_tails is not None:  # made ahead: each line but its response's id
                if new.answer_tails:
                    lines = [f"{ids[seq]}{tail}" for seq, tail in new.answer_tails]
                    copy_in(Answer, ANSWER_COLUMNS, "".join(lines))
            else:
                bulk_insert(Answer, ANSWER_COLUMNS,
                            [(ids[seq], q, score, r["officer"], day)
                             for seq, (r, day) in answers_of.items() for q, score in r["answers"].items()])
            # Yes/no answers (roster schema 3) in their own table: never a 1–5 figure.
            bulk_insert(YesNoAnswer, YES_NO_COLUMNS,
                        [(ids[seq], q, value, r["officer"], r["procedure"], day)
                         for seq, (r, day) in answers_of.items() for q, value in r.get("yes_no", {}).items()])
            # The reports' rollups move with the rows, in this same transaction, summed from them.
            rollup.add(ids[seq] for seq in answers_of)
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
