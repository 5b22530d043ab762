"""The background loop: each kiosk on its own schedule, exponential back-off for a failing one,
and a slow kiosk never holding up the others' turns."""

from __future__ import annotations

import time

import pytest

from sync_server import config as server_config
from sync_server.collect.loop import Backoff, PullLoop
from sync_server.collect.puller import PullResult
from sync_server.db.models import PullLog
from tests.support.chains import make_chain
from tests.support.fake_kiosk import FakeKiosk, Fault
from tests.support.server import TOKEN, free_port, know_officers, server_toml


def wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached")
        time.sleep(0.02)


def test_backoff_doubles_up_to_the_cap():
    b = Backoff(interval_s=30, max_s=600)
    assert [b.delay(n) for n in range(7)] == [30, 60, 120, 240, 480, 600, 600]
    assert Backoff(interval_s=900, max_s=600).delay(3) == 900  # never below the interval


def test_each_kiosk_has_its_own_schedule_and_a_failing_one_backs_off(tmp_path, fake_clock):
    path = tmp_path / "server.toml"
    path.write_text(server_toml(tmp_path, [("good", "http://127.0.0.1:9", TOKEN),
                                           ("dead", "http://127.0.0.1:9", TOKEN)],
                                extra="max_backoff_s = 8"), encoding="utf-8")
    cfg = server_config.load(path, environ={})
    fake_clock.now = 0.0
    calls: list[tuple[str, float]] = []

    def pull(entry, config, cancel):
        calls.append((entry.id, fake_clock()))
        return PullResult(entry.id, status="ok" if entry.id == "good" else "unreachable")

    loop = PullLoop(cfg, clock=fake_clock, pull=pull).start()
    try:
        def pulled(good: int, dead: int):
            return lambda: loop.pulls.get("good") == good and loop.pulls.get("dead") == dead

        wait_for(pulled(1, 1))
        assert loop.next_due == {"good": 1.0, "dead": 2.0}  # interval 1 s; first failure: 2 s
        fake_clock.now = 1.0
        wait_for(pulled(2, 1))
        fake_clock.now = 2.0
        wait_for(pulled(3, 2))
        assert loop.next_due["dead"] == 6.0 and loop.failures == {"good": 0, "dead": 2}
        for t, dead_pulls in ((6.0, 3), (14.0, 4), (22.0, 5)):  # 8 s from the 3rd failure on
            fake_clock.now = t
            wait_for(lambda n=dead_pulls: loop.pulls.get("dead") == n)
        assert [t for k, t in calls if k == "dead"] == [0.0, 2.0, 6.0, 14.0, 22.0]
        assert loop.next_due["dead"] == 30.0
    finally:
        loop.stop()


@pytest.mark.e2e
def test_a_hanging_kiosk_does_not_hold_up_the_others(make_config):
    slow = FakeKiosk("quay-1", "store-a", make_chain("store-a", 2))
    slow.faults = [Fault("status", "slow", delay_s=30)]
    good = FakeKiosk("quay-2", "store-b", make_chain("store-b", 2, kiosk_id="quay-2"))
    dead_url = f"http://127.0.0.1:{free_port()}"
    cfg = make_config([("quay-1", slow.url, TOKEN), ("quay-2", good.url, TOKEN),
                       ("quay-3", dead_url, TOKEN)], extra="read_timeout_s = 20\nconnect_timeout_s = 1")
    know_officers("nv-lan")
    loop = PullLoop(cfg).start()
    try:
        wait_for(lambda: loop.pulls.get("quay-2", 0) >= 3, timeout=15)
        assert loop.pulls.get("quay-1", 0) == 0  # still waiting for its status, on its own thread
        assert loop.failures["quay-3"] >= 1  # refused at once, then backing off
        assert loop.pulls["quay-3"] < loop.pulls["quay-2"]
    finally:
        slow.stop()  # lets the hanging request finish, so stop() need not wait for the timeout
        loop.stop()
        good.stop()
    assert {p.kiosk_id for p in PullLog.select().where(PullLog.status == "ok")} >= {"quay-2"}
