"""The machines a server talks to, as server.toml names them: the kiosks it pulls ([[kiosks]]), the
province hub it pushes to ([upstream]) and, at a hub, the commune servers that push to it
([[downstream]]). Every problem is one ConfigError line naming file, key and problem."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.shared.configfile import ConfigError, Section
from kiosk.shared.protocol import CODE_RE

MIN_TOKEN_LENGTH = 16
QR_KIOSK_ID = "qr"  # the virtual kiosk that QR page responses are stored under (sync_server.qr.views)


@dataclass(frozen=True)
class KioskEntry:
    id: str
    url: str  # without a trailing slash
    token: str


@dataclass(frozen=True)
class UpstreamConfig:
    """[upstream] in server.toml: this commune server pushes to the province hub (DESIGN.md §6)."""

    url: str  # the hub's base URL, without a trailing slash
    server_id: str  # this commune server's code at the hub
    token: str  # issued by the hub for this server_id; never logged
    interval_s: float = 300.0


@dataclass(frozen=True)
class DownstreamEntry:
    """A [[downstream]] table on the hub: a commune server allowed to push."""

    id: str
    name: str
    token: str


def kiosk_entry(path: Path, index: int, data: object, seen: set[str]) -> KioskEntry:
    table = Section(path, f"kiosks[{index}]", data)
    kiosk_id = table.string("id")
    if not CODE_RE.match(kiosk_id):
        raise table.fail("id", "use letters, digits, '.', '_' or '-' (at most 64), e.g. \"quay-1\"")
    if kiosk_id == QR_KIOSK_ID:
        raise table.fail("id", f"{QR_KIOSK_ID!r} is reserved for the server's QR page; choose another id")
    if kiosk_id in seen:
        raise table.fail("id", f"{kiosk_id!r} is used by another [[kiosks]] entry")
    seen.add(kiosk_id)
    url = table.string("url").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise table.fail("url", f"must be http://host:port or https://host:port, got {url!r}")
    token = table.string("token")
    if len(token) < MIN_TOKEN_LENGTH:
        raise table.fail("token", f"too short: use the kiosk's [api] token (at least "
                                  f"{MIN_TOKEN_LENGTH} characters)")
    return KioskEntry(id=kiosk_id, url=url, token=token)


def _url(table: Section, key: str) -> str:
    url = table.string(key).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise table.fail(key, f"must be http://host:port or https://host:port, got {url!r}")
    return url


def _token(table: Section, what: str) -> str:
    token = table.string("token")
    if len(token) < MIN_TOKEN_LENGTH or token != token.strip():
        raise table.fail("token", f"too short or padded with spaces: {what} (at least "
                                  f"{MIN_TOKEN_LENGTH} characters)")
    return token


def _code(table: Section, key: str) -> str:
    code = table.string(key)
    if not CODE_RE.match(code):
        raise table.fail(key, "use letters, digits, '.', '_' or '-' (at most 64), e.g. \"xa-dai-lanh\"")
    return code


def upstream_config(path: Path, data: object) -> UpstreamConfig | None:
    if data is None:
        return None
    table = Section(path, "upstream", data)
    return UpstreamConfig(url=_url(table, "url"), server_id=_code(table, "server_id"),
                          token=_token(table, "the token the hub issued for this server_id"),
                          interval_s=table.number("interval_s", 300, lo=5, hi=7 * 86400))


def downstream_entries(path: Path, raw: object) -> tuple[DownstreamEntry, ...]:
    if not isinstance(raw, list):
        raise ConfigError(path, "downstream", "must be an array of tables: write [[downstream]]")
    out: list[DownstreamEntry] = []
    for i, data in enumerate(raw):
        table = Section(path, f"downstream[{i}]", data)
        server_id = _code(table, "id")
        if any(d.id == server_id for d in out):
            raise table.fail("id", f"{server_id!r} is used by another [[downstream]] entry")
        token = _token(table, "a long random secret, one per commune server")
        if any(d.token == token for d in out):
            raise table.fail("token", "the same token as another [[downstream]] entry: each commune "
                                      "server needs its own")
        out.append(DownstreamEntry(id=server_id, name=table.string("name").strip(), token=token))
    return tuple(out)
