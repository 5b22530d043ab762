"""The demo's sample month: about a month of ratings written into the demo kiosk's own store.

SAMPLE DATA, for `make demo` only (deploy/demo.py runs it on the first start of a new var/,
before the kiosk starts). It lives here, with the demo, and not in `kiosk` or `sync_server`:
neither `hailong-kiosk` nor `hailong-server` can run it, so a real install never holds it.

Every rating goes through the kiosk's own storage code (`kiosk.store.Store.append`), sealed onto
the hash chain exactly as a press is; only the three time readings a press takes from the
machine's clock are those of the sample's moment instead: `recorded_at` (Vietnam time, +07:00),
`boot_id` (one per sample day: the kiosk is switched on each morning) and `uptime_ms` (since that
morning's boot). The server then pulls the store as it pulls any kiosk: nothing there knows.

What the month looks like (a plan a test can count independently, `plan()`):
- the 30 days before today, Monday–Friday 7:30–11:30 and 13:30–17:00, Saturday 7:30–11:30;
- the demo's counter kiosk `quay-1` has one officer on duty; in the sample the six demo officers
  take turns at that counter, a day each, and the citizen names one of the officer's procedures
  (every demo procedure comes up; now and then the citizen skips that step);
- mostly 4 and 5, some 3, a few 1 and 2, and one afternoon of complaints at the land desk
  that trips the service alert (sync_server.reports.service_alerts: 4 answers in 15 minutes,
  at least half of them 1 or 2);
- the single overall question of the demo roster (it has no yes/no or multi-question form);
  touch mostly, the keypad sometimes.
The reception point Vạn Thọ has no kiosk in the demo: its ratings come from the QR page, which
deploy/demo.py fills the way a citizen's phone does, over HTTP, once the server is up (`qr_rate`).
"""

from __future__ import annotations

import http.cookiejar
import random
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

from kiosk.shared.protocol import BUILTIN_QUESTIONNAIRE
from kiosk.store import Store
from sync_server.ops.demo_data import OFFICERS, PROCEDURES

VN = timezone(timedelta(hours=7), "ICT")
DAYS = 30
SEED = 2026  # the same month (relative to today) on every machine
MORNING, AFTERNOON = (time(7, 30), time(11, 30)), (time(13, 30), time(17, 0))
# Each officer's usual scores (weights of 1..5): a spread the reports can tell apart.
WEIGHTS = {
    "nv-lan": (1, 1, 4, 30, 64),
    "nv-hung": (1, 2, 7, 40, 50),
    "nv-minh": (4, 6, 15, 40, 35),
    "nv-hoa": (1, 1, 5, 33, 60),
    "nv-tuan": (2, 3, 10, 40, 45),
    "nv-mai": (1, 2, 6, 36, 55),
}
COMPLAINTS = ("nv-minh", (2, 1, 3, 2, 4))  # the alert's run: five citizens within 15 minutes
QR_RATINGS = (("vt-1", "nv-tuan", 5), ("vt-1", "nv-mai", 4), ("vt-1", "nv-tuan", 4))


@dataclass(frozen=True)
class Rating:
    """One sample press: who, what, when, and the clock readings a press takes."""

    at: datetime  # aware, Vietnam time
    officer: str
    procedure: str | None
    score: int
    channel: str
    boot_id: str
    uptime_ms: int

    def fields(self) -> dict[str, Any]:
        """The fields kiosk.controller hands to Store.append for such a press, plus the clock's."""
        q = BUILTIN_QUESTIONNAIRE
        return {"officer": self.officer, "procedure": self.procedure, "questionnaire": q["id"],
                "questionnaire_version": int(q["version"]),
                "answers": {q["questions"][0]["code"]: self.score},
                "reasons": [], "channel": self.channel, "partial": False, "flags": [],
                "recorded_at": self.at.isoformat(timespec="milliseconds"),
                "boot_id": self.boot_id, "uptime_ms": self.uptime_ms}


def _working_spans(day: date) -> list[tuple[time, time]]:
    if day.weekday() < 5:
        return [MORNING, AFTERNOON]
    return [MORNING] if day.weekday() == 5 else []


def _procedures_of(officer_fields: list[str]) -> list[str]:
    return [code for code, _name, field in PROCEDURES if field in officer_fields]


