"""The server's config file (`/etc/hailong/server.toml`, DESIGN.md §3b), validated into a dataclass.

Every problem is one ConfigError line naming the file, the key and what is wrong; the CLI turns
it into exit status 2. The readers are shared with the kiosk (`kiosk.shared.configfile`).
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

from kiosk.shared import dossier, portal, privacy
from kiosk.shared.configfile import ConfigError, Section, load_toml
from kiosk.shared.protocol import CODE_RE
from sync_server.i18n import N_

DEFAULT_PATH = Path("/etc/hailong/server.toml")
DEFAULT_UNIT_NAME = "Trung tâm Phục vụ hành chính công"
MIN_TOKEN_LENGTH = 16
DATABASE_URL_ENV = "DATABASE_URL"
# playhouse.db_url schemes the server is tested on (SQLite, PostgreSQL through psycopg2).
DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "postgres+pool", "postgresql+pool")
QR_KIOSK_ID = "qr"  # the virtual kiosk that QR page responses are stored under (sync_server.qr.views)
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


@dataclass(frozen=True)
class QrConfig:
    """[qr] in server.toml: the citizens' QR page (sync_server.qr.views)."""

    ask_name: bool = False  # an optional name field, only when the unit turns it on (seed 003)
    wifi_name: str = ""  # printed on the posters
    public_url: str = ""  # how phones reach the server, e.g. http://192.168.1.10:5000; "" = as asked
    one_time: bool = False  # every response needs a single-use ticket (kiosk thanks screen, printed)
    per_device: int = 1  # responses per device cookie per officer (or counter) within the window
    per_ip: int = 3  # the same per IP address: a phone that drops its cookie is still limited
    window_minutes: float = 10.0
    kiosk_ticket_hours: float = 2.0  # how long a ticket from a kiosk's thanks screen stays valid
    printed_ticket_days: float = 30.0  # how long a ticket printed by staff stays valid
    kiosk_qr: bool = False  # put the QR page's address in each kiosk's roster (its thanks screen)
    # The unit's complaint channel, shown on the QR page's thanks page (seed 001: feedback
    # channels are public); "" = not shown.
    complaint_phone: str = ""
    complaint_address: str = ""
    ask_phone: bool = False  # an optional phone number field, the same way
    # Name and phone are taken only with the consent box ticked, for this purpose, and purged
    # after contact_days (docs/privacy.md).
    contact_purpose: str = "để liên hệ lại khi cần làm rõ ý kiến của Ông/Bà"
    contact_purpose_en: str = "to contact you if your opinion needs making clear"
    contact_days: int = 90
    # The optional dossier code field (mã hồ sơ, docs/privacy.md): off by default; the format as
    # the kiosk's [dossier] pattern (kiosk.shared.dossier).
    ask_dossier: bool = False
    dossier_pattern: str = dossier.DEFAULT_PATTERN


_PHONE = re.compile(r"^\+?[0-9][0-9 .()-]{1,23}$")


def _complaint(qr: Section) -> tuple[str, str]:
    phone = " ".join(qr.string("complaint_phone", "", nonempty=False).split())
    if phone and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 3):
        raise qr.fail("complaint_phone", f"must be a phone number (digits, spaces, + . - ( )), got {phone!r}")
    address = qr.string("complaint_address", "", nonempty=False).strip()
    if "\n" in address or len(address) > 200:
        raise qr.fail("complaint_address", "one line of at most 200 characters")
    return phone, address


def _qr(path: Path, data: object) -> QrConfig:
    qr = Section(path, "qr", data, required=False)
    public_url = qr.string("public_url", "", nonempty=False).strip().rstrip("/")
    if public_url:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
            raise qr.fail("public_url", f"must be http://host:port (what phones on the office Wi-Fi "
                                        f"reach), got {public_url!r}")
    wifi = qr.string("wifi_name", "", nonempty=False).strip()
    if len(wifi) > 64:
        raise qr.fail("wifi_name", "at most 64 characters")
    complaint = _complaint(qr)
    purpose = {key: " ".join(qr.string(key, getattr(QrConfig, key)).split())
               for key in ("contact_purpose", "contact_purpose_en")}
    for key, text in purpose.items():
        if len(text) > 200:
            raise qr.fail(key, "at most 200 characters")
    pattern = qr.string("dossier_pattern", dossier.DEFAULT_PATTERN)
    try:
        dossier.compile_pattern(pattern)
    except re.error as e:
        raise qr.fail("dossier_pattern", f"is not a regular expression: {e}") from None
    config = QrConfig(
        ask_dossier=qr.boolean("ask_dossier", False),
        dossier_pattern=pattern,
        ask_name=qr.boolean("ask_name", False),
        ask_phone=qr.boolean("ask_phone", False),
        contact_purpose=purpose["contact_purpose"],
        contact_purpose_en=purpose["contact_purpose_en"],
        contact_days=qr.integer("contact_days", 90, lo=1, hi=3650),
        wifi_name=wifi,
        public_url=public_url,
        one_time=qr.boolean("one_time", False),
        per_device=qr.integer("per_device", 1, lo=1, hi=1000),
        per_ip=qr.integer("per_ip", 3, lo=1, hi=10000),
        window_minutes=qr.number("window_minutes", 10, lo=0, hi=7 * 24 * 60),
        kiosk_ticket_hours=qr.number("kiosk_ticket_hours", 2, lo=0.05, hi=24 * 31),
        printed_ticket_days=qr.number("printed_ticket_days", 30, lo=0.01, hi=366),
        kiosk_qr=qr.boolean("kiosk_qr", False),
        complaint_phone=complaint[0],
        complaint_address=complaint[1],
    )
    if config.kiosk_qr and not public_url:
        raise qr.fail("kiosk_qr", "needs public_url: the kiosk must know the address phones reach")
    return config


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


def _upstream(path: Path, data: object) -> UpstreamConfig | None:
    if data is None:
        return None
    table = Section(path, "upstream", data)
    return UpstreamConfig(url=_url(table, "url"), server_id=_code(table, "server_id"),
                          token=_token(table, "the token the hub issued for this server_id"),
                          interval_s=table.number("interval_s", 300, lo=5, hi=7 * 86400))


def _downstream(path: Path, raw: object) -> tuple[DownstreamEntry, ...]:
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
        qr=_qr(path, data.get("qr")),
        upstream=_upstream(path, data.get("upstream")),
        downstream=_downstream(path, data.get("downstream", [])),
        privacy=privacy.from_config(Section(path, "privacy", data.get("privacy"), required=False)),
        portal_invite=portal.from_config(Section(path, "portal", data.get("portal"), required=False)),
        dossier_days=dossier_keys.integer("days", 90, lo=1, hi=3650),
    )


__all__ = ["ConfigError", "DownstreamEntry", "KioskEntry", "UpstreamConfig", "QrConfig", "ServerConfig",
           "load", "DEFAULT_PATH"]
