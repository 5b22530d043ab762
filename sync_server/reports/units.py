"""At a province hub, the reports of one commune (DESIGN.md §6, docs/hub.md "Reports"): a
commune's officers, procedures, fields and counters are known as (server_id, code), so an officer
`nv-lan` at one commune is never added to `nv-lan` at another. Groupings by those are always read
within one unit — a commune server's `server_id`, or '' for the hub's own kiosks — and named from
that commune's roster snapshot (sync_server.upstream.snapshot). No Flask here.
"""

from __future__ import annotations

from sync_server.config import ServerConfig
from sync_server.db.models import Downstream, DownstreamRoster

# The groupings whose codes belong to one commune: read within one unit at a hub.
SCOPED = ("officer", "procedure", "field", "kiosk")


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
    return {code: name or code for code, name in query.tuples()}

