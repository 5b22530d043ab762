"""Service alerts: a run of low scores for one officer or one counter, while it is happening.

The rule (issue 5, configurable under [alerts] in server.toml): within any window of 15 minutes,
at least 4 responses, and at least 50 % of their answers scored 1 or 2. Overlapping windows that
trip the rule are one incident. Each incident becomes one `ServiceAlert` row, which staff
acknowledge with a comment (audited); the rating data are never touched.

`incidents()` is pure. `scan_*()` read the responses that just arrived, reload what surrounds
them for each officer and counter they name, and merge the incidents found into the table:
scanning the same responses twice changes nothing (a re-pulled page, a restart).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sync_server.accounts import audit
from sync_server.config import QR_KIOSK_ID, AlertRule
from sync_server.db import database, write_transaction
from sync_server.db.models import Counter, Kiosk, Response, ServiceAlert
from sync_server.exc import InputError
from sync_server.reports import alert_window, yes_no
from sync_server.roster.names import officer_names

SUBJECTS = ("officer", "kiosk")
# Not a counter: every QR response is stored under the server's virtual kiosk "qr"
# (sync_server.qr.store), whatever counter its code named; its runs count for the officer only.
NOT_COUNTERS = {QR_KIOSK_ID}
MAX_COMMENT = 1000


@dataclass(frozen=True)
class Rated:
    """One response as the rule sees it: when, how many answers, how many of them 1 or 2."""

    at: datetime
    answers: int
    low: int


@dataclass(frozen=True)
class Incident:
    start: datetime  # the first response of the first window that tripped
    end: datetime  # the last response of the last one
    responses: int
    answers: int
    low: int


def incidents(rows: Sequence[Rated], rule: AlertRule) -> list[Incident]:
    """The incidents in `rows` (sorted by time). A window ends at each response and holds those
    less than `rule.window` before it; windows that trip and overlap are merged."""
    if rule.low_share > 0:
        # A window that trips holds a response with a low score: only those from one window
        # before the first such response to one window after the last can be in an incident. The
        # windows of the rest hold no low score (an hour of 5s under load is thousands of rows).
        first_low = next((i for i, r in enumerate(rows) if r.low), None)
        if first_low is None:
            return []
        last_low = len(rows) - 1 - next(i for i, r in enumerate(reversed(rows)) if r.low)
        start = bisect_right(rows, rows[first_low].at - rule.window, hi=first_low, key=_at)
        end = bisect_left(rows, rows[last_low].at + rule.window, lo=last_low, key=_at)
        rows = rows[start:end]
    spans: list[list[int]] = []  # [first index, last index] of each incident
    answers = low = 0
    first = 0
    for i, r in enumerate(rows):
        answers, low = answers + r.answers, low + r.low
        while rows[first].at <= r.at - rule.window:
            answers, low = answers - rows[first].answers, low - rows[first].low
            first += 1
        tripped = (i - first + 1 >= rule.min_responses and answers > 0
                   and low >= rule.low_share * answers)
        if not tripped:
            continue
        if spans and first <= spans[-1][1]:
            spans[-1][1] = i
        else:
            spans.append([first, i])
    out = []
    for a, b in spans:
        chunk = rows[a:b + 1]
        out.append(Incident(chunk[0].at, chunk[-1].at, len(chunk), sum(r.answers for r in chunk),
                            sum(r.low for r in chunk)))
    return out


def _at(r: Rated) -> datetime:
    return r.at


def _as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


# Each response of some officers and counters in a range of days, with its count of answers and
# of answers scored 1–2, counted by the database: one query for every subject of a scan.
_ROWS_SQL = ('SELECT r."officer", r."kiosk_id", r."recorded_utc", r."corrected_utc", COUNT(a."id"), '
             'COALESCE(SUM(CASE WHEN a."score" <= 2 THEN 1 ELSE 0 END), 0) '
             'FROM "response" r LEFT JOIN "answer" a ON a."response_id" = r."id" '
             'WHERE ({which}) AND NOT r."excluded" AND r."local_date" >= {p} AND r."local_date" <= {p} '
             'GROUP BY r."id", r."officer", r."kiosk_id", r."recorded_utc", r."corrected_utc"')

Spans = dict[tuple[str, str], tuple[datetime, datetime]]  # (kind, code) -> (from, to)


def _rows_by_subject(spans: Spans, now: datetime | None = None, keep: timedelta | None = None,
                     rule: AlertRule | None = None) -> dict[tuple[str, str], list[Rated]]:
    """{(kind, code): its responses within its span, sorted by time}: from the copy of the recent
    ones this process keeps (alert_window) when it can answer, else from the database. With a
    `rule` that needs a low score, the copy hands over only the rows `incidents` looks at."""
    if now is not None and keep is not None:
        window = rule.window if rule is not None and rule.low_share > 0 else None
        held = alert_window.rows(spans, now, keep, Rated, window)
        if held is not None:
            return held
    return _rows_from_database(spans)


def _keep(rule: AlertRule) -> timedelta:
    """How far back the copy reaches: a scan of the QR page's newest response reaches one window
    back, a pulled page a little further (a kiosk pulled every few minutes)."""
    return 2 * rule.window + timedelta(hours=2)


def _rows_from_database(spans: Spans) -> dict[tuple[str, str], list[Rated]]:
    db = database.obj
    codes = {kind: [code for k, code in spans if k == kind] for kind in SUBJECTS}
    which, params = [], []
    for kind, column in (("officer", "officer"), ("kiosk", "kiosk_id")):
        if codes[kind]:
            which.append(f'r."{column}" IN ({", ".join([db.param] * len(codes[kind]))})')
            params.extend(codes[kind])
    # local_date is the day in the unit's time zone; a day either side covers any offset.
    first = min(lo for lo, _hi in spans.values()) - timedelta(days=1)
    last = max(hi for _lo, hi in spans.values()) + timedelta(days=1)
    sql = _ROWS_SQL.format(which=" OR ".join(which), p=db.param)
    out: dict[tuple[str, str], list[Rated]] = {key: [] for key in spans}
    from_text = datetime.fromisoformat
    for officer, kiosk_id, recorded, corrected, answers, low in db.execute_sql(
            sql, (*params, first.date().isoformat(), last.date().isoformat())):
        at = corrected or recorded
        if type(at) is str:  # SQLite hands back text; PostgreSQL a datetime
            at = from_text(at)
        for key in (("officer", officer), ("kiosk", kiosk_id)):
            span = spans.get(key)  # type: ignore[arg-type]
            if span is not None and span[0] <= at <= span[1]:
                out[key].append(Rated(at, answers, low))  # type: ignore[index]
    for rows in out.values():
        rows.sort(key=lambda r: r.at)
    return out


def _merge(kind: str, code: str, found: Incident, stored: list[ServiceAlert], now: datetime) -> bool:
    """Store `found`, or widen the stored incident it overlaps (`stored`: this subject's alerts
    around the scan, kept up to date here); True if a new alert was made. An acknowledged alert
    is never changed: if the run went on after it, that is a new alert."""
    overlapping = [a for a in stored if a.started_utc <= found.end and a.ended_utc >= found.start]
    existing = max(overlapping, key=lambda a: a.id) if overlapping else None
    if existing is not None and existing.acknowledged_at is not None and found.end <= existing.ended_utc:
        return False
    if existing is None or existing.acknowledged_at is not None:
        stored.append(ServiceAlert.create(
            subject_kind=kind, subject=code, started_utc=found.start, ended_utc=found.end,
            responses=found.responses, answers=found.answers, low=found.low, created_at=now))
        return True
    if (found.start, found.end) != (existing.started_utc, existing.ended_utc):
        # A later pull brought more of the same run (or an earlier part of it): the stored one grows.
        existing.started_utc = min(existing.started_utc, found.start)
        existing.ended_utc = max(existing.ended_utc, found.end)
        existing.responses = max(existing.responses, found.responses)
        existing.answers = max(existing.answers, found.answers)
        existing.low = max(existing.low, found.low)
        existing.updated_at = now
        existing.save()
    return False


def scan(new: Iterable[tuple[str | None, str, datetime]], rule: AlertRule, now: datetime) -> int:
    """`new`: (officer, kiosk_id, time) of responses just stored. Returns the alerts created.
    Call inside a write transaction."""
    spans: Spans = {}
    for officer, kiosk_id, at in new:
        for key in (("officer", officer), ("kiosk", kiosk_id)):
            if key[1] and not (key[0] == "kiosk" and key[1] in NOT_COUNTERS):
                lo, hi = spans.get(key, (at, at))  # type: ignore[arg-type]
                spans[key] = (min(lo, at), max(hi, at))  # type: ignore[index]
    if not spans:
        return 0
    widened = {key: (lo - rule.window, hi + rule.window) for key, (lo, hi) in spans.items()}
    created = 0
    for (kind, code), rows in _rows_by_subject(widened, now, _keep(rule), rule).items():
        found_all = incidents(rows, rule)
        if not found_all:
            continue
        lo, hi = widened[(kind, code)]
        stored = list(ServiceAlert.select().where(
            (ServiceAlert.subject_kind == kind) & (ServiceAlert.subject == code)
            & (ServiceAlert.reason == "low")  # a "yes" on a yes/no question is no run (reports.yes_no)
            & (ServiceAlert.started_utc <= hi) & (ServiceAlert.ended_utc >= lo)))
        for found in found_all:  # merging is idempotent: incidents already stored change nothing
            created += _merge(kind, code, found, stored, now)
    return created


def scan_page(store_id: str, first_seq: int, last_seq: int, rule: AlertRule, now: datetime) -> int:
    """Scan the responses of one pulled page range (store_id, seq first..last)."""
    return _scan_where((Response.store_id == store_id) & Response.seq.between(first_seq, last_seq), rule, now)


def scan_since(start: datetime, rule: AlertRule, now: datetime) -> int:
    """Scan everything received since `start` (catch-up at start, `hailong-server scan-alerts`)."""
    return _scan_where(Response.received_at >= start, rule, now)


def scan_response(response_id: int, rule: AlertRule, now: datetime) -> int:
    """Scan one response just stored (the QR page)."""
    return _scan_where(Response.id == response_id, rule, now)


def _scan_where(condition, rule: AlertRule, now: datetime) -> int:
    # The times as the driver gives them (text on SQLite): converting 100,000 of them through
    # peewee costs more than the scan itself.
    query = (Response.select(Response.officer, Response.kiosk_id, Response.recorded_utc,
                             Response.corrected_utc)
             .where(condition & ~Response.excluded))
    cursor = database.execute(query)
    return scan([(o, k, _as_datetime(c or r)) for o, k, r, c in cursor], rule, now)


def acknowledge(alert_id: int, comment: str, actor: str, now: datetime, role: str | None = None,
                ip: str | None = None) -> ServiceAlert:
    """Mark an alert seen, with what was done about it; audited in the same transaction."""
    comment = " ".join((comment or "").split())
    if not comment:
        raise InputError("Hãy ghi nhận xét: đã làm gì, hoặc vì sao không cần làm gì.")
    if len(comment) > MAX_COMMENT:
        raise InputError("Nhận xét dài quá %(n)s ký tự.", {"n": MAX_COMMENT})
    with write_transaction():
        alert = ServiceAlert.get_or_none(ServiceAlert.id == alert_id)
        if alert is None:
            raise InputError("Không có cảnh báo này.")
        if alert.acknowledged_at is not None:
            raise InputError("Cảnh báo này đã được ghi nhận.")
        ServiceAlert.update(acknowledged_by=actor, acknowledged_at=now, comment=comment).where(
            ServiceAlert.id == alert_id).execute()
        audit.record(actor, "service_alert.acknowledge", f"service_alert:{alert_id}",
                     {"subject": f"{alert.subject_kind}:{alert.subject}", "comment": comment},
                     role=role, ip=ip)
    return ServiceAlert.get_by_id(alert_id)


def open_alerts(limit: int = 50) -> list[ServiceAlert]:
    return list(ServiceAlert.select().where(ServiceAlert.acknowledged_at.is_null())
                .order_by(ServiceAlert.ended_utc.desc()).limit(limit))


def subject_names() -> dict[tuple[str, str], str]:
    names = {("officer", code): name for code, name in officer_names().items()}
    names.update({("kiosk", k.id): k.id for k in Kiosk.select(Kiosk.id)})
    # A kiosk standing at a counter goes by the counter's name, as staff know it.
    names.update({("kiosk", c.kiosk_id): f"{c.name} ({c.kiosk_id})"
                  for c in Counter.select(Counter.name, Counter.kiosk_id) if c.kiosk_id})
    return names


def dashboard_alerts(rule: AlertRule) -> dict[str, Any]:
    """What the dashboard's include (reports/_service_alerts.html) needs."""
    return {"service_open": open_alerts(limit=10), "service_names": subject_names(),
            "service_rule": rule, "service_questions": yes_no.question_texts()}
