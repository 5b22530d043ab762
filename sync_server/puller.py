"""Collecting the ballots: pull every kiosk over the LAN (DESIGN.md §4, docs/protocol.md).

Per kiosk: status → push the roster if the kiosk's differs → pages after the epoch's cursor →
validate and chain-verify each page onto the stored head → store the page and advance the
cursor in one transaction → ack. Anything that does not chain is refused whole and raised as
an alert; nothing of it is stored. Every pull writes its minutes (PullLog). No Flask here.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests

from kiosk.protocol import (
    GENESIS_HASH,
    ProtocolError,
    canonical_json,
    validate_response,
    verify_chain,
)
from sync_server import roster
from sync_server.config import KioskEntry, ServerConfig
from sync_server.db import connection, write_transaction
from sync_server.models import Alert, Answer, Epoch, Kiosk, PullLog, Response, utcnow

log = logging.getLogger(__name__)

TIMEOUT_S = (3.0, 15.0)  # connect, read: a dead kiosk costs seconds, never minutes
PAGE_LIMIT = 500
MAX_PAGES_PER_PULL = 2000  # a kiosk that keeps growing cannot hold a pull forever
MAX_WORKERS = 4
_HEX = set("0123456789abcdef")

Clock = Callable[[], datetime]


class Unreachable(Exception):
    """No answer at all: connection refused, timeout, unknown host."""


class BadReply(Exception):
    """The kiosk answered, but not with what the protocol says."""


class NotJson(BadReply):
    """The body is not JSON at all (an HTML page, a proxy, garbage)."""


class Refused(Exception):
    """Data that must not be stored; raised as an alert of `kind`."""

    def __init__(self, kind: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.kind, self.message, self.detail = kind, message, detail


@dataclass
class PullResult:
    kiosk_id: str
    status: str = "error"  # ok | unreachable | error | refused
    received: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    store_id: str | None = None
    cursor: int = 0  # the epoch's last stored seq after the pull
    head_hash: str | None = None
    chain_verified: bool = False
    roster_pushed: int | None = None
    new_epoch: bool = False
    message: str = ""

    def note(self, text: str) -> None:
        self.message = f"{self.message}; {text}" if self.message else text

    def line(self) -> str:
        """One line for `hailong-server pull --once`."""
        if self.status == "ok":
            if self.received:
                text = f"ok, {self.received} new (seq {self.first_seq}-{self.last_seq})"
            else:
                text = f"ok, nothing new (seq {self.cursor})"
            if self.roster_pushed:
                text += f", roster v{self.roster_pushed} pushed"
            return f"{self.kiosk_id}: {text}" + (f"; {self.message}" if self.message else "")
        return f"{self.kiosk_id}: {self.status} ({self.message})"


# --- HTTP ----------------------------------------------------------------------------------

def _reason(error: Exception) -> str:
    text = str(error)
    for needle, reason in (("Connection refused", "connection refused"),
                           ("Name or service not known", "host name not found"),
                           ("NameResolutionError", "host name not found"),
                           ("getaddrinfo failed", "host name not found"),
                           ("No route to host", "no route to host"),
                           ("Network is unreachable", "network unreachable"),
                           ("Connection reset", "connection reset")):
        if needle in text:
            return reason
    return "cannot connect"


class KioskClient:
    def __init__(self, entry: KioskEntry, session: requests.Session | None = None) -> None:
        self.entry = entry
        self.base = f"{entry.url}/api/v1"
        self.session = session or requests.Session()
        self.headers = {"Authorization": f"Bearer {entry.token}"}

    def request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            r = self.session.request(method, self.base + path, headers=self.headers,
                                     timeout=TIMEOUT_S, allow_redirects=False, **kwargs)
        except requests.Timeout:
            raise Unreachable("timed out") from None
        except requests.ConnectionError as e:
            raise Unreachable(_reason(e)) from None
        except requests.RequestException as e:
            raise BadReply(f"{method} {path}: {type(e).__name__}") from None
        try:
            body = r.json()
        except ValueError:
            kind = r.headers.get("Content-Type", "no content type")
            raise NotJson(f"{method} {path}: HTTP {r.status_code}, not JSON ({kind}): "
                          f"{r.text[:60]!r}") from None
        if r.status_code == 401:
            raise BadReply("the kiosk refused the token (401): check token in [[kiosks]]")
        if r.status_code >= 400:
            problem = body.get("error") if isinstance(body, dict) else None
            raise BadReply(f"{method} {path}: HTTP {r.status_code}: {str(problem)[:200]}")
        if not isinstance(body, dict):
            raise NotJson(f"{method} {path}: reply is JSON but not an object")
        return body


# --- checks --------------------------------------------------------------------------------

def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _hex64(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX


def _check_status(s: dict[str, Any], entry: KioskEntry) -> None:
    problems = []
    if not (isinstance(s.get("store_id"), str) and 0 < len(s["store_id"]) <= 64):
        problems.append("store_id")
    if not (_int(s.get("last_seq")) and s["last_seq"] >= 0):
        problems.append("last_seq")
    if not _hex64(s.get("head_hash")):
        problems.append("head_hash")
    if not (_int(s.get("roster_version")) and s["roster_version"] >= 0):
        problems.append("roster_version")
    if not isinstance(s.get("kiosk_id"), str):
        problems.append("kiosk_id")
    if problems:
        raise BadReply(f"status reply is not a kiosk status (bad or missing {', '.join(problems)})")
    if s["kiosk_id"] != entry.id:
        raise BadReply(f"the kiosk at {entry.url} says it is {s['kiosk_id'][:64]!r}, "
                       f"not {entry.id!r}: check url in [[kiosks]]")


def _check_page(page: dict[str, Any], store_id: str, after: int) -> tuple[list[dict[str, Any]], int]:
    responses, last_seq = page.get("responses"), page.get("last_seq")
    if not isinstance(responses, list) or not _int(last_seq) or not isinstance(page.get("store_id"), str):
        raise Refused("garbage", f"page after seq {after}: not a responses page "
                                 "(needs store_id, responses, last_seq)",
                      json.dumps(page, ensure_ascii=False)[:4000])
    if page["store_id"] != store_id:
        raise Refused("chain", f"page after seq {after}: store_id {page['store_id'][:64]!r} "
                               f"is not the store {store_id} of this pull")
    for i, r in enumerate(responses):
        try:
            validate_response(r, where=f"page after seq {after}, item {i}")
        except ProtocolError as e:
            raise Refused("garbage", str(e), json.dumps(r, ensure_ascii=False)[:4000]) from None
        if r["store_id"] != store_id:
            raise Refused("chain", f"response seq {r['seq']}: store_id {r['store_id'][:64]!r} "
                                   f"is not the store {store_id}", canonical_json(r).decode())
    # Gaps are named apart from broken links: they usually mean a kiosk bug, not tampering.
    for expected, r in enumerate(responses, start=after + 1):
        if r["seq"] != expected:
            raise Refused("gap", f"seq {expected}: expected next, got {r['seq']} (gap or reorder)")
    return responses, last_seq


# --- storing -------------------------------------------------------------------------------

def _times(recorded_at: str, tz: ZoneInfo, fallback: datetime) -> tuple[datetime, date]:
    """(UTC, local date) of a kiosk timestamp; a naive one is read in the unit's time zone and
    an unreadable one falls back to the time it was received."""
    try:
        dt = datetime.fromisoformat(recorded_at)
    except ValueError:
        utc = fallback
    else:
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=tz)
        utc = dt.astimezone(UTC).replace(tzinfo=None)
    return utc, utc.replace(tzinfo=UTC).astimezone(tz).date()


def _store_page(epoch_id: int, kiosk_id: str, responses: list[dict[str, Any]],
                before: tuple[int, str], after: tuple[int, str], tz: ZoneInfo,
                now: datetime) -> tuple[list[int], list[str]]:
    """Insert one verified page and move the cursor, in one transaction. Returns the seqs
    stored and the conflicts raised."""
    stored: list[int] = []
    conflicts: list[str] = []
    with write_transaction():
        epoch = Epoch.get_by_id(epoch_id)
        if (epoch.last_seq, epoch.head_hash) != before:
            raise BadReply("another pull of this kiosk moved the cursor meanwhile; try again")
        store_id = epoch.store_id
        uuids = [r["uuid"] for r in responses]
        known = {row.uuid: row.hash for row in
                 Response.select(Response.uuid, Response.hash).where(Response.uuid.in_(uuids))}
        taken = {row.seq for row in Response.select(Response.seq).where(
            (Response.store_id == store_id) & Response.seq.between(before[0] + 1, after[0]))}
        answers: list[dict[str, Any]] = []
        for r in responses:
            body = canonical_json(r).decode("utf-8")
            if r["uuid"] in known or r["seq"] in taken:
                if known.get(r["uuid"]) == r["hash"]:
                    continue  # the same response again: stored once
                text = (f"response seq {r['seq']} of store {store_id}: uuid {r['uuid']} or seq "
                        "already stored with different content; kept the stored one")
                Alert.create(kiosk_id=kiosk_id, kind="conflict", message=text, detail=body,
                             created_at=now)
                conflicts.append(text)
                continue
            utc, local_date = _times(r["recorded_at"], tz, now)
            row = Response.create(
                epoch=epoch_id, kiosk_id=kiosk_id, store_id=store_id, seq=r["seq"], uuid=r["uuid"],
                officer=r["officer"], procedure=r["procedure"], questionnaire=r["questionnaire"],
                questionnaire_version=r["questionnaire_version"], channel=r["channel"],
                partial=r["partial"], recorded_at=r["recorded_at"], recorded_utc=utc,
                local_date=local_date, body=body, hash=r["hash"], received_at=now)
            answers.extend({"response": row.id, "question": q, "score": score,
                            "officer": r["officer"], "local_date": local_date}
                           for q, score in r["answers"].items())
            stored.append(r["seq"])
        for i in range(0, len(answers), 200):  # stay under SQLite's variable limit
            Answer.insert_many(answers[i:i + 200]).execute()
        Epoch.update(last_seq=after[0], head_hash=after[1], last_seen=now).where(
            Epoch.id == epoch_id).execute()
    return stored, conflicts


def _epoch(kiosk_id: str, store_id: str, now: datetime) -> tuple[Epoch, bool]:
    with write_transaction():
        epoch = Epoch.get_or_none((Epoch.kiosk_id == kiosk_id) & (Epoch.store_id == store_id))
        if epoch is not None:
            return epoch, False
        had_one = Epoch.select().where(Epoch.kiosk_id == kiosk_id).exists()
        epoch = Epoch.create(kiosk_id=kiosk_id, store_id=store_id, first_seen=now, last_seen=now)
        return epoch, had_one


# --- one kiosk -----------------------------------------------------------------------------

class _Pull:
    def __init__(self, entry: KioskEntry, config: ServerConfig, now: Clock, page_limit: int,
                 session: requests.Session | None) -> None:
        self.entry, self.config, self.now, self.page_limit = entry, config, now, page_limit
        self.client = KioskClient(entry, session)
        self.result = PullResult(entry.id)
        self.status: dict[str, Any] | None = None

    def run(self) -> None:
        status = self.client.request("GET", "/status")
        _check_status(status, self.entry)
        self.status = status
        epoch, self.result.new_epoch = _epoch(self.entry.id, status["store_id"], self.now())
        r = self.result
        r.store_id, r.cursor, r.head_hash = epoch.store_id, epoch.last_seq, epoch.head_hash
        if r.new_epoch:
            r.note(f"new store {epoch.store_id} (card re-imaged?): new epoch, the old one is kept")
        if status["last_seq"] < epoch.last_seq or (
                status["last_seq"] == epoch.last_seq and status["head_hash"] != epoch.head_hash):
            raise Refused("chain", f"the kiosk's store {epoch.store_id} ends at seq {status['last_seq']} "
                                   f"(head {status['head_hash'][:12]}…) but the server holds seq "
                                   f"{epoch.last_seq} (head {epoch.head_hash[:12]}…): "
                                   "restored from an old copy or rewritten?")
        self.push_roster()
        try:
            self.pull_pages(epoch)
        finally:
            self.ack(status)
        r.chain_verified = True

    def push_roster(self) -> None:
        assert self.status is not None
        version = roster.current_version()
        theirs = self.status.get("roster_stored_version")
        theirs = theirs if _int(theirs) else self.status["roster_version"]
        if version == 0 or theirs == version:
            return
        try:
            document = roster.build_roster(self.entry.id, self.config)
        except ProtocolError as e:
            self.result.note(f"roster v{version} not pushed: {e}")
            return
        try:
            self.client.request("PUT", "/roster", json=document)
        except BadReply as e:
            self.result.note(f"roster v{version} refused by the kiosk: {e}")
            return
        self.result.roster_pushed = version

    def pull_pages(self, epoch: Epoch) -> None:
        assert self.status is not None
        r, tz = self.result, self.config.tz
        after, head, target = epoch.last_seq, epoch.head_hash, self.status["last_seq"]
        for _ in range(MAX_PAGES_PER_PULL):
            if after >= target:
                return
            try:
                page = self.client.request("GET", "/responses",
                                           params={"after": after, "limit": self.page_limit})
            except NotJson as e:
                raise Refused("garbage", str(e)) from None
            responses, last_seq = _check_page(page, epoch.store_id, after)
            if not responses:
                raise BadReply(f"the kiosk reports seq {target} but sent nothing after seq {after}")
            try:
                new_head = verify_chain(responses, after, head)
            except ProtocolError as e:
                raise Refused("chain", str(e)) from None
            stored, conflicts = _store_page(epoch.id, self.entry.id, responses, (after, head),
                                            new_head, tz, self.now())
            after, head = new_head
            r.cursor, r.head_hash = after, head
            if stored:
                r.first_seq = r.first_seq or stored[0]
                r.last_seq = stored[-1]
                r.received += len(stored)
            for text in conflicts:
                r.note(text)
            target = max(target, last_seq)

    def ack(self, status: dict[str, Any]) -> None:
        cursor = self.result.cursor
        acked = status.get("acked_seq")
        if cursor == 0 or (_int(acked) and acked >= cursor):
            return
        try:
            self.client.request("POST", "/ack", json={"store_id": self.result.store_id, "seq": cursor})
        except (Unreachable, BadReply) as e:
            self.result.note(f"ack of seq {cursor} failed: {e}")


def _finish(p: _Pull, started: datetime, now: Clock) -> None:
    r, entry = p.result, p.entry
    finished = now()
    PullLog.create(kiosk_id=entry.id, started_at=started, finished_at=finished, status=r.status,
                   store_id=r.store_id, received=r.received, first_seq=r.first_seq,
                   last_seq=r.last_seq, chain_verified=r.chain_verified, head_hash=r.head_hash,
                   roster_pushed=r.roster_pushed, message=r.message)
    update: dict[Any, Any] = {Kiosk.url: entry.url, Kiosk.last_pull_at: started,
                              Kiosk.last_pull_status: r.status,
                              Kiosk.last_error: None if r.status == "ok" else r.message}
    if p.status is not None:
        update[Kiosk.last_contact] = finished
        update[Kiosk.last_status] = json.dumps(p.status, ensure_ascii=False)
    Kiosk.update(update).where(Kiosk.id == entry.id).execute()


def pull_kiosk(entry: KioskEntry, config: ServerConfig, *, now: Clock = utcnow,
               page_limit: int = PAGE_LIMIT, session: requests.Session | None = None) -> PullResult:
    """Pull one kiosk once; never raises for anything the kiosk or the network does."""
    p = _Pull(entry, config, now, page_limit, session)
    r = p.result
    started = now()
    with connection():
        Kiosk.insert(id=entry.id, url=entry.url).on_conflict_ignore().execute()
        try:
            p.run()
            r.status = "ok"
        except Unreachable as e:
            r.status, r.message = "unreachable", str(e)
        except Refused as e:
            r.status = "refused"
            r.note(f"{e.message} — nothing of this page stored, alert raised")
            Alert.create(kiosk_id=entry.id, kind=e.kind, message=e.message, detail=e.detail,
                         created_at=now())
        except BadReply as e:
            r.status = "error"
            r.note(str(e))
        except Exception as e:  # a server-side bug or database trouble: report, keep going
            log.exception("pulling %s failed", entry.id)
            r.status = "error"
            r.note(f"server error: {type(e).__name__}: {e}")
        _finish(p, started, now)
    log.info("pull %s", r.line())
    return r


def pull_all(config: ServerConfig, *, kiosks: list[KioskEntry] | None = None, now: Clock = utcnow,
             page_limit: int = PAGE_LIMIT) -> list[PullResult]:
    """Pull the kiosks concurrently; a dead kiosk never blocks the others. Results in config order."""
    entries = list(config.kiosks if kiosks is None else kiosks)
    if not entries:
        return []
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(entries)),
                            thread_name_prefix="pull") as pool:
        futures = [pool.submit(pull_kiosk, e, config, now=now, page_limit=page_limit) for e in entries]
        return [f.result() for f in futures]


class PullLoop:
    """`serve`'s background puller: every pull_interval_s, with a growing pause (up to
    MAX_BACKOFF_S) for a kiosk that keeps failing, so a dead kiosk costs little."""

    MAX_BACKOFF_S = 600.0

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pull-loop", daemon=True)
        self._failures: dict[str, int] = {}
        self._next_due: dict[str, float] = {}

    def start(self) -> PullLoop:
        self._thread.start()
        return self

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _due(self, now: float) -> list[KioskEntry]:
        return [k for k in self.config.kiosks if self._next_due.get(k.id, 0.0) <= now]

    def _run(self) -> None:
        interval = self.config.pull_interval_s
        while not self._stop.is_set():
            try:
                due = self._due(time.monotonic())
                for result in pull_all(self.config, kiosks=due):
                    n = 0 if result.status == "ok" else self._failures.get(result.kiosk_id, 0) + 1
                    self._failures[result.kiosk_id] = n
                    pause = min(interval * 2 ** max(n - 1, 0), max(self.MAX_BACKOFF_S, interval))
                    self._next_due[result.kiosk_id] = time.monotonic() + pause - 0.5
            except Exception:
                log.exception("pull loop")
            self._stop.wait(interval)


__all__ = ["PullResult", "PullLoop", "pull_kiosk", "pull_all", "GENESIS_HASH"]
