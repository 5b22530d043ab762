"""The server's config file (`/etc/hailong/server.toml`, DESIGN.md §3b), validated into a dataclass.

Every problem is one ConfigError line naming the file, the key and what is wrong; the CLI turns
it into exit status 2. The readers are shared with the kiosk (`kiosk.configfile`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.configfile import ConfigError, Section, load_toml

DEFAULT_PATH = Path("/etc/hailong/server.toml")
DEFAULT_UNIT_NAME = "UBND xã"
MIN_TOKEN_LENGTH = 16
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class KioskEntry:
    id: str
    url: str  # without a trailing slash
    token: str


@dataclass(frozen=True)
class ServerConfig:
    path: Path
    data_dir: Path
    database_url: str  # "" = SQLite under data_dir
    host: str
    port: int
    pull_interval_s: float
    timezone: str
    satisfaction_target: float  # a fraction, 0.9 = 90 %
    unit_name: str
    kiosks: tuple[KioskEntry, ...]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "server.db"

    def kiosk(self, kiosk_id: str) -> KioskEntry | None:
        return next((k for k in self.kiosks if k.id == kiosk_id), None)


def _kiosk(path: Path, index: int, data: object, seen: set[str]) -> KioskEntry:
    table = Section(path, f"kiosks[{index}]", data)
    kiosk_id = table.string("id")
    if not _CODE.match(kiosk_id):
        raise table.fail("id", "use letters, digits, '.', '_' or '-' (at most 64), e.g. \"quay-1\"")
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


def load(path: Path | str = DEFAULT_PATH) -> ServerConfig:
    """Read and validate the server config; raise ConfigError naming file, key and problem."""
    path = Path(path)
    data = load_toml(path)
    server = Section(path, "server", data.get("server"))
    unit = Section(path, "unit", data.get("unit"), required=False)

    timezone = server.string("timezone", "Asia/Ho_Chi_Minh")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise server.fail("timezone", f"unknown time zone {timezone!r} (e.g. \"Asia/Ho_Chi_Minh\"; "
                                      "on Windows install the 'tzdata' package)") from None
    database_url = server.string("database_url", "", nonempty=False).strip()
    if database_url and "://" not in database_url:
        raise server.fail("database_url", "must be empty (SQLite) or a URL such as "
                                          "postgresql://user:pass@host/db")

    raw_kiosks = data.get("kiosks", [])
    if not isinstance(raw_kiosks, list):
        raise ConfigError(path, "kiosks", "must be an array of tables: write [[kiosks]]")
    seen: set[str] = set()
    kiosks = tuple(_kiosk(path, i, k, seen) for i, k in enumerate(raw_kiosks))

    return ServerConfig(
        path=path,
        data_dir=Path(server.string("data_dir")),
        database_url=database_url,
        host=server.string("host", "0.0.0.0"),
        port=server.integer("port", 5000, lo=1, hi=65535),
        pull_interval_s=server.number("pull_interval_s", 30, lo=1, hi=86400),
        timezone=timezone,
        satisfaction_target=server.number("satisfaction_target", 0.9, lo=0, hi=1),
        unit_name=unit.string("name", DEFAULT_UNIT_NAME),
        kiosks=kiosks,
    )


__all__ = ["ConfigError", "KioskEntry", "ServerConfig", "load", "DEFAULT_PATH"]
