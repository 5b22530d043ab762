"""A page's new responses made into `response` rows: their repaired times, the codes the roster
does not know, the counter and reception point they are credited to (docs/protocol.md, "How the
server pulls"). `sync_server.collect.ingest.store_page` stores them.

A long catch-up makes them one page ahead, in the page checking process
(sync_server.collect.pagecheck, `prepare`): on PostgreSQL as COPY text, on SQLite as the rows
themselves; the puller's thread then only sends them. Rows made there are used only if
everything they were made from is what the page's own transaction reads — the epoch, the
roster, the clock anchors of the page's boots, the kiosk's reception point — and every response
of the page is new; otherwise the page's rows are made again in the transaction, as they always
were. No Flask here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.shared.protocol import BUILTIN_QUESTIONNAIRE
from sync_server.collect import clockfix
from sync_server.config import QR_KIOSK_ID
from sync_server.db import copy_text, database


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
_RECORDED_UTC = RESPONSE_COLUMNS.index("recorded_utc")
_RECEIVED_AT = RESPONSE_COLUMNS.index("received_at")
# Rows made ahead leave received_at (the time of the page's transaction) to the end of each line.
PREPARED_COLUMNS = RESPONSE_COLUMNS[:_RECEIVED_AT] + RESPONSE_COLUMNS[_RECEIVED_AT + 1:] + ("received_at",)


def response_row(r: dict[str, Any], epoch_id: int, unit: str, kiosk_id: str, body: str,
                 times: clockfix.Times, unknown: str | None, counter: str, now: datetime,
                 point: str) -> tuple[Any, ...]:
    """A response row in RESPONSE_COLUMNS order."""
    return (epoch_id, unit, kiosk_id, r["store_id"], r["seq"], r["uuid"], r["officer"], r["procedure"],
            r["questionnaire"], r["questionnaire_version"], r["channel"], r["partial"],
            r["recorded_at"], times.recorded_utc, times.corrected_utc, times.source,
            times.local_date, times.local_hour, body, r["hash"], now, unknown,
            ASSISTED_FLAG in r["flags"], counter, point)


@dataclass
class NewRows:
    """The rows of a page's new responses, and what the minutes count of them."""

    rows: list[tuple[Any, ...]] = field(default_factory=list)  # RESPONSE_COLUMNS order
    answers_of: dict[int, tuple[dict[str, Any], date]] = field(default_factory=dict)  # seq -> (r, day)
    flagged: dict[str, int] = field(default_factory=dict)  # unknown ref -> responses
    flagged_rows: int = 0
    repaired: int = 0
    text: str | None = None  # made ahead: the rows as COPY text in PREPARED_COLUMNS, received_at left out
    # made ahead: each answer's COPY line after its response's id (the id is numbered when stored)
    answer_tails: list[tuple[int, str]] | None = None


def new_rows(picked: Iterable[int], responses: list[dict[str, Any]], bodies: list[str], *, epoch_id: int,
             kiosk_id: str, unit: str, tz: ZoneInfo, now: datetime, roster: Roster,
             anchors: dict[str, clockfix.Anchor], point_of: Callable[[int, dict[str, Any]], str],
             times: list[clockfix.Times] | None = None) -> NewRows:
    """Rows for the responses at the indexes `picked`; `times`: those a province hub was sent."""
    new, clock = NewRows(), clockfix.LocalClock(tz)  # the zone's offsets looked up once per hour
    for i in picked:
        r = responses[i]
        when = times[i] if times is not None else clockfix.response_times(
            r["recorded_at"], r["boot_id"], r["uptime_ms"], anchors.get(r["boot_id"]), tz, now, clock)
        unknown = roster.unknown(r)
        new.flagged_rows += unknown is not None
        for ref in (unknown or "").split():
            new.flagged[ref] = new.flagged.get(ref, 0) + 1
        new.repaired += when.source == clockfix.REPAIRED
        new.rows.append(response_row(r, epoch_id, unit, kiosk_id, bodies[i], when,
                                     unknown, counter_of(r, roster), now, point_of(i, r)))
        new.answers_of[r["seq"]] = (r, when.local_date)
    return new


@dataclass(frozen=True)
class RowSource:
    """What a pulled page's rows are made from besides the page itself."""

    epoch_id: int
    kiosk_id: str
    tz: ZoneInfo
    roster: Roster
    anchors: dict[str, clockfix.Anchor]  # of the page's boots (the whole kiosk's when handed over)
    point: str  # the reception point the kiosk stands at
    # PostgreSQL: made as COPY text; SQLite: as rows (not what they are made from: not compared)
    as_text: bool = field(default=True, compare=False)

    def for_boots(self, boots: Iterable[str]) -> RowSource:
        anchors = {b: self.anchors[b] for b in set(boots) if b in self.anchors}
        return RowSource(self.epoch_id, self.kiosk_id, self.tz, self.roster, anchors, self.point,
                         self.as_text)


@dataclass
class Prepared:
    source: RowSource  # what they were made from, narrowed to the page's boots
    new: NewRows


# The time a page's rows are stored is not known ahead: a response whose time falls back to it
# (no anchor, and a time that cannot be read) is never made ahead. Compared by identity.
_NOT_YET = datetime(2000, 1, 1)


def received_now(made: list[tuple[Any, ...]], now: datetime) -> list[tuple[Any, ...]]:
    """Rows made ahead (SQLite), with the time of the page's transaction as their received_at."""
    return [row[:_RECEIVED_AT] + (now,) + row[_RECEIVED_AT + 1:] for row in made]


def prepare(responses: list[dict[str, Any]], bodies: list[str], source: RowSource) -> Prepared | None:
    """The page's rows as store_page would make them if all of its responses are new (COPY text,
    or on SQLite the rows with received_at still to fill); None when they cannot be made ahead (a
    uuid twice in the page, a time that needs the time of storing)."""
    if len({r["uuid"] for r in responses}) != len(responses):
        return None
    source = source.for_boots(r["boot_id"] for r in responses)
    new = new_rows(range(len(responses)), responses, bodies, epoch_id=source.epoch_id,
                   kiosk_id=source.kiosk_id, unit="", tz=source.tz, now=_NOT_YET, roster=source.roster,
                   anchors=source.anchors,
                   point_of=lambda _i, _r: source.point)
    if any(row[_RECORDED_UTC] is _NOT_YET for row in new.rows):
        return None
    if not source.as_text:
        return Prepared(source, new)  # SQLite: the rows as they are; store_page sets received_at
    new.text = copy_text([row[:_RECEIVED_AT] + row[_RECEIVED_AT + 1:] for row in new.rows])
    # ANSWER_COLUMNS (ingest) but the first: question, score, officer, local date.
    seqs, answers = [], []
    for seq, (r, day) in new.answers_of.items():
        for q, score in r["answers"].items():
            seqs.append(seq)
            answers.append((q, score, r["officer"], day))
    lines = copy_text(answers).split("\n")[:-1] if answers else []  # a newline in a value is escaped
    new.answer_tails = [(seq, f"\t{line}\n") for seq, line in zip(seqs, lines, strict=True)]
    new.rows = []  # not sent back: the text is what is stored
    return Prepared(source, new)
