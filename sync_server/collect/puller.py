"""Collecting the ballots: pull every kiosk over the LAN (DESIGN.md §4, docs/protocol.md).

Per kiosk: status (and a clock anchor) → push the roster if the kiosk's differs → pages after the
epoch's cursor → validate and chain-verify each page onto the stored head → store the page and
advance the cursor in one transaction (sync_server.collect.ingest) → ack. Anything that does not chain
is refused whole and raised as an alert; nothing of it is stored. Every pull writes its minutes
(PullLog). No Flask here; the background loop is in sync_server.collect.loop
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

from kiosk.shared.protocol import (
    GENESIS_HASH,
    MAX_PAGE,
    QUESTION_TYPES,
    ROSTER_SCHEMA,
    ProtocolError,
    roster_photos,
)
from sync_server.collect import checks, clockfix, epochs, ingest, pagecheck
from sync_server.collect.alerts import raise_alert
from sync_server.collect.client import BadReply, KioskClient, NotJson, Unreachable
from sync_server.collect.messages import Message, as_message, dumps, english, say
from sync_server.config import KioskEntry, ServerConfig
from sync_server.db import connection, write_transaction
from sync_server.db.models import Epoch, Kiosk, PullLog, utcnow
from sync_server.exc import Refused
from sync_server.reports import service_alerts, yes_no
from sync_server.roster import build as roster

log = logging.getLogger(__name__)

# The kiosk's largest page: a catch-up of 100,000 in 20 transactions, not 100. Each commit writes
# the index pages it touched (random uuids: nearly one leaf each), so fewer, larger pages cost
# ~23 % less CPU than pages of 1,000 (bench/RESULTS.md, issue 16); the write lock is held ~0.5 s.
PAGE_LIMIT = MAX_PAGE
MAX_PAGES_PER_PULL = 2000  # a kiosk that keeps growing cannot hold a pull forever
MAX_PHOTOS_PER_PULL = 20  # at most 5 MB of photos in one pull; the rest follow at the next

Clock = Callable[[], datetime]


@dataclass
class PullResult:
    kiosk_id: str
    status: str = "error"  # ok | unreachable | error | refused
    received: int = 0  # stored now
    first_seq: int | None = None
    last_seq: int | None = None
    store_id: str | None = None
    cursor: int = 0  # the epoch's last stored seq after the pull
    head_hash: str | None = None
    chain_verified: bool = False
    roster_pushed: int | None = None
    new_epoch: bool = False
    kiosk_last_seq: int | None = None
    duplicates: int = 0
    conflicts: int = 0
    flagged: int = 0
    repaired: int = 0
    clock_skew_s: float | None = None
    said: list[Message] = field(default_factory=list)  # the minutes' notes, as message codes
    conflict_seqs: list[int] = field(default_factory=list)
    unknown_refs: dict[str, int] = field(default_factory=dict)  # code -> responses naming it
    log_id: int | None = None  # its PullLog row, once written
    checked_apart: int = 0  # pages checked in the checking process (pagecheck.Apart)
    checker_cpu_s: float = 0.0  # that process's CPU time for them (bench/server_pull.py)
    made_ahead: int = 0  # pages whose rows that process made too (rows.prepare)

    def note(self, said: Message | str) -> None:
        self.said.append(as_message(said))

    @property
    def message(self) -> str:
        """The notes in English (the journal, `pull --once`)."""
        return english(self.said)

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


# --- one kiosk -----------------------------------------------------------------------------

class _Pull:
    def __init__(self, entry: KioskEntry, config: ServerConfig, now: Clock, page_limit: int,
                 session: requests.Session | None, cancel: threading.Event | None) -> None:
        self.entry, self.config, self.now, self.page_limit = entry, config, now, page_limit
        self.cancel, self.own_session = cancel, session is None
        self.client = KioskClient(entry, session, connect_timeout_s=config.connect_timeout_s,
                                  read_timeout_s=config.read_timeout_s)
        self.result = PullResult(entry.id)
        self.status: dict[str, Any] | None = None
        self.pushed_photos: set[str] | None = None

    def read_status(self) -> dict[str, Any]:
        before = self.now()
        status = self.client.request("GET", "/status")
        after = self.now()
        checks.check_status(status, self.entry)
        self.status = status
        self.result.kiosk_last_seq = status["last_seq"]
        if checks.has_clock(status):
            midpoint = before + (after - before) / 2  # the kiosk read its clocks about then
            ingest.save_anchor(self.entry.id, status, midpoint)
            self.result.clock_skew_s = clockfix.skew_seconds(str(status.get("wall_clock", "")),
                                                             midpoint, self.config.tz)
        else:
            self.result.note(say("status has no boot_id/uptime_ms: kiosk times cannot be checked"))
        return status

    def run(self) -> None:
        status = self.read_status()
        epoch, self.result.new_epoch = epochs.open_epoch(self.entry.id, status["store_id"], self.now())
        r = self.result
        r.store_id, r.cursor, r.head_hash = epoch.store_id, epoch.last_seq, epoch.head_hash
        if r.new_epoch:
            r.note(say("new store %(store)s (card re-imaged?): new epoch, the old one is kept",
                       store=epoch.store_id))
        if status["last_seq"] < epoch.last_seq or (
                status["last_seq"] == epoch.last_seq and status["head_hash"] != epoch.head_hash):
            raise Refused("chain", say("the kiosk's store %(store)s ends at seq %(seq)s (head %(head)s…) but "
                                       "the server holds seq %(held)s (head %(held_head)s…): restored "
                                       "from an old copy or rewritten?", store=epoch.store_id,
                                       seq=status["last_seq"], head=status["head_hash"][:12],
                                       held=epoch.last_seq, held_head=epoch.head_hash[:12]))
        self.push_roster()
        reachable = True
        try:
            self.pull_pages(epoch)
        except Unreachable:
            reachable = False  # an ack now would only wait for the same timeout again
            raise
        finally:
            if reachable:
                self.ack(status)
        r.chain_verified = True
        self.send_photos()

    def push_roster(self) -> None:
        assert self.status is not None
        version = roster.current_version()
        theirs = self.status.get("roster_stored_version")
        theirs = theirs if checks.is_int(theirs) else self.status["roster_version"]
        types = [t for t in self.status.get("question_types") or () if isinstance(t, str)]
        # A kiosk upgraded to know every question type still holds the roster made for its old
        # self (schema 2, some questions left out): it gets the full one once.
        upgraded = (set(types) >= set(QUESTION_TYPES)
                    and self.status.get("roster_stored_schema", 0) != ROSTER_SCHEMA)
        if version == 0 or (theirs == version and not upgraded):
            return
        try:
            document = roster.build_roster(self.entry.id, self.config, types)
        except ProtocolError as e:
            self.result.note(say("roster v%(v)s not pushed: %(e)s", v=version, e=str(e)))
            return
        try:
            self.client.request("PUT", "/roster", json=document)
        except BadReply as e:
            self.result.note(say("roster v%(v)s refused by the kiosk: %(e)s", v=version, e=e.said))
            return
        self.result.roster_pushed = version
        self.pushed_photos = set(roster_photos(document).values())

    def send_photos(self) -> None:
        """Officers' photos the kiosk's roster names and the kiosk lacks, each sent once (by
        content hash); a photo that cannot be sent is tried again at the next pull and never
        holds up the ratings."""
        assert self.status is not None
        try:
            if self.pushed_photos is not None:  # a new roster: the status predates it
                held = set(self.client.request("GET", "/photos").get("photos", []))
                missing = sorted(self.pushed_photos - held)
            else:  # kiosks older than roster schema 2 say nothing: nothing to send
                missing = [m for m in self.status.get("photos_missing", []) if isinstance(m, str)]
            sent = 0
            for sha in missing[:MAX_PHOTOS_PER_PULL]:
                data = roster.photo_bytes(sha, self.config.data_dir)
                if data is None:
                    self.result.note(say("photo %(sha)s… named by the roster is not on the server",
                                         sha=sha[:12]))
                    continue
                self.client.request("PUT", f"/photos/{sha}", data=data)
                sent += 1
            if sent:
                self.result.note(say("%(n)s officer photo(s) sent", n=sent))
        except (Unreachable, BadReply, NotJson) as e:
            self.result.note(say("photos not sent: %(e)s", e=e.said))

    def pull_pages(self, epoch: Epoch) -> None:
        """Page by page from the cursor. The next page is fetched while this one is stored, so the
        kiosk's time to answer overlaps the server's work; for a backlog of several pages it is
        also checked then, in a process of its own (pagecheck.Apart: the checks leave this
        process's GIL), and its rows made there too (rows.prepare). A page fetched ahead is used
        only if it starts where the stored chain ends (pagecheck.Pager). (Storing on a thread of
        its own was measured: no faster, one GIL.)"""
        assert self.status is not None
        r, known = self.result, ingest.Roster.load()
        at, target = (epoch.last_seq, epoch.head_hash), self.status["last_seq"]
        long_catch_up = target - at[0] >= pagecheck.APART_FROM_PAGES * self.page_limit
        apart, source = None, None
        if long_catch_up and self.own_session and pagecheck.available():
            apart = pagecheck.Apart(self.entry, self.client.timeout, epoch.store_id, self.page_limit)
            source = ingest.row_source(epoch.id, self.entry.id, self.config.tz, known)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"fetch-{self.entry.id}") as fetcher:
            pager = pagecheck.Pager(self.client, epoch.store_id, self.page_limit, fetcher, apart, source)
            try:
                for _ in range(MAX_PAGES_PER_PULL):
                    if at[0] >= target:
                        return
                    if self.cancel is not None and self.cancel.is_set():
                        r.note(say("stopped at seq %(seq)s (server shutting down); the next pull goes on",
                                   seq=at[0]))
                        return
                    page = pager.page(at)
                    if not page.responses:
                        raise BadReply(say("the kiosk reports seq %(n)s but sent nothing after seq %(a)s",
                                           n=target, a=at[0]))
                    target = max(target, page.last_seq)
                    pager.ask_after(page.head, target)
                    self.store(epoch, page, known)
                    at = page.head
            finally:
                pager.close()
                r.checked_apart, r.checker_cpu_s = pager.checked_apart, pager.cpu_s

    def store(self, epoch: Epoch, page: pagecheck.CheckedPage, known: ingest.Roster) -> None:
        r = self.result
        page_result = ingest.store_page(epoch.id, self.entry.id, page.responses, page.after, page.head,
                                        tz=self.config.tz, now=self.now(), roster=known, bodies=page.bodies,
                                        dossiers=page.dossiers, prepared=page.prepared)
        r.cursor, r.head_hash = page.head
        if page_result.stored:
            r.first_seq = r.first_seq or page_result.stored[0]
            r.last_seq = page_result.stored[-1]
            r.received += len(page_result.stored)
        r.duplicates += page_result.duplicates
        r.conflicts += len(page_result.conflicts)
        r.conflict_seqs += page_result.conflicts
        r.flagged += page_result.flagged_rows
        r.repaired += page_result.repaired
        r.made_ahead += page_result.made_ahead
        for ref, n in page_result.flagged.items():
            r.unknown_refs[ref] = r.unknown_refs.get(ref, 0) + n

    def ack(self, status: dict[str, Any]) -> None:
        cursor = self.result.cursor
        acked = status.get("acked_seq")
        if cursor == 0 or (checks.is_int(acked) and acked >= cursor):
            return
        try:
            self.client.request("POST", "/ack", json={"store_id": self.result.store_id, "seq": cursor})
        except (Unreachable, BadReply) as e:
            self.result.note(say("ack of seq %(seq)s failed: %(e)s", seq=cursor, e=e.said))


def _finish(p: _Pull, started: datetime, now: Clock, opened: tuple[str, str] | None) -> None:
    r, entry = p.result, p.entry
    if r.conflicts:
        r.note(say("%(n)s response(s) kept aside as conflicts (alert raised)", n=r.conflicts))
    if r.flagged:
        r.note(say("%(n)s response(s) name codes the roster does not know (stored, flagged)", n=r.flagged))
    if r.repaired:
        r.note(say("%(n)s response time(s) repaired: the kiosk clock was wrong", n=r.repaired))
    finished = now()
    with write_transaction():
        log = PullLog.create(
            kiosk_id=entry.id, started_at=started, finished_at=finished, status=r.status,
            store_id=r.store_id, received=r.received, first_seq=r.first_seq, last_seq=r.last_seq,
            chain_verified=r.chain_verified, head_hash=r.head_hash, roster_pushed=r.roster_pushed,
            message=dumps(r.said), kiosk_last_seq=r.kiosk_last_seq, conflicts=r.conflicts,
            flagged=r.flagged, repaired=r.repaired, opened_by=opened[0] if opened else None,
            witnesses=opened[1] if opened else "")
        r.log_id = log.id
        update: dict[Any, Any] = {Kiosk.url: entry.url, Kiosk.last_pull_at: started,
                                  Kiosk.last_pull_status: r.status,
                                  Kiosk.last_error: None if r.status == "ok" else dumps(r.said)}
        if p.status is not None:
            update[Kiosk.last_contact] = finished
            update[Kiosk.last_status] = json.dumps(p.status, ensure_ascii=False)
            update[Kiosk.clock_skew_s] = r.clock_skew_s
        Kiosk.update(update).where(Kiosk.id == entry.id).execute()


def pull_kiosk(entry: KioskEntry, config: ServerConfig, *, now: Clock = utcnow,
               page_limit: int = PAGE_LIMIT, session: requests.Session | None = None,
               cancel: threading.Event | None = None, scan_alerts: bool = True,
               opened: tuple[str, str] | None = None) -> PullResult:
    """Pull one kiosk once; never raises for anything the kiosk or the network does. Then, unless
    `scan_alerts` is False (the benchmark times it apart), look for service alerts in what came.
    `opened` = (username, witnesses) when a staff member opened this collection by hand: its
    minutes are then a biên bản of their own."""
    p = _Pull(entry, config, now, page_limit, session, cancel)
    r = p.result
    started = now()
    with connection():
        Kiosk.insert(id=entry.id, url=entry.url).on_conflict_ignore().execute()
        try:
            p.run()
            r.status = "ok"
        except Unreachable as e:
            r.status = "unreachable"
            r.note(e.said)
        except Refused as e:
            r.status = "refused"
            r.note(say("%(problem)s — nothing of this page stored, alert raised",
                       problem=as_message(e.message)))
            with write_transaction():
                raise_alert(entry.id, e.reason, e.message, e.detail, now())
        except (BadReply, ingest.CursorMoved) as e:
            r.status = "error"
            r.note(e.said)
        except Exception as e:  # a server-side bug or database trouble: report, keep going
            log.exception("pulling %s failed", entry.id)
            r.status = "error"
            r.note(say("server error: %(e)s", e=f"{type(e).__name__}: {e}"))
        try:
            ingest.raise_page_alerts(entry.id, r.store_id, r.conflict_seqs, r.unknown_refs, now())
            _finish(p, started, now, opened)
        except Exception:  # the database itself is down: the minutes cannot be written
            log.exception("writing the minutes of %s failed", entry.id)
        if scan_alerts and r.received and r.store_id and r.first_seq is not None and r.last_seq is not None:
            try:  # after the minutes: a failure here must not cost them
                with write_transaction():
                    service_alerts.scan_page(r.store_id, r.first_seq, r.last_seq,
                                             config.service_alert_rule, now())
                    yes_no.scan_page(r.store_id, r.first_seq, r.last_seq, config.service_alert_rule.on_yes,
                                     now())
            except Exception:
                log.exception("scanning %s for service alerts failed", entry.id)
    log.info("pull %s", r.line())
    return r


def pull_all(config: ServerConfig, *, kiosks: list[KioskEntry] | None = None, now: Clock = utcnow,
             page_limit: int = PAGE_LIMIT) -> list[PullResult]:
    """Pull the kiosks concurrently; a dead kiosk never blocks the others. Results in config order."""
    entries = list(config.kiosks if kiosks is None else kiosks)
    if not entries:
        return []
    with ThreadPoolExecutor(max_workers=min(32, len(entries)), thread_name_prefix="pull") as pool:
        futures = [pool.submit(pull_kiosk, e, config, now=now, page_limit=page_limit) for e in entries]
        return [f.result() for f in futures]


__all__ = ["PullResult", "pull_kiosk", "pull_all", "GENESIS_HASH", "Refused"]
