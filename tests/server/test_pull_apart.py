"""A long catch-up checks its pages in a process of its own (sync_server.collect.pagecheck.Apart)
while the puller stores the page before: the same guarantees as checking them here — every page
validated and chained onto the stored head, refused whole with the same alert and message, the
pages before a bad one kept and acked — against a real HTTP kiosk on 127.0.0.1."""

from __future__ import annotations

import pytest
import requests

from kiosk.shared.protocol import canonical_json
from sync_server.collect import pagecheck
from sync_server.collect.puller import pull_kiosk
from sync_server.db.models import Alert, Answer, Epoch, Response
from tests.support.chains import make_chain
from tests.support.fake_kiosk import FakeKiosk, Fault
from tests.support.server import TOKEN, know_officers


@pytest.fixture
def backend() -> str:
    """SQLite only: what is checked apart never touches the database (store_page, the same on
    both engines, is tested on PostgreSQL by test_puller)."""
    return ""


PAGE = 3  # 8 pages of 3 for 24 responses: the first checked here, the other 7 apart


@pytest.fixture
def kiosk():
    made: list[FakeKiosk] = []

    def make(chain: list[dict]) -> FakeKiosk:
        made.append(FakeKiosk("quay-1", "store-a", chain))
        return made[-1]

    yield make
    for f in made:
        f.stop()


def _pull(kiosk, make_config, chain, *, here: bool = False):
    f = kiosk(chain)
    cfg = make_config([("quay-1", f.url, TOKEN)])
    know_officers("nv-lan")
    # A session of the caller's own keeps every page in this process (the puller cannot hand
    # it to another): the same pull, checked here, to compare with.
    session = requests.Session() if here else None
    return f, pull_kiosk(cfg.kiosks[0], cfg, page_limit=PAGE, session=session)


def test_a_backlog_of_pages_is_checked_apart_and_stored_whole(kiosk, make_config):
    chain = make_chain("store-a", 24)
    f, r = _pull(kiosk, make_config, chain)
    assert (r.status, r.received, r.first_seq, r.last_seq) == ("ok", 24, 1, 24), r.message
    assert r.checked_apart == 7 and r.chain_verified
    rows = Response.select(Response.seq, Response.body, Response.hash).tuples()
    stored = {seq: (body, hash_) for seq, body, hash_ in rows}
    assert stored == {c["seq"]: (canonical_json(c).decode(), c["hash"]) for c in chain}
    assert Answer.select().count() == 24
    assert (Epoch.get().last_seq, Epoch.get().head_hash) == (24, chain[-1]["hash"])
    assert f.acks == [{"store_id": "store-a", "seq": 24}]


def test_a_short_backlog_stays_here(kiosk, make_config):
    _f, r = _pull(kiosk, make_config, make_chain("store-a", PAGE * pagecheck.APART_FROM_PAGES - 1))
    assert (r.status, r.checked_apart) == ("ok", 0)


def test_without_a_fork_server_every_page_is_checked_here(kiosk, make_config, monkeypatch):
    # Windows has no fork server: get_context("forkserver") would raise and fail every long pull.
    monkeypatch.setattr(pagecheck.multiprocessing, "get_all_start_methods", lambda: ["spawn"])
    chain = make_chain("store-a", 24)
    _f, r = _pull(kiosk, make_config, chain)
    assert (r.status, r.received, r.checked_apart) == ("ok", 24, 0), r.message
    assert Response.select().count() == 24


def _tampered(chain):
    chain[16]["answers"]["q1"] = 1 if chain[16]["answers"]["q1"] != 1 else 2  # seq 17, page 6
    return chain


def _unlinked(chain):
    chain[13]["prev_hash"] = "f" * 64  # seq 14, page 5
    return chain


def _bad_score(chain):
    chain[19]["answers"]["q1"] = 9  # seq 20, page 7
    return chain


def _gap(chain):
    del chain[10]  # seq 11 missing, page 4
    return chain


