"""Group commit of the QR page's submits (sync_server.qr.group, sync_server.qr.store).

The store seals every submission waiting into one transaction. What must hold whatever the
grouping: a single-use ticket counts once or not at all, also twice in one group; one submission
that fails (its shape, or its write) fails nobody else's; every submission answered "stored" is on
the chain exactly once and the chain verifies. The groups are built by hand here (no timing), then
over real HTTP with many phones at once.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter

import pytest
import requests

from kiosk.shared import qrticket
from kiosk.shared.protocol import verify_chain
from sync_server.collect import ingest
from sync_server.db.models import QrTicket, Response, ServiceAlert, utcnow
from sync_server.qr import store as qr_store
from sync_server.qr.group import GroupCommit, Item
from sync_server.reports import yes_no
from tests.support.qr import seed_roster, serving_qr, stored
from tests.support.server import TOKEN
from tests.support.web import csrf_token


def fields(q1: int = 5, officer: str = "nv-lan") -> dict:
    return {"officer": officer, "procedure": None, "questionnaire": "tt01", "questionnaire_version": 2,
            "answers": {"q1": q1, "q2": 4}, "reasons": [], "flags": ["qr:officer:nv-lan"]}


@pytest.fixture
def cfg(make_config):
    c = make_config([("quay-1", "http://127.0.0.1:9", TOKEN)])
    seed_roster()
    return c


def sub(cfg, ticket=None, rule=None, **kw) -> qr_store.Submission:
    return qr_store.Submission(fields(**kw), cfg.tz, utcnow(), ticket, utcnow() if ticket else None, rule)


def stored_chain() -> list[dict]:
    rows = Response.select().where(Response.kiosk_id == "qr").order_by(Response.seq)
    return [json.loads(r.body) for r in rows]


def commit_group(subs: list[qr_store.Submission]) -> list[Item]:
    """One group, as a leader would commit it."""
    items = [Item(s) for s in subs]
    qr_store._commit(items)
    assert all(i.done for i in items)
    return items


def count_pages(monkeypatch) -> list[int]:
    """The size of each page the store writes (one per transaction that got that far)."""
    real, pages = ingest.store_page, []

    def store_page(epoch_id, kiosk_id, responses, *args, **kwargs):
        pages.append(len(responses))
        return real(epoch_id, kiosk_id, responses, *args, **kwargs)

    monkeypatch.setattr(ingest, "store_page", store_page)
    return pages


def test_a_ticket_twice_in_one_group_stores_once_and_refuses_the_other(cfg, monkeypatch):
    ticket = qrticket.parse(qrticket.make("quay-1", TOKEN, time.time()))
    other = qrticket.parse(qrticket.make("quay-1", TOKEN, time.time()))
    pages = count_pages(monkeypatch)
    items = commit_group([sub(cfg), sub(cfg, ticket, q1=4), sub(cfg, ticket, q1=3), sub(cfg, other)])
    assert pages == [3]  # refused inside the group, not by a failed write and a retry
    assert [type(i.error).__name__ if i.error else "stored" for i in items] == \
        ["stored", "stored", "TicketUsed", "stored"]
    chain = stored_chain()
    assert [r["uuid"] for r in chain] == [i.result["uuid"] for i in items if i.error is None]
    assert verify_chain(chain)[0] == 3
    assert QrTicket.get(QrTicket.nonce == ticket.nonce).response_uuid == items[1].result["uuid"]
    # In the next group the ticket is known as used: refused again, nothing stored.
    again = commit_group([sub(cfg, ticket)])
    assert isinstance(again[0].error, qr_store.TicketUsed) and len(stored_chain()) == 3


def test_a_submission_failing_its_check_fails_no_other(cfg):
    items = commit_group([sub(cfg), sub(cfg, q1=9), sub(cfg, q1=1)])  # 9 is no score
    assert items[0].error is None and items[2].error is None
    assert isinstance(items[1].error, ValueError)
    chain = stored_chain()
    assert [r["answers"]["q1"] for r in chain] == [5, 1]
    assert verify_chain(chain)[0] == 2  # the refused one left no gap in the seqs


def test_a_group_whose_write_fails_is_stored_one_by_one(cfg, monkeypatch):
    """A write that fails takes down the group's transaction; each is then tried alone, so only
    the one that fails is refused and nothing is lost or stored twice."""
    real = ingest.store_page
    calls = []

    def store_page(epoch_id, kiosk_id, responses, *args, **kwargs):
        calls.append(len(responses))
        if any(r["officer"] == "nv-minh" for r in responses):
            raise RuntimeError("disk full")  # stands for any failure of the write
        return real(epoch_id, kiosk_id, responses, *args, **kwargs)

    monkeypatch.setattr(ingest, "store_page", store_page)
    ticket = qrticket.parse(qrticket.make("quay-1", TOKEN, time.time()))
    items = commit_group([sub(cfg), sub(cfg, ticket), sub(cfg, officer="nv-minh"),
                          sub(cfg, officer="nv-hung")])
    assert calls == [4, 1, 1, 1, 1]
    assert [str(i.error) if i.error else "stored" for i in items] == \
        ["stored", "stored", "disk full", "stored"]
    chain = stored_chain()
    assert [r["officer"] for r in chain] == ["nv-lan", "nv-lan", "nv-hung"]
    assert verify_chain(chain)[0] == 3
    assert QrTicket.select().count() == 1  # the group's ticket row went with its rollback


def test_one_alert_scan_per_group_and_its_failure_stores_the_responses(cfg, monkeypatch):
    from sync_server.reports import service_alerts

    scans = []
    real = service_alerts.scan

    def scan(new, rule, now):
        scans.append(list(new))
        if len(scans) == 2:
            raise RuntimeError("scan broke")
        return real(new, rule, now)

    monkeypatch.setattr(service_alerts, "scan", scan)
    rule = cfg.service_alert_rule
    commit_group([sub(cfg, rule=rule, q1=1) for _ in range(5)])  # a run of 1s: an alert
    assert len(scans) == 1 and len(scans[0]) == 5
    assert ServiceAlert.select().count() == 1
    items = commit_group([sub(cfg, rule=rule, q1=1) for _ in range(2)])
    assert all(i.error is None for i in items) and len(stored_chain()) == 7


def test_a_yes_anywhere_in_a_group_raises_its_alert_and_a_group_without_looks_up_nothing(cfg, monkeypatch):
    """The yes/no scan runs once per group over the group's seqs, and not at all without a "yes"."""
    rule = cfg.service_alert_rule
    subs = [sub(cfg, rule=rule) for _ in range(4)]
    subs[2].fields["yes_no"] = {"q3": True}
    subs[1].fields["yes_no"] = {"q3": False}
    commit_group(subs)
    [alert] = ServiceAlert.select().where(ServiceAlert.reason == "yes_no")
    assert alert.response_id == Response.get(Response.uuid == stored_chain()[2]["uuid"]).id
    looked_up = []
    real = yes_no.scan_page
    monkeypatch.setattr(yes_no, "scan_page", lambda *a: looked_up.append(a) or real(*a))
    commit_group([sub(cfg, rule=rule) for _ in range(3)])
    last = [sub(cfg, rule=rule) for _ in range(3)]
    last[2].fields["yes_no"] = {"q3": True}
    commit_group(last)
    assert [a[1:3] for a in looked_up] == [(8, 10)]
    assert ServiceAlert.select().where(ServiceAlert.reason == "yes_no").count() == 2


