"""Commune side: one push to the province hub (DESIGN.md §6; `hailong-server push --once` and
serve's schedule).

The hub's status first: its acknowledgement per store is where this push starts, whatever this
server remembers (a database restored from an old backup, a reply lost on a cut connection:
nothing is sent twice on purpose, and what is sent twice anyway is stored once by the hub). Then
batches of at most `page` responses until the hub holds everything. A store the hub refuses
(409) is skipped for the rest of the push and named; the others go on. Every push writes its
minutes (UpstreamLog), which the health page shows. The token is never logged. No Flask here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

from sync_server.collect import upstream_health
from sync_server.collect.client import BadReply, KioskClient, Unreachable
from sync_server.collect.messages import Message, as_message, dumps, english, say
from sync_server.config import KioskEntry, ServerConfig
from sync_server.db import connection, write_transaction
from sync_server.db.models import UpstreamAck, UpstreamLog, utcnow
from sync_server.exc import Refused
from sync_server.upstream import outbox, photos_up

log = logging.getLogger(__name__)
PAGE = 2000  # responses per batch: about 2 MB, one transaction per store at the hub


class HubClient(KioskClient):
    """The kiosk client's timeouts, size limit and error words, talking to the hub; a reply of
    200 or 409 is returned with its status (a 409 names the refused store and seq)."""

    def __init__(self, config: ServerConfig, session: requests.Session | None = None) -> None:
        up = config.upstream
        assert up is not None
        super().__init__(KioskEntry(up.server_id, up.url, up.token), session,
                         connect_timeout_s=config.connect_timeout_s,
                         read_timeout_s=max(config.read_timeout_s, 60))  # the hub stores before it answers

    @staticmethod
    def _decode(method: str, path: str, r: requests.Response, raw: bytes) -> dict[str, Any]:
        if r.status_code == 401:
            raise Refused("token", say("the hub refused the token (401): check token in [upstream]"))
        if r.status_code in (200, 409):
            body = KioskClient._decode(method, path, _Ok(r), raw)
            return {**body, "_status": r.status_code}
        return KioskClient._decode(method, path, r, raw)


class _Ok:
    """A 409 decoded as a body, not raised as an error."""

    def __init__(self, r: requests.Response) -> None:
        self.status_code, self.headers = 200, r.headers


@dataclass
class PushResult:
    status: str = "error"  # ok | refused | unreachable | error
    sent: int = 0  # responses the hub acknowledged in this push
    backlog: int = 0  # responses it does not hold yet, after the push
    said: list[Message] = field(default_factory=list)

    def line(self) -> str:
        """One line for `hailong-server push --once` (English, as the journal keeps it)."""
        text = f"push: {self.status}, {self.sent} sent, {self.backlog} left"
        return text + (f"; {english(self.said)}" if self.said else "")


def _acks(body: dict[str, Any]) -> dict[str, int]:
    acks = body.get("acks")
    if not isinstance(acks, dict) or not all(isinstance(k, str) and isinstance(v, int)
                                             and not isinstance(v, bool) for k, v in acks.items()):
        raise BadReply(say("the hub's reply has no acks"))
    return acks


def _remember(acks: dict[str, int], now: datetime) -> None:
    with write_transaction():
        for store_id, seq in acks.items():
            UpstreamAck.insert(store_id=store_id, seq=seq, updated_at=now).on_conflict(
                conflict_target=[UpstreamAck.store_id],
                update={UpstreamAck.seq: seq, UpstreamAck.updated_at: now}).execute()


def _push(client: HubClient, config: ServerConfig, r: PushResult, acks: dict[str, int], page: int,
          now: Callable[[], datetime], cancel: threading.Event | None) -> None:
    assert config.upstream is not None
    acks.update(_acks(client.request("GET", "/upstream/status")))
    _remember(acks, now())
    refused: set[str] = set()
    photos: dict[str, str] | None = None  # the public photos the first batch carries
    for batch in outbox.batches(config.upstream.server_id, config.unit_name, acks, page, config.tz, refused):
        if cancel is not None and cancel.is_set():
            r.said.append(say("stopped (server shutting down); the next push goes on"))
            return
        if photos is None:
            roster, photos = photos_up.attach(batch["roster"], config.data_dir, now().date())
            batch = {**batch, "roster": roster}
        reply = client.request("POST", "/upstream/batch", json=batch)
        photos_up.remember(photos, now().date())  # the hub keeps the roster before any store
        photos = {}
        before = dict(acks)
        acks.update(_acks(reply))
        _remember(acks, now())
        r.sent += sum(max(0, acks.get(s, 0) - before.get(s, 0)) for s in acks)
        for item in reply.get("refused", []) if reply["_status"] == 409 else []:
            store = str(item.get("store_id", ""))[:64]
            refused.add(store)
            r.said.append(say("the hub refused store %(store)s at seq %(seq)s: %(problem)s", store=store,
                              seq=str(item.get("seq")), problem=str(item.get("message", ""))[:500]))
        sent = {s["store_id"] for s in batch["stores"]} - refused
        if any(acks.get(s, 0) <= before.get(s, 0) for s in sent):
            raise BadReply(say("the hub acknowledged nothing of a store it was sent; stopped"))
    r.status = "refused" if refused else "ok"


def push_once(config: ServerConfig, *, page: int = PAGE, now: Callable[[], datetime] = utcnow,
              session: requests.Session | None = None, cancel: threading.Event | None = None) -> PushResult:
    """Push until the hub holds everything (or fails); never raises for what the hub or the
    network does."""
    r = PushResult()
    acks: dict[str, int] = {}
    started = now()
    with connection():
        try:
            _push(HubClient(config, session), config, r, acks, page, now, cancel)
        except Unreachable as e:
            r.status = "unreachable"
            r.said.append(e.said)
        except Refused as e:
            r.status = "refused"
            r.said.append(as_message(e.message))
        except BadReply as e:
            r.status = "error"
            r.said.append(e.said)
        except Exception as e:  # a bug or database trouble: said, and the schedule goes on
            log.exception("pushing to the hub failed")
            r.status = "error"
            r.said.append(say("server error: %(e)s", e=f"{type(e).__name__}: {e}"))
        try:
            if not acks:  # the hub was not reached: the backlog by what it last said
                acks = {a.store_id: a.seq for a in UpstreamAck.select()}
            r.backlog = upstream_health.backlog(acks)
            with write_transaction():
                UpstreamLog.create(started_at=started, finished_at=now(), status=r.status, sent=r.sent,
                                   backlog=r.backlog, message=dumps(r.said))
        except Exception:
            log.exception("writing the push's minutes failed")
    log.info("%s", r.line())
    return r
