"""The server's config file (`/etc/hailong/server.toml`, DESIGN.md §3b), validated into a dataclass.

Every problem is one ConfigError line naming the file, the key and what is wrong; the CLI turns
it into exit status 2. The readers are shared with the kiosk (`kiosk.shared.configfile`).

Here [server], [unit], [alerts], [board], [reports], [dossier], [province] and the whole ServerConfig; the
tables with a job of their own in modules beside it: `qr` ([qr], the citizens' page) and
`machines` ([[kiosks]], [upstream], [[downstream]]). Their names are all importable from here.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.shared import portal, privacy
from kiosk.shared.configfile import ConfigError, Section, load_toml
from sync_server.config.machines import (
    MIN_TOKEN_LENGTH,
    QR_KIOSK_ID,
    DownstreamEntry,
    KioskEntry,
    UpstreamConfig,
    downstream_entries,
    kiosk_entry,
    upstream_config,
)
from sync_server.config.qr import QrConfig, qr_config
from sync_server.i18n import N_

DEFAULT_PATH = Path("/etc/hailong/server.toml")
DEFAULT_UNIT_NAME = "Trung tâm Phục vụ hành chính công"
DATABASE_URL_ENV = "DATABASE_URL"
# playhouse.db_url schemes the server is tested on (SQLite, PostgreSQL through psycopg2).
DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "postgres+pool", "postgresql+pool")
# Since 1 July 2025 there is no district level (huyện, quận, thị xã): nothing we print may name one.
_DISTRICT = re.compile(r"(?<!\w)(huyện|quận|thị xã)(?!\w)", re.IGNORECASE)


def district_word(text: str) -> str | None:
    """The district-level word a unit's name, superior or address still holds, or None."""
    m = _DISTRICT.search(unicodedata.normalize("NFC", text))
    return m.group(0) if m else None


DEFAULT_SIGNER = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"  # seed 004's words; the unit page's title is used instead

@dataclass(frozen=True)
class AlertRule:
    """The service-alert rule as configured ([alerts]); the detection is in
    sync_server.reports.service_alerts."""

    low_share: float = 0.5  # answers of 1–2 among all answers in the window
    window: timedelta = timedelta(minutes=15)
    min_responses: int = 4
    on_yes: bool = True  # a "yes" to a yes/no question (NĐ 118 Điều 33.1.e) is an alert of its own

    def describe(self, gettext: Callable[[str], str] = lambda text: text) -> str:
        text = gettext(N_("≥ %(share)s %% câu trả lời mức 1–2 trong %(minutes)s phút, "
                          "với ít nhất %(n)s lượt"))
        return text % {"share": f"{self.low_share * 100:.0f}", "n": self.min_responses,
                       "minutes": f"{self.window.total_seconds() / 60:.0f}"}

    def render(self, gettext: Callable[[str], str]) -> str:  # the `say` filter renders with this
        return self.describe(gettext)

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
    connect_timeout_s: float = 3.0  # a dead kiosk costs seconds, never minutes
    read_timeout_s: float = 15.0
    max_backoff_s: float = 600.0  # a kiosk that keeps failing is tried at least this often
    silent_alert_s: float = 3600.0  # no contact for longer than this: an alert on the dashboard
    clock_alert_s: float = 300.0  # a kiosk clock off by more than this: an alert
    satisfaction_definition: str = "survey"  # sync_server.reports.figures.DEFINITIONS; reports may switch
    report_place: str = ""  # the place name in an official report's date line ("Đại Lãnh, ngày …")
    report_superior: str = ""  # the body above the unit in the letterhead ("ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA")
    # [unit] the frame of a signed report (docs/reports.md, "The documents an office signs")
    report_to: str = ""  # "Kính gửi: …"; empty: no such line
    report_receivers: tuple[str, ...] = ()  # "Nơi nhận" lines, from `receivers = "a; b"`
    signer_authority: str = ""  # "TM. ỦY BAN NHÂN DÂN", "KT. GIÁM ĐỐC"
    signer_title: str = DEFAULT_SIGNER
    signer_name: str = ""
    service_alert_rule: AlertRule = AlertRule()  # [alerts]: a run of low scores for an officer or counter
    board_show_officers: bool = False  # [board]: the public results board names officers
    # [reports] min_visits: an officer with fewer visits in the period is marked and not ranked
    min_visits: int = 10
    qr: QrConfig = QrConfig()
    upstream: UpstreamConfig | None = None  # [upstream]: push to the province hub
    downstream: tuple[DownstreamEntry, ...] = ()  # [[downstream]]: this server is a hub for these
    privacy: dict = field(default_factory=dict)  # [privacy]: the QR page's notice (kiosk.shared.privacy)
    portal_invite: dict = field(default_factory=dict)  # [portal]: {} = off (kiosk.shared.portal)
    dossier_days: int = 90  # [dossier] days: codes kept this long, the rating stays (docs/privacy.md)
    # [province] (a hub): a commune that has not pushed for this many days is flagged silent and
    # not ranked (3: a commune PC is on every working day; a province may raise it over Tết) ...
    province_silent_days: int = 3
    # ... and one with fewer visits in the period is not ranked (100: a share known to about ±10 points)
    province_min_sample: int = 100

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "server.db"

    def kiosk(self, kiosk_id: str) -> KioskEntry | None:
        return next((k for k in self.kiosks if k.id == kiosk_id), None)


