"""The puller against real kiosk APIs (kiosk.api + kiosk.store on 127.0.0.1) and fake ones."""

from __future__ import annotations

import copy
import json
import time

import pytest

from kiosk.shared.protocol import canonical_json, seal, validate_roster
from sync_server.collect.puller import pull_all, pull_kiosk
from sync_server.db.models import Alert, Answer, Conflict, Epoch, Kiosk, Officer, PullLog, Response
from sync_server.ops import demo_data
from sync_server.roster import build as roster
from tests.support.fake_kiosk import FakeKiosk
from tests.support.server import TOKEN, free_port, know_officers, rating


def counts() -> tuple[int, int, int]:
    return Response.select().count(), Answer.select().count(), Epoch.select().count()


def test_pulls_every_page_acks_and_a_second_pull_changes_nothing(make_kiosk, make_config):
    k = make_kiosk("quay-1")
    for i in range(12):
        k.store.append(rating(i % 5 + 1))
    cfg = make_config([k.entry()])
    know_officers("nv-lan")

    r = pull_kiosk(cfg.kiosks[0], cfg, page_limit=5)
    assert (r.status, r.received, r.first_seq, r.last_seq) == ("ok", 12, 1, 12), r.message
    assert r.line() == "quay-1: ok, 12 new (seq 1-12)"
    assert counts() == (12, 12, 1)
    assert k.store.acked_seq() == 12
    epoch = Epoch.get()
    assert (epoch.store_id, epoch.last_seq, epoch.head_hash) == (k.store.store_id, *k.store.head())
    # What is stored is byte for byte what the kiosk sealed.
    sealed = k.store.responses_after(0, 100)
    for row, original in zip(Response.select().order_by(Response.seq), sealed, strict=True):
        assert row.body == canonical_json(original).decode()
        assert row.hash == original["hash"] and row.officer == "nv-lan"
    log = PullLog.get()
    assert (log.status, log.received, log.first_seq, log.last_seq, log.chain_verified) == (
        "ok", 12, 1, 12, True)
    assert log.head_hash == k.store.head()[1]

    again = pull_kiosk(cfg.kiosks[0], cfg, page_limit=5)
    assert (again.status, again.received) == ("ok", 0)
    assert again.line() == "quay-1: ok, nothing new (seq 12)"
    assert counts() == (12, 12, 1)
    assert PullLog.select().count() == 2

    for _ in range(3):
        k.store.append(rating(2))
    more = pull_kiosk(cfg.kiosks[0], cfg, page_limit=5)
    assert (more.received, more.first_seq, more.last_seq) == (3, 13, 15)
    assert counts() == (15, 15, 1) and k.store.acked_seq() == 15
    kiosk_row = Kiosk.get_by_id("quay-1")
    assert kiosk_row.last_pull_status == "ok" and kiosk_row.last_contact is not None
    assert json.loads(kiosk_row.last_status)["last_seq"] == 15


def test_answers_are_one_row_per_question(make_kiosk, make_config):
    k = make_kiosk("quay-1")
    k.store.append(rating(4, answers={"q1": 4, "q2": 2, "q3": 5}, procedure="1.001193"))
    cfg = make_config([k.entry()])
    assert pull_kiosk(cfg.kiosks[0], cfg).status == "ok"
    assert sorted((a.question, a.score) for a in Answer.select()) == [("q1", 4), ("q2", 2), ("q3", 5)]
    assert Response.get().procedure == "1.001193"


def test_a_new_store_id_starts_a_new_epoch_and_keeps_the_old(make_kiosk, make_config):
    old = make_kiosk("quay-1", db_name="card-1.db")
    for _ in range(3):
        old.store.append(rating(5))
    cfg = make_config([old.entry()])
    assert pull_kiosk(cfg.kiosks[0], cfg).received == 3

    new = make_kiosk("quay-1", db_name="card-2.db")  # the card was re-imaged
    new.store.append(rating(1))
    new.store.append(rating(2))
    cfg = make_config([new.entry()])
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert (r.status, r.received, r.new_epoch) == ("ok", 2, True)
    assert "new epoch" in r.message
    epochs = {e.store_id: e.last_seq for e in Epoch.select()}
    assert epochs == {old.store.store_id: 3, new.store.store_id: 2}
    assert counts() == (5, 5, 2)
    assert new.store.acked_seq() == 2


def _sealed_chain(store_id: str, n: int, kiosk_id: str = "quay-1") -> list[dict]:
    """A valid chain made the way the kiosk makes it."""
    chain, prev = [], "0" * 64
    for seq in range(1, n + 1):
        r = {"store_id": store_id, "seq": seq, "uuid": f"00000000-0000-4000-8000-{seq:012d}",
             "kiosk_id": kiosk_id, "officer": "nv-lan", "procedure": None, "questionnaire": "overall",
             "questionnaire_version": 1, "answers": {"q1": 5}, "reasons": [], "channel": "touch",
             "partial": False, "flags": [], "recorded_at": "2026-11-22T08:15:02.120+07:00",
             "boot_id": "b", "uptime_ms": 1000 + seq}
        chain.append(seal(r, prev))
        prev = chain[-1]["hash"]
    return chain