def test_group_commit_answers_every_submitter_with_its_own_result():
    """Many threads at once: each gets what the commit made of its own work, some shared a group."""
    groups = []

    def commit(items: list[Item]) -> None:
        groups.append(len(items))
        time.sleep(0.005)  # a commit takes time: the others queue meanwhile
        for item in items:
            if item.work % 7 == 3:
                item.finish(error=ValueError(item.work))
            else:
                item.finish(item.work * 10)

    group = GroupCommit(commit)
    answers: dict[int, object] = {}
    start = threading.Barrier(40)

    def submit(n: int) -> None:
        start.wait()
        try:
            answers[n] = group.submit(n)
        except ValueError as e:
            answers[n] = ("refused", e.args[0])

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == {n: ("refused", n) if n % 7 == 3 else n * 10 for n in range(40)}
    assert sum(groups) == 40 and group.items == 40 and group.groups == len(groups)


def test_a_commit_that_raises_or_forgets_answers_every_open_item():
    def forgetful(items: list[Item]) -> None:
        items[0].finish("first")
        if len(items) > 1:
            raise OSError("gone")

    group = GroupCommit(forgetful)
    assert group.submit("a") == "first"
    items = [Item("x"), Item("y")]
    group._lead(items)
    assert items[0].result == "first" and isinstance(items[1].error, OSError)
    lazy = GroupCommit(lambda items: None)
    with pytest.raises(RuntimeError, match="unanswered"):
        lazy.submit("z")