def _no_district(unit: Section, key: str) -> str:
    value = unit.string(key, "", nonempty=False)
    word = district_word(value)
    if word:
        raise unit.fail(key, f"names {word!r}: there is no district level since 1 July 2025 (NĐ 118/2025); "
                             "write the commune's People's Committee, e.g. \"UBND xã Đại Lãnh\"")
    return value


def check_database_url(url: str) -> str | None:
    """What is wrong with a database URL, or None. Never echoes the URL (it holds a password)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "must be empty (SQLite) or a URL such as postgresql://user:pass@host/db"
    if scheme not in DATABASE_SCHEMES:
        return f"unsupported scheme {scheme!r}: use postgresql://user:pass@host:5432/db or sqlite:///path"
    if not urlsplit(url).path.strip("/"):
        return "names no database: write postgresql://user:pass@host:5432/DBNAME"
    return None


def _database_url(path: Path, server: Section, environ: Mapping[str, str]) -> str:
    """DATABASE_URL in the environment wins over the file, so a password need not be written
    into server.toml."""
    from_env = environ.get(DATABASE_URL_ENV, "").strip()
    if from_env:
        problem = check_database_url(from_env)
        if problem:
            raise ConfigError(path, f"{DATABASE_URL_ENV} (environment)", problem)
        return from_env
    url = server.string("database_url", "", nonempty=False).strip()
    if url:
        problem = check_database_url(url)
        if problem:
            raise server.fail("database_url", problem)
    return url


def load(path: Path | str = DEFAULT_PATH, environ: Mapping[str, str] | None = None) -> ServerConfig:
    """Read and validate the server config; raise ConfigError naming file, key and problem."""
    path = Path(path)
    data = load_toml(path)
    server = Section(path, "server", data.get("server"))
    unit = Section(path, "unit", data.get("unit"), required=False)
    alerts = Section(path, "alerts", data.get("alerts"), required=False)
    board = Section(path, "board", data.get("board"), required=False)
    report_keys = Section(path, "reports", data.get("reports"), required=False)
    dossier_keys = Section(path, "dossier", data.get("dossier"), required=False)
    province_keys = Section(path, "province", data.get("province"), required=False)

    timezone = server.string("timezone", "Asia/Ho_Chi_Minh")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise server.fail("timezone", f"unknown time zone {timezone!r} (e.g. \"Asia/Ho_Chi_Minh\"; "
                                      "on Windows install the 'tzdata' package)") from None
    database_url = _database_url(path, server, os.environ if environ is None else environ)

    raw_kiosks = data.get("kiosks", [])
    if not isinstance(raw_kiosks, list):
        raise ConfigError(path, "kiosks", "must be an array of tables: write [[kiosks]]")
    seen: set[str] = set()
    kiosks = tuple(kiosk_entry(path, i, k, seen) for i, k in enumerate(raw_kiosks))

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
        connect_timeout_s=server.number("connect_timeout_s", 3, lo=0.1, hi=120),
        read_timeout_s=server.number("read_timeout_s", 15, lo=0.1, hi=600),
        max_backoff_s=server.number("max_backoff_s", 600, lo=1, hi=86400),
        silent_alert_s=server.number("silent_alert_minutes", 60, lo=1, hi=7 * 24 * 60) * 60,
        clock_alert_s=server.number("clock_alert_s", 300, lo=1, hi=86400),
        satisfaction_definition=server.choice("satisfaction_definition",
                                              ("survey", "not_dissatisfied", "three_level"), "survey"),
        report_place=_no_district(unit, "place"),
        report_superior=_no_district(unit, "superior"),
        report_to=unit.string("report_to", "", nonempty=False),
        report_receivers=tuple(r.strip() for r in unit.string("receivers", "", nonempty=False).split(";")
                               if r.strip()),
        signer_authority=unit.string("signer_authority", "", nonempty=False),
        signer_title=unit.string("signer_title", DEFAULT_SIGNER),
        signer_name=unit.string("signer_name", "", nonempty=False),
        service_alert_rule=AlertRule(
            low_share=alerts.number("low_share_pct", 50, lo=1, hi=100) / 100,
            window=timedelta(minutes=alerts.number("window_minutes", 15, lo=1, hi=24 * 60)),
            min_responses=alerts.integer("min_responses", 4, lo=1, hi=1000),
            on_yes=alerts.boolean("yes_alert", True)),
        board_show_officers=board.boolean("show_officers", False),
        min_visits=report_keys.integer("min_visits", 10, lo=1, hi=100_000),
        qr=qr_config(path, data.get("qr")),
        upstream=upstream_config(path, data.get("upstream")),
        downstream=downstream_entries(path, data.get("downstream", [])),
        privacy=privacy.from_config(Section(path, "privacy", data.get("privacy"), required=False)),
        portal_invite=portal.from_config(Section(path, "portal", data.get("portal"), required=False)),
        dossier_days=dossier_keys.integer("days", 90, lo=1, hi=3650),
        province_silent_days=province_keys.integer("silent_days", 3, lo=1, hi=90),
        province_min_sample=province_keys.integer("min_sample", 100, lo=1, hi=1_000_000),
    )


__all__ = ["ConfigError", "DownstreamEntry", "KioskEntry", "UpstreamConfig", "QrConfig", "ServerConfig",
           "load", "DEFAULT_PATH", "MIN_TOKEN_LENGTH", "QR_KIOSK_ID"]