def _changed_answer(chain):
    chain[1]["answers"]["q1"] = 1  # hash no longer matches
    return chain


def _resealed(chain):
    chain[1] = seal({**chain[1], "answers": {"q1": 1}}, chain[1]["prev_hash"])  # seq 3 link breaks
    return chain


def _gap(chain):
    del chain[1]
    return chain


def _foreign_store(chain):
    chain[2]["store_id"] = "another-store"
    return chain


def _bad_score(chain):
    chain[0]["answers"]["q1"] = 9
    return chain


@pytest.fixture
def fake(request):
    made = []

    def make(*args, **kwargs):
        f = FakeKiosk(*args, **kwargs)
        made.append(f)
        return f

    yield make
    for f in made:
        f.stop()


@pytest.mark.parametrize("tamper,kind", [
    (_changed_answer, "chain"), (_resealed, "chain"), (_gap, "gap"), (_foreign_store, "chain"),
    (_bad_score, "garbage"),
])
def test_a_tampered_page_is_refused_whole(fake, make_config, tamper, kind):
    chain = tamper(_sealed_chain("store-a", 4))
    f = fake("quay-1", "store-a", chain)
    cfg = make_config([("quay-1", f.url, TOKEN)])
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert r.status == "refused", r.message
    assert "alert raised" in r.line()
    assert [a.kind for a in Alert.select()] == [kind]
    assert Response.select().count() == 0 and Answer.select().count() == 0
    assert Epoch.get().last_seq == 0
    assert f.acks == []
    log = PullLog.get()
    assert (log.status, log.received, log.chain_verified) == ("refused", 0, False)
    assert Kiosk.get_by_id("quay-1").last_pull_status == "refused"


@pytest.mark.parametrize("body,content_type", [
    ('{"store_id": "store-a", "responses": [', "application/json"),
    ("<html><body>Router login</body></html>", "text/html"),
    ('{"store_id": "store-a", "responses": "none", "last_seq": 4}', "application/json"),
    ("[1, 2, 3]", "application/json"),
])
def test_a_garbage_page_is_refused(fake, make_config, body, content_type):
    f = fake("quay-1", "store-a", _sealed_chain("store-a", 4))
    f.raw_page = (body, content_type)
    cfg = make_config([("quay-1", f.url, TOKEN)])
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert r.status == "refused", r.message
    assert [a.kind for a in Alert.select()] == ["garbage"]
    assert Response.select().count() == 0 and Epoch.get().last_seq == 0 and f.acks == []


def test_pages_before_the_bad_one_are_kept_and_acked(fake, make_config):
    chain = _sealed_chain("store-a", 6)
    chain[4]["answers"]["q1"] = 1  # seq 5 tampered
    f = fake("quay-1", "store-a", chain)
    cfg = make_config([("quay-1", f.url, TOKEN)])
    r = pull_kiosk(cfg.kiosks[0], cfg, page_limit=2)
    assert r.status == "refused" and r.received == 4
    assert Epoch.get().last_seq == 4 and Response.select().count() == 4
    assert f.acks == [{"store_id": "store-a", "seq": 4}]


@pytest.mark.parametrize("body,content_type", [
    ("<html>It works!</html>", "text/html"),
    ("not json at all", "text/plain"),
    ('{"kiosk_id": "quay-1", "store_id": "s"}', "application/json"),
    ('{"kiosk_id": "quay-9", "store_id": "s", "last_seq": 0, "head_hash": "%s", "roster_version": 0}'
     % ("0" * 64), "application/json"),
])
def test_a_garbage_status_is_an_error_and_stores_nothing(fake, make_config, body, content_type):
    f = fake("quay-1", "store-a", _sealed_chain("store-a", 2))
    f.raw_status = (body, content_type)
    cfg = make_config([("quay-1", f.url, TOKEN)])
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert r.status == "error", r.message
    assert Response.select().count() == 0 and Epoch.select().count() == 0
    assert PullLog.get().status == "error"
    assert Kiosk.get_by_id("quay-1").last_error


def test_a_kiosk_whose_store_went_backwards_is_refused(fake, make_config):
    chain = _sealed_chain("store-a", 3)
    f = fake("quay-1", "store-a", chain)
    cfg = make_config([("quay-1", f.url, TOKEN)])
    know_officers("nv-lan")
    assert pull_kiosk(cfg.kiosks[0], cfg).received == 3
    f.responses = chain[:2]  # restored from an old copy
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert r.status == "refused" and [a.kind for a in Alert.select()] == ["chain"]
    assert Epoch.get().last_seq == 3