def plan(today: date) -> list[Rating]:
    """The sample month before `today`, oldest first; the same for the same `today`."""
    rng = random.Random(f"{SEED}-{today.isoformat()}")
    officers = [(code, _procedures_of(fields)) for code, _n, _t, fields in OFFICERS]
    turns = {code: 0 for code, _ in officers}  # each officer's procedures in turn: all come up
    days = [today - timedelta(days=n) for n in range(DAYS, 0, -1)]
    working = [d for d in days if _working_spans(d)]
    # A day each in turn, shifted every six days: with six working days a week a plain turn
    # would give each officer the same weekday (one of them every Saturday, mornings only).
    on_duty = [officers[(i + i // len(officers)) % len(officers)] for i in range(len(working))]
    complaint_day = next(d for d, (code, _) in zip(reversed(working), reversed(on_duty), strict=True)
                         if d.weekday() < 5 and code == COMPLAINTS[0])
    out: list[Rating] = []
    for day, (officer, procedures) in zip(working, on_duty, strict=True):
        boot = datetime.combine(day, time(7, 10), VN) + timedelta(seconds=rng.randrange(600))
        boot_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        moments: list[datetime] = []
        for start, end in _working_spans(day):
            first, last = datetime.combine(day, start, VN), datetime.combine(day, end, VN)
            span = int((last - first).total_seconds())
            moments += [first + timedelta(seconds=rng.randrange(span), milliseconds=rng.randrange(1000))
                        for _ in range(rng.randint(5, 9))]
        scores = [rng.choices(range(1, 6), WEIGHTS[officer])[0] for _ in moments]
        if day == complaint_day:  # nobody else rates during the run: it trips the rule as planned
            run_start = datetime.combine(day, time(15, 0), VN)
            kept = [k for k, at in enumerate(moments)
                    if not run_start - timedelta(minutes=20) <= at <= run_start + timedelta(minutes=35)]
            moments, scores = [moments[k] for k in kept], [scores[k] for k in kept]
            moments += [run_start + timedelta(minutes=3 * k) for k in range(len(COMPLAINTS[1]))]
            scores += list(COMPLAINTS[1])
        for at, score in sorted(zip(moments, scores, strict=True)):
            procedure = None
            if rng.random() >= 0.06:  # now and then the citizen skips the procedure step
                procedure = procedures[turns[officer] % len(procedures)]
                turns[officer] += 1
            channel = "keypad" if rng.random() < 0.15 else "touch"
            out.append(Rating(at, officer, procedure, score, channel, boot_id,
                              (at - boot) // timedelta(milliseconds=1)))
    return out


def today() -> date:
    """Today in Vietnam, whatever this machine's time zone: the sample's days are Vietnam's."""
    return datetime.now(VN).date()


def fill(store: Store, today: date) -> int:
    """Append the sample month to an EMPTY kiosk store; returns how many. A store that holds
    anything is refused: sample ratings never mix with real ones."""
    if store.count():
        raise ValueError(f"{store.path} already holds responses: the sample goes only into a new store")
    ratings = plan(today)
    for rating in ratings:
        store.append(rating.fields())
    return len(ratings)


def qr_rate(base: str, code: str, officer: str, score: int, device: str) -> None:
    """Rate on the QR page as a citizen's phone does: open /r/CODE, choose the officer, post the
    form (with the page's CSRF token and the phone's own device cookie)."""
    jar = http.cookiejar.CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar))
    host = base.split("//", 1)[1].split(":")[0]
    jar.set_cookie(http.cookiejar.Cookie(0, "hl_qr", device, None, False, host, False, False, "/", True,
                                         False, None, True, None, None, {}))
    with opener.open(f"{base}/r/{code}?o={officer}", timeout=10) as page:
        html = page.read().decode("utf-8")
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    if token is None:
        raise RuntimeError(f"/r/{code}: no form on the page")
    body = urlencode({"csrf_token": token.group(1), "o": officer, "q_q1": str(score)}).encode()
    with opener.open(f"{base}/r/{code}", data=body, timeout=10) as answer:
        if answer.status != 200:
            raise RuntimeError(f"/r/{code}: HTTP {answer.status}")
