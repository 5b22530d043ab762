"""The push to the province hub, for the kiosk health page (DESIGN.md §6): last push and its
result, what the hub does not hold yet, the last refusal and its reason. The push writes the rows
(sync_server.upstream.push), this reads them; the backlog is counted here for both. No Flask here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sync_server.config import ServerConfig
from sync_server.db.models import Epoch, UpstreamAck, UpstreamLog


def backlog(acks: dict[str, int]) -> int:
    """Responses of this server's own stores that the hub does not hold, by its acknowledgements."""
    query = Epoch.select(Epoch.store_id, Epoch.last_seq).where(Epoch.unit == "")
    return sum(max(0, last - acks.get(store_id, 0)) for store_id, last in query.tuples())


@dataclass(frozen=True)
class Upstream:
    url: str
    server_id: str
    interval_s: float
    backlog: int
    last: UpstreamLog | None  # the last push
    last_ok_at: datetime | None
    last_refusal: UpstreamLog | None  # the last push the hub refused something of


def health(config: ServerConfig) -> Upstream | None:
    up = config.upstream
    if up is None:
        return None
    last = UpstreamLog.select().order_by(UpstreamLog.id.desc()).first()
    ok = (UpstreamLog.select().where(UpstreamLog.status == "ok").order_by(UpstreamLog.id.desc()).first())
    refused = (UpstreamLog.select().where(UpstreamLog.status == "refused")
               .order_by(UpstreamLog.id.desc()).first())
    acks = {a.store_id: a.seq for a in UpstreamAck.select()}
    return Upstream(up.url, up.server_id, up.interval_s, backlog(acks), last,
                    ok.finished_at if ok else None, refused)