def test_same_uuid_with_other_content_is_a_conflict_not_an_overwrite(fake, make_config):
    a = fake("quay-1", "store-a", _sealed_chain("store-a", 2))
    b_chain = _sealed_chain("store-b", 2, kiosk_id="quay-2")  # same uuids, other store
    b = fake("quay-2", "store-b", b_chain)
    cfg = make_config([("quay-1", a.url, TOKEN), ("quay-2", b.url, TOKEN)])
    know_officers("nv-lan")
    assert pull_kiosk(cfg.kiosks[0], cfg).received == 2
    before = [(r.uuid, r.hash, r.body) for r in Response.select().order_by(Response.id)]
    r = pull_kiosk(cfg.kiosks[1], cfg)
    assert (r.status, r.received, r.conflicts, r.cursor) == ("ok", 0, 2, 2)
    assert "2 response(s) kept aside as conflicts" in r.line()
    alert = Alert.get()
    assert (alert.kind, alert.kiosk_id, alert.detail) == ("conflict", "quay-2", "seq 1, 2")
    aside = list(Conflict.select().order_by(Conflict.seq))  # the evidence, as received
    assert [json.loads(c.body) for c in aside] == b_chain
    assert [c.existing_id for c in aside] == [x.id for x in Response.select().order_by(Response.seq)]
    assert [(r.uuid, r.hash, r.body) for r in Response.select().order_by(Response.id)] == before
    assert PullLog.select().order_by(PullLog.id.desc()).first().conflicts == 2
    assert b.acks == [{"store_id": "store-b", "seq": 2}]  # the kiosk may forget them: they are kept
    assert pull_kiosk(cfg.kiosks[1], cfg).conflicts == 0 and Conflict.select().count() == 2


def test_unreachable_kiosk_does_not_block_a_good_one(make_kiosk, make_config):
    good = make_kiosk("quay-2")
    good.store.append(rating(5))
    dead_url = f"http://127.0.0.1:{free_port()}"
    cfg = make_config([("quay-1", dead_url, TOKEN), good.entry()])
    started = time.monotonic()
    dead, ok = pull_all(cfg)
    assert time.monotonic() - started < 10
    assert (dead.kiosk_id, dead.status) == ("quay-1", "unreachable")
    assert dead.line() == "quay-1: unreachable (connection refused)"
    assert (ok.kiosk_id, ok.status, ok.received) == ("quay-2", "ok", 1)
    assert {(p.kiosk_id, p.status) for p in PullLog.select()} == {("quay-1", "unreachable"),
                                                                  ("quay-2", "ok")}
    assert Kiosk.get_by_id("quay-1").last_contact is None


def test_wrong_token_is_an_error(make_kiosk, make_config):
    k = make_kiosk("quay-1")
    cfg = make_config([("quay-1", k.url, "w" * 20)])
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert r.status == "error" and "token" in r.message


def test_roster_is_pushed_when_the_kiosk_version_differs(make_kiosk, make_config):
    k = make_kiosk("quay-1")
    cfg = make_config([k.entry()])
    assert pull_kiosk(cfg.kiosks[0], cfg).roster_pushed is None  # no roster yet: nothing to push
    assert k.store.roster() is None

    version = demo_data.seed(cfg)
    assert version == 1 and demo_data.seed(cfg) == 1  # idempotent
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert r.status == "ok" and r.roster_pushed == 1 and "roster v1 pushed" in r.line()
    pushed = k.store.roster()
    validate_roster(pushed)
    assert pushed == roster.build_roster("quay-1", cfg)
    assert pushed["unit"]["name"] == "Trung tâm Phục vụ hành chính công xã Đại Lãnh"
    assert pushed["kiosk"] == {"mode": "counter", "officers_on_duty": ["nv-lan"], "ask_procedure": True,
                               "show_stats": False}
    assert PullLog.select().order_by(PullLog.id.desc()).first().roster_pushed == 1

    assert pull_kiosk(cfg.kiosks[0], cfg).roster_pushed is None  # the kiosk has it now

    Officer.update(name="Nguyễn Thị Lan Anh").where(Officer.code == "nv-lan").execute()
    assert roster.touch(cfg) == 2 and roster.touch(cfg) == 2
    assert pull_kiosk(cfg.kiosks[0], cfg).roster_pushed == 2
    assert k.store.roster()["officers"][0]["name"] == "Nguyễn Thị Lan Anh"


def test_a_roster_the_kiosk_refuses_is_reported_and_the_pull_goes_on(fake, make_config):
    f = fake("quay-1", "store-a", _sealed_chain("store-a", 1))
    cfg = make_config([("quay-1", f.url, TOKEN)])
    demo_data.seed(cfg)
    f.status_extra = {"roster_stored_version": 1}
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert r.status == "ok" and r.roster_pushed is None and f.rosters == []
    f.status_extra = {"roster_stored_version": 7}
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert r.roster_pushed == 1 and copy.deepcopy(f.rosters[-1])["version"] == 1