@pytest.mark.e2e
def test_many_phones_at_once_over_http_each_stored_exactly_once(tmp_path, backend):
    """32 phones submit together to `hailong-server serve` (waitress); four of them share one
    single-use ticket. Every 303 is a response on the chain exactly once, the ticket's once."""
    ticket = qrticket.make("quay-1", TOKEN, time.time())
    phones, rounds = 32, 3
    with serving_qr(tmp_path, backend, "[qr]\nwindow_minutes = 0\n", seed_roster) as (base, path):
        sessions, forms = [], []
        for n in range(phones):
            s = requests.Session()
            shared = n < 4
            url = f"{base}/r/quay-1?o=nv-lan" + (f"&t={ticket}" if shared else "")
            sessions.append(s)
            forms.append({"csrf_token": csrf_token(s.get(url, timeout=10).text), "o": "nv-lan",
                          "q_q1": str(3 + n % 3), "q_q2": "5",
                          **({"t": ticket} if shared else {})})
        results: list[tuple[int, int, int]] = []
        lock = threading.Lock()

        def phone(n: int, start: threading.Barrier) -> None:
            start.wait()
            for r in range(rounds):
                answer = sessions[n].post(f"{base}/r/quay-1", data=forms[n], allow_redirects=False,
                                          timeout=60)
                with lock:
                    results.append((n, r, answer.status_code))

        start = threading.Barrier(phones)
        threads = [threading.Thread(target=phone, args=(n, start)) for n in range(phones)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    statuses = Counter(status for _n, _r, status in results)
    assert statuses == {303: 28 * rounds + 1, 409: 4 * rounds - 1}, statuses
    chain = stored(path)
    assert verify_chain(chain)[0] == len(chain) == 28 * rounds + 1
    assert len({r["uuid"] for r in chain}) == len(chain)
    assert sum(1 for r in chain if "qr:ticket" in r["flags"]) == 1


def test_a_group_reads_the_reception_points_once_not_per_response(cfg, caplog):
    """Each response's point is fixed from one read of the points and counters for the whole
    group (a query per response was a fifth of a submit's CPU, issue 16), and each still gets its
    counter's point."""
    Response.select().count()
    with caplog.at_level(logging.DEBUG, logger="peewee"):
        items = commit_group([sub(cfg) for _ in range(5)])
    reads = [r.getMessage() for r in caplog.records if 'FROM "reception_point"' in r.getMessage()]
    assert len(reads) == 1, reads
    assert all(i.error is None for i in items)
    points = {r.point for r in Response.select(Response.point).where(Response.kiosk_id == "qr")}
    assert points == {"chinh"}
