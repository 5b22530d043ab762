"""Service alerts: a run of low scores for one officer or counter becomes one alert, raised by the
pull that brings it, widened (not repeated) as more of it arrives, never raised twice for the same
responses, and acknowledged by staff with a comment that goes into the audit log."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import pytest

from sync_server.collect.puller import pull_kiosk
from sync_server.config import AlertRule as Rule
from sync_server.db import write_transaction
from sync_server.db.models import AuditLog, ServiceAlert
from sync_server.exc import InputError
from sync_server.reports import service_alerts
from sync_server.reports.service_alerts import Rated, incidents
from tests.support.chains import iso_vn, make_chain
from tests.support.fake_kiosk import FakeKiosk
from tests.support.server import TOKEN, know_officers
from tests.support.web import add_user, client_as, csrf_token, page

T0 = datetime(2026, 11, 23, 1, 0)  # 08:00 in Vietnam
RULE = Rule()


def at(minutes: float, low: int = 1, answers: int = 1) -> Rated:
    return Rated(T0 + timedelta(minutes=minutes), answers, low)


def test_four_low_in_fifteen_minutes_trip_three_do_not():
    assert incidents([at(0), at(5), at(10)], RULE) == []
    [one] = incidents([at(0), at(5), at(10), at(14)], RULE)
    assert (one.start, one.end, one.responses, one.low) == (T0, T0 + timedelta(minutes=14), 4, 4)
    # The same four spread over more than 15 minutes are not a run.
    assert incidents([at(0), at(5), at(10), at(15)], RULE) == []


def test_the_share_counts_answers_and_half_is_enough():
    # 4 responses, 8 answers, 4 of them 1–2: exactly 50 % trips; 3 of 8 does not.
    assert len(incidents([at(0, 1, 2), at(1, 1, 2), at(2, 1, 2), at(3, 1, 2)], RULE)) == 1
    assert incidents([at(0, 1, 2), at(1, 1, 2), at(2, 1, 2), at(3, 0, 2)], RULE) == []
    # Skipped everything (no answers) never trips.
    assert incidents([at(i, 0, 0) for i in range(6)], RULE) == []


def test_overlapping_windows_are_one_incident_and_a_later_run_is_another():
    rows = [at(m) for m in (0, 3, 6, 9, 12, 20, 25)] + [at(m) for m in (120, 121, 122, 123)]
    found = incidents(rows, RULE)
    # The window ending at 25 holds only 12, 20 and 25: the run ended at 20.
    assert [(f.start, f.end, f.responses) for f in found] == [
        (T0, T0 + timedelta(minutes=20), 6),
        (T0 + timedelta(minutes=120), T0 + timedelta(minutes=123), 4)]


def test_against_a_brute_force_reading_of_the_rule():
    """Every response inside some window that trips is inside an incident, and no other is."""
    rng = random.Random(5)
    for _ in range(200):
        t, rows = 0.0, []
        for _ in range(rng.randint(0, 40)):
            t += rng.choice([0.5, 1, 2, 4, 8, 20])
            answers = rng.randint(0, 3)
            rows.append(at(t, rng.randint(0, answers), answers))
        covered = set()
        for i, r in enumerate(rows):
            window = [j for j in range(i + 1) if rows[j].at > r.at - RULE.window]
            n_ans = sum(rows[j].answers for j in window)
            n_low = sum(rows[j].low for j in window)
            if len(window) >= RULE.min_responses and n_ans and n_low >= RULE.low_share * n_ans:
                covered.update(window)
        found = incidents(rows, RULE)
        inside = {i for i, r in enumerate(rows) for f in found if f.start <= r.at <= f.end}
        assert inside == covered
        assert sum(f.responses for f in found) == len(covered)


def every_window(rows: list[Rated], rule: Rule) -> list[tuple]:
    """The rule read the slow way: every window, each summed afresh; overlapping ones merged."""
    spans: list[list[int]] = []
    for i, r in enumerate(rows):
        window = [j for j in range(i + 1) if rows[j].at > r.at - rule.window]
        answers, low = sum(rows[j].answers for j in window), sum(rows[j].low for j in window)
        if len(window) >= rule.min_responses and answers > 0 and low >= rule.low_share * answers:
            if spans and window[0] <= spans[-1][1]:
                spans[-1][1] = i
            else:
                spans.append([window[0], i])
    return [(rows[a].at, rows[b].at, b - a + 1, sum(r.answers for r in rows[a:b + 1]),
             sum(r.low for r in rows[a:b + 1])) for a, b in spans]


def test_long_runs_without_a_low_score_change_nothing():
    """incidents() looks only around the low scores: the same incidents as every window summed,
    on sequences that are mostly 4s and 5s with a few low scores, ties and gaps."""
    rng = random.Random(16)
    for rule in (RULE, Rule(low_share=0.3, min_responses=2, window=timedelta(minutes=5))):
        for _ in range(300):
            t, rows = 0.0, []
            for _ in range(rng.randint(0, 60)):
                t += rng.choice([0, 0.5, 1, 2, 8, 30])
                answers = rng.randint(0, 3)
                low = rng.randint(1, answers) if answers and rng.random() < 0.15 else 0
                rows.append(at(t, low, answers))
            found = [(f.start, f.end, f.responses, f.answers, f.low) for f in incidents(rows, rule)]
            assert found == every_window(rows, rule)


def low_run(store_id: str, n: int, start_minute: int, *, start_seq: int = 1, prev: str | None = None,
            officer: str = "nv-lan", scores=(1, 2, 1, 5)):
    def each(seq: int) -> dict:
        i = seq - start_seq
        return {"officer": officer, "answers": {"q1": scores[i % len(scores)]},
                "recorded_at": iso_vn(T0 + timedelta(minutes=start_minute + 2 * i))}
    kwargs = {"prev": prev} if prev else {}
    return make_chain(store_id, n, kiosk_id="quay-1", start=start_seq, each=each, **kwargs)


@pytest.fixture
def kiosk():
    made = []
    yield lambda chain: made.append(FakeKiosk("quay-1", chain[0]["store_id"], chain)) or made[-1]
    for k in made:
        k.stop()


def test_a_pull_raises_one_alert_per_subject_and_a_repeat_pull_changes_nothing(make_config, kiosk):
    chain = low_run("store-a", 6, 0)  # scores 1,2,1,5,1,2 two minutes apart: 5 of 6 low
    k = kiosk(chain)
    cfg = make_config([("quay-1", k.url, TOKEN)])
    know_officers("nv-lan")
    assert pull_kiosk(cfg.kiosks[0], cfg).status == "ok"
    alerts = {(a.subject_kind, a.subject): a for a in ServiceAlert.select()}
    assert set(alerts) == {("officer", "nv-lan"), ("kiosk", "quay-1")}
    officer = alerts[("officer", "nv-lan")]
    assert (officer.responses, officer.answers, officer.low) == (6, 6, 5)
    assert officer.started_utc == T0 and officer.ended_utc == T0 + timedelta(minutes=10)
    with write_transaction():  # scanning the same responses again (a restart, a re-pull)
        assert service_alerts.scan_since(datetime(2000, 1, 1), RULE, T0) == 0
    assert ServiceAlert.select().count() == 2


def test_more_of_the_same_run_widens_the_alert_and_after_acknowledging_it_is_new(make_config, kiosk):
    chain = low_run("store-a", 4, 0, scores=(1, 2, 1, 1))
    more = low_run("store-a", 4, 8, start_seq=5, prev=chain[-1]["hash"], scores=(1, 1, 2, 1))
    k = kiosk(chain)
    cfg = make_config([("quay-1", k.url, TOKEN)])
    know_officers("nv-lan")
    pull_kiosk(cfg.kiosks[0], cfg)
    k.responses.extend(more)
    pull_kiosk(cfg.kiosks[0], cfg)
    officer = ServiceAlert.get(ServiceAlert.subject_kind == "officer")
    assert officer.responses == 8 and officer.ended_utc == T0 + timedelta(minutes=14)
    assert ServiceAlert.select().count() == 2

    service_alerts.acknowledge(officer.id, "Đã nhắc nhở, quầy đông người", "lan", T0)
    with pytest.raises(InputError, match="đã được ghi nhận"):
        service_alerts.acknowledge(officer.id, "lần hai", "lan", T0)
    later = low_run("store-a", 2, 16, start_seq=9, prev=more[-1]["hash"], scores=(1, 1))
    k.responses.extend(later)
    pull_kiosk(cfg.kiosks[0], cfg)
    kept = ServiceAlert.get_by_id(officer.id)
    assert kept.responses == 8 and kept.comment == "Đã nhắc nhở, quầy đông người"  # never changed after
    new = list(ServiceAlert.select().where((ServiceAlert.subject_kind == "officer")
                                           & ServiceAlert.acknowledged_at.is_null()))
    assert len(new) == 1 and new[0].ended_utc == T0 + timedelta(minutes=18)


def test_staff_acknowledge_from_the_dashboard_and_viewers_cannot(make_config, kiosk):
    from sync_server.app import create_app

    k = kiosk(low_run("store-a", 5, 0))
    cfg = make_config([("quay-1", k.url, TOKEN)])
    know_officers("nv-lan")
    pull_kiosk(cfg.kiosks[0], cfg)
    app = create_app(cfg)
    add_user("staff", "staff")
    add_user("viewer", "viewer")
    viewer = client_as(app, "viewer")
    html = page(viewer, "/")
    assert 'id="service-alerts"' in html and html.count('data-subject="') == 2
    assert "Ghi nhận</button>" not in html  # a viewer sees them, cannot acknowledge
    alert_id = ServiceAlert.get(ServiceAlert.subject_kind == "officer").id
    r = viewer.post(f"/service-alerts/{alert_id}/ack", data={"csrf_token": csrf_token(html), "comment": "x"})
    assert r.status_code == 403

    staff = client_as(app, "staff")
    html = page(staff, "/")
    r = staff.post(f"/service-alerts/{alert_id}/ack", data={"comment": "x"})  # no CSRF token
    assert r.status_code == 400 and ServiceAlert.get_by_id(alert_id).acknowledged_at is None
    r = staff.post(f"/service-alerts/{alert_id}/ack", data={"csrf_token": csrf_token(html), "comment": "  "})
    assert "Hãy ghi nhận xét" in page(staff, "/service-alerts")
    r = staff.post(f"/service-alerts/{alert_id}/ack",
                   data={"csrf_token": csrf_token(html), "comment": "Đã trao đổi với <b>cán bộ</b>",
                         "back": "/"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/")
    done = ServiceAlert.get_by_id(alert_id)
    assert (done.acknowledged_by, done.comment) == ("staff", "Đã trao đổi với <b>cán bộ</b>")
    entry = AuditLog.get(AuditLog.action == "service_alert.acknowledge")
    assert entry.actor == "staff" and "cán bộ" in entry.detail
    from sync_server.db.models import Counter

    with write_transaction():
        Counter.create(code="quay-a", name="Quầy Tư pháp", kiosk_id="quay-1", officers='["nv-lan"]')
    assert "Quầy Tư pháp (quay-1)" in page(staff, "/")  # the counter's alert, by the counter's name
    listed = page(staff, "/service-alerts")
    assert "Đã trao đổi với &lt;b&gt;cán bộ&lt;/b&gt;" in listed  # escaped
    assert page(staff, "/").count('data-subject="') == 1  # only the counter's is still open


def test_scan_alerts_catches_up_responses_stored_without_a_scan(make_config):
    """A stop between a pull's commit and its scan: `scan-alerts` (and `serve` at start) finds them."""
    import subprocess
    import sys
    from pathlib import Path

    from sync_server.db import database
    from tests.support.responses import store_chain

    cfg = make_config()
    know_officers("nv-lan")
    store_chain(low_run("store-a", 5, 0), "quay-1", cfg)  # stored the way a pull stores, no scan
    assert ServiceAlert.select().count() == 0
    database.close()
    done = subprocess.run([sys.executable, "-m", "sync_server", "scan-alerts", "--config", str(cfg.path),
                           "--days", "400"], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    assert "service alerts: 2 new" in done.stdout
    assert {(a.subject_kind, a.subject) for a in ServiceAlert.select()} == {("officer", "nv-lan"),
                                                                          ("kiosk", "quay-1")}