@pytest.mark.parametrize("here", [False, True], ids=["apart", "here"])
@pytest.mark.parametrize("tamper,kind,kept,said", [
    (_tampered, "chain", 15, "seq 17: hash does not match the content"),
    (_unlinked, "chain", 12, "seq 14: prev_hash does not link to seq 13"),
    (_bad_score, "garbage", 18, "response seq 20.answers.q1: must be an integer 1-5"),
    (_gap, "gap", 9, "seq 11: expected next, got 12 (gap or reorder)"),
])
def test_a_bad_page_checked_apart_is_refused_as_here(kiosk, make_config, here, tamper, kind, kept, said):
    f, r = _pull(kiosk, make_config, tamper(make_chain("store-a", 24)), here=here)
    assert (r.status, r.received) == ("refused", kept), r.message
    assert r.message == f"{said} — nothing of this page stored, alert raised"
    # The pages before the bad one came from the other process (all but the first).
    assert r.checked_apart == (0 if here else kept // PAGE - 1)
    assert [a.kind for a in Alert.select()] == [kind]
    assert Response.select().count() == kept and Epoch.get().last_seq == kept
    assert f.acks == [{"store_id": "store-a", "seq": kept}]


def test_a_kiosk_gone_in_the_middle_is_unreachable_as_here(kiosk, make_config):
    f = kiosk(make_chain("store-a", 24))
    f.faults.append(Fault("responses", "close", times=100, after=12))  # no reply from seq 13 on
    cfg = make_config([("quay-1", f.url, TOKEN)])
    know_officers("nv-lan")
    r = pull_kiosk(cfg.kiosks[0], cfg, page_limit=PAGE)
    assert r.status == "unreachable", r.message
    assert r.message == "connection closed without a reply"
    assert (r.received, r.checked_apart) == (12, 3)
    assert Response.select().count() == 12 and Epoch.get().last_seq == 12


def test_the_checking_process_killed_mid_pull_leaves_the_pull_whole(kiosk, make_config, monkeypatch):
    killed = []
    result = pagecheck.Apart.result

    def kill_then_result(self, future):
        if not killed:  # the first page asked of it: its worker process is killed (SIGKILL)
            for process in list(self.pool._processes.values()):
                process.kill()
                process.join()
                killed.append(process.pid)
        return result(self, future)

    monkeypatch.setattr(pagecheck.Apart, "result", kill_then_result)
    chain = make_chain("store-a", 24)
    _f, r = _pull(kiosk, make_config, chain)
    assert killed and (r.status, r.received) == ("ok", 24), r.message
    assert r.checked_apart <= 1  # the rest were checked here
    assert Response.select().count() == 24 and Epoch.get().head_hash == chain[-1]["hash"]


class _ShortPage(FakeKiosk):
    """A kiosk whose page after seq 6 holds two responses, not three (as a kiosk may)."""

    def page(self, after: int, limit: int) -> dict:
        page = super().page(after, limit)
        if after == 6:
            page["responses"] = page["responses"][:2]
        return page


def test_a_page_asked_ahead_on_a_wrong_guess_is_never_fetched(make_config):
    # Pages are asked of the checking process two ahead, the second on the guess that the page
    # before it is full; the page after 6 ends at 8, so "the page after 9" follows nothing there:
    # never fetched, and the page after 8 asked again with its head.
    chain = make_chain("store-a", 24)
    f = _ShortPage("quay-1", "store-a", chain)
    try:
        cfg = make_config([("quay-1", f.url, TOKEN)])
        know_officers("nv-lan")
        r = pull_kiosk(cfg.kiosks[0], cfg, page_limit=PAGE)
    finally:
        f.stop()
    assert (r.status, r.received, r.chain_verified) == ("ok", 24, True), r.message
    stored = {seq: body for seq, body in Response.select(Response.seq, Response.body).tuples()}
    assert stored == {c["seq"]: canonical_json(c).decode() for c in chain}
    assert (Epoch.get().last_seq, Epoch.get().head_hash) == (24, chain[-1]["hash"])
    assert r.checked_apart == 8  # every page but the first
    asked = [q for q in f.requests if "/responses" in q]
    assert [q for q in asked if "after=9&" in q] == [] and len(asked) == 9, asked
