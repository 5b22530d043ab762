"""A commune server's pairing code for the province hub (docs/hub.md "Enrol a commune").

The same one-string code as a kiosk's (kiosk.shared.pairing: `hl1-` and base32 of id, address,
token and a checksum), here holding the commune's server_id, the hub's URL and its token. The
hub's enrolment page shows it once, beside the [upstream] table; on the commune's PC,
`hailong-server pair-hub CODE` reads it, asks the hub's status with that token (so a mistyped or
revoked code is said before anything is written) and prints — or with --write adds — the
[upstream] table. No Flask here.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import requests

from kiosk.shared.exc import ConfigError
from kiosk.shared.pairing import Pairing, decode, encode
from sync_server.config import ServerConfig, UpstreamConfig, load
from sync_server.upstream.push import HubClient

INTERVAL_S = 300


def code_for(hub_url: str, server_id: str, token: str) -> str:
    return encode(Pairing(server_id, hub_url.rstrip("/"), token))


def table(p: Pairing, interval_s: int = INTERVAL_S) -> str:
    """The [upstream] table for server.toml (TOML basic strings: JSON's escapes)."""
    return (f"[upstream]\nurl = {json.dumps(p.url)}\nserver_id = {json.dumps(p.kiosk_id)}\n"
            f"token = {json.dumps(p.token)}\ninterval_s = {interval_s}\n")


def check(config: ServerConfig, p: Pairing, session: requests.Session | None = None) -> int:
    """Ask the hub's status with the code's token; the number of stores it holds for this
    server_id. Refused (401: a wrong or revoked token), Unreachable or BadReply otherwise."""
    up = UpstreamConfig(p.url, p.kiosk_id, p.token)
    reply = HubClient(dataclasses.replace(config, upstream=up), session).request("GET", "/upstream/status")
    acks = reply.get("acks")
    return len(acks) if isinstance(acks, dict) else 0


def pair(config: ServerConfig, code: str, *, write: bool,
         session: requests.Session | None = None) -> tuple[Pairing, int, str]:
    """Read the code, check it with the hub, and (write) add the table to server.toml, which must
    not have one yet. PairingError for a bad code, ConfigError for a config that has [upstream]."""
    p = decode(code)
    if write and config.upstream is not None:
        raise ConfigError(config.path, "[upstream]", f"already there (server_id "
                          f"{config.upstream.server_id!r}); edit it by hand to change hubs")
    held = check(config, p, session)
    text = table(p)
    if write:
        path = Path(config.path)
        before = path.read_text(encoding="utf-8")
        path.write_text(before + ("" if before.endswith("\n") or not before else "\n") + "\n" + text,
                        encoding="utf-8")
        try:
            load(path)  # the file as it is now must still load
        except ConfigError:
            path.write_text(before, encoding="utf-8")
            raise
    return p, held, text
