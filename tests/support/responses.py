"""Generated responses for the report tests: a year of them from a kiosk or the QR channel
(two questionnaires, one in two versions; partial ones with skipped questions; procedures in two
fields), stored the way a pull stores them, and when each happened in the unit's zone."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.shared.protocol import GENESIS_HASH
from sync_server.collect import ingest
from sync_server.db import write_transaction
from sync_server.db.models import Epoch
from tests.support.chains import iso_vn, make_chain

OFFICERS = ["nv-lan", "nv-hung", "nv-minh", None]
PROCEDURES = {"1.001193": "tu-phap", "1.004227": "tu-phap", "2.000889": "dia-chinh", None: None}
YEAR_START = datetime(2026, 1, 1, 1, 0)  # UTC: 08:00 in Vietnam
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")  # [server] timezone of the test config (the default)


def generated(n: int, kiosk_id: str, channel: str, rng: random.Random, utc_clock: bool = False):
    """`utc_clock`: the kiosk writes its times in UTC (+00:00), as a Pi left in UTC does."""
    def each(seq: int) -> dict:
        when = YEAR_START + timedelta(minutes=rng.randrange(0, 364 * 24 * 60))
        if rng.random() < 0.5:
            qid, version, questions = "overall", 1, ["q1"]
        else:
            qid, version = "tieu-chi-5", rng.choice([1, 2])
            questions = ["c1", "c2", "c3", "c4", "c5"] if version == 1 else ["c1", "c2", "c3", "c4", "c6"]
        partial = rng.random() < 0.1
        asked = questions[: rng.randint(1, len(questions))] if partial else questions
        # Skipped questions are absent, never imputed.
        answers = {q: rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 6])[0] for q in asked
                   if rng.random() > 0.15 or q == asked[0]}
        return {"officer": rng.choice(OFFICERS), "procedure": rng.choice(list(PROCEDURES)),
                "questionnaire": qid, "questionnaire_version": version, "answers": answers,
                "channel": channel, "partial": partial,
                "recorded_at": iso_utc(when) if utc_clock else iso_vn(when)}
    return make_chain(f"store-{kiosk_id}", n, kiosk_id=kiosk_id, each=each)


def store_chain(chain: list[dict], kiosk_id: str, cfg, unit: str = "") -> None:
    """The chain in the database the way a pull stores it (pages of 500), without an alert scan;
    with `unit`, as a province hub stores a commune server's store."""
    with write_transaction():
        epoch = Epoch.create(kiosk_id=kiosk_id, store_id=chain[0]["store_id"], unit=unit)
    roster = ingest.Roster.load()
    head = (0, GENESIS_HASH)
    for i in range(0, len(chain), 500):
        page = chain[i:i + 500]
        after = (page[-1]["seq"], page[-1]["hash"])
        ingest.store_page(epoch.id, kiosk_id, page, head, after, tz=cfg.tz, now=datetime(2026, 12, 31),
                          roster=roster, unit=unit)
        head = after


def iso_utc(utc: datetime) -> str:
    """A naive UTC time as a kiosk left in UTC writes it: +00:00."""
    return utc.isoformat(timespec="milliseconds") + "+00:00"


def local_time(r: dict) -> datetime:
    """When it happened, in the unit's zone — whatever offset the kiosk wrote."""
    return datetime.fromisoformat(r["recorded_at"]).astimezone(VIETNAM)


def local_day(r: dict) -> date:
    """The day it happened, in the unit's zone."""
    return local_time(r).date()


def expected(responses: list[dict], start: date, end: date, key) -> dict:
    """Independent figures, from the generated responses themselves (not the server's tables):
    {key(r): (answer counts by score, responses, partial)} over [start, end]."""
    from sync_server.reports.figures import Counts

    scores: dict = defaultdict(list)
    visits: Counter = Counter()
    partial: Counter = Counter()
    for r in responses:
        if not start <= local_day(r) <= end:
            continue
        k = key(r)
        visits[k] += 1
        partial[k] += r["partial"]
        scores[k].extend(r["answers"].values())
    return {k: (Counts.from_scores(scores[k]), visits[k], partial[k]) for k in visits}
