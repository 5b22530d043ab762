"""The hub's ranking of communes and its alerts (docs/hub.md): a small sample is not ranked, peers
are of a like volume, a silent commune is flagged and not ranked; a refused store, a store under
two communes and a silent commune are alerts on /province. The batches go through the hub's own
receive path (sync_server.upstream.receive), as a push does."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from kiosk.shared.exc import ConfigError
from sync_server import config as server_config
from sync_server.app import create_app
from sync_server.db.models import utcnow
from sync_server.reports.figures import Counts
from sync_server.reports.overview import local_today
from sync_server.reports.queries import Cell
from sync_server.upstream import province, ranking, receive
from tests.support.chains import make_chain
from tests.support.hub import raw_batch
from tests.support.web import add_user, client_as, page

COMMUNES = ("xa-a", "xa-b", "xa-nho", "xa-im", "xa-chua")
DOWNSTREAM = "".join(f'[[downstream]]\nid = "{c}"\nname = "Xã {c}"\ntoken = "token-{c}-0123456789abcdef"\n'
                     for c in COMMUNES)


def scores(good_every: int):
    """q1 = 5 except every `good_every`-th seq, which is 1."""
    return lambda seq: {"answers": {"q1": 1 if seq % good_every == 0 else 5}}


def push(cfg, sid: str, store: str, n: int, day: date, *, when=None, each=None, chain=None):
    entry = next(e for e in cfg.downstream if e.id == sid)
    chain = chain or make_chain(store, n, kiosk_id="quay-1", each=each)
    batch = raw_batch(sid, chain, day.isoformat())
    batch["roster"] = {"officer": [{"code": "nv-lan", "name": "Nguyễn Thị Lan"}]}  # nothing unknown
    return receive.receive(cfg, entry, batch, when or utcnow())


@pytest.fixture
def hub(make_config):
    return build(make_config)


def build(make_config, extra: str = ""):
    cfg = make_config(extra=DOWNSTREAM + extra)
    today = local_today(cfg.tz)
    push(cfg, "xa-a", "s-a", 300, today, each=scores(10))  # 90 %
    push(cfg, "xa-b", "s-b", 300, today, each=scores(5))  # 80 %
    push(cfg, "xa-nho", "s-nho", 20, today, each=scores(1000))  # 100 %, but 20 visits
    # The best share and the most visits, but it last pushed five days ago.
    push(cfg, "xa-im", "s-im", 400, today, each=scores(1000), when=utcnow() - timedelta(days=5))
    bad = make_chain("s-a2", 10, kiosk_id="quay-2")
    bad[6] = {**bad[6], "answers": {"q1": 1}}  # altered after sealing
    assert push(cfg, "xa-a", "s-a2", 0, today, chain=bad).refused[0].reason == "chain"
    again = make_chain("s-a", 3, kiosk_id="quay-1", each=scores(10))
    assert push(cfg, "xa-b", "s-a", 0, today, chain=again).refused[0].reason == "two_units"
    add_user("staff", role="staff")
    return cfg


def test_the_ranking_leaves_out_small_samples_and_silent_communes_and_the_alerts_name_each(hub):
    html = page(client_as(create_app(hub), "staff"), "/province?rank=month")
    ranked = dict(re.findall(r'<tr data-unit="([^"]+)" data-rank="(\d+)">', html))
    assert ranked == {"xa-a": "1", "xa-b": "2"}  # like volumes, one band
    section = html[html.index('id="unranked"'):]
    unranked = dict(re.findall(r'<tr data-unit="([^"]+)">.*?<td>([^<]*)</td>\s*</tr>', section, re.S))
    assert set(unranked) == {"xa-nho", "xa-im", "xa-chua"}
    assert "ít phiếu: 20 lượt, cần ít nhất 100" in unranked["xa-nho"]
    assert "im lặng" in unranked["xa-im"] and "im lặng" in unranked["xa-chua"]

    alerts = html[html.index('id="hub-alerts"'):html.index('id="province"')]
    found = re.findall(r'<li data-unit="([^"]+)" data-kind="([^"]+)">(.*?)</li>', alerts, re.S)
    kinds = [(unit, kind) for unit, kind, _text in found]
    assert kinds == [("xa-a", "chain"), ("xa-b", "two_units"), ("xa-im", "silent"), ("xa-chua", "silent")]
    said = {(u, k): text for u, k, text in found}
    assert "không gửi lên đã 5 ngày" in said[("xa-im", "silent")]
    assert "chưa gửi lên lần nào" in said[("xa-chua", "silent")]
    assert "1 cảnh báo chưa xử lý" in said[("xa-a", "chain")]

    assert client_as(create_app(hub), "staff").get("/province?rank=decade").status_code == 400


def test_the_silent_days_and_the_minimum_sample_are_the_provinces_to_set(make_config):
    """[province] silent_days = 7 (a week of Tết is not silence) and min_sample = 20: the commune
    last heard from five days ago and the one with 20 visits are ranked, and the page says so."""
    cfg = build(make_config, "[province]\nsilent_days = 7\nmin_sample = 20\n")
    html = page(client_as(create_app(cfg), "staff"), "/province?rank=month")
    ranked = dict(re.findall(r'<tr data-unit="([^"]+)" data-rank="(\d+)">', html))
    assert {"xa-im", "xa-nho"} <= set(ranked)
    section = html[html.index('id="unranked"'):]
    assert set(re.findall(r'<tr data-unit="([^"]+)">', section)) == {"xa-chua"}  # never pushed
    assert "không gửi từ 7 ngày trở lên" in html and "có từ 20 lượt đánh giá trở lên" in html
    alerts = html[html.index('id="hub-alerts"'):html.index('id="province"')]
    assert 'data-unit="xa-im" data-kind="silent"' not in alerts


@pytest.mark.parametrize("key, value", [("silent_days", "0"), ("silent_days", '"3"'), ("min_sample", "0")])
def test_a_bad_province_value_names_its_key(tmp_path, key, value):
    path = tmp_path / "server.toml"
    path.write_text(f'[server]\ndata_dir = "{tmp_path}"\n[province]\n{key} = {value}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        server_config.load(path)
    assert f"server.toml: province.{key}: must be" in str(caught.value)


def commune(sid: str, silent: bool = False) -> province.Commune:
    return province.Commune(sid, sid, Cell(), Cell(), None, "", "", None, 0, silent)


def cell(visits: int, good: int) -> Cell:
    return Cell(Counts.of(visits - good, 0, 0, 0, good), visits)


def test_communes_rank_among_peers_of_their_volume_equal_shares_share_a_rank():
    communes = [commune(s) for s in ("rural", "ward", "ward-2", "ward-3", "tiny")]
    cells = {"rural": cell(240, 235), "ward": cell(9000, 8100), "ward-2": cell(6000, 5700),
             "ward-3": cell(3000, 2850), "tiny": cell(99, 99)}
    bands, unranked = ranking.rank(communes, cells, 30, "survey", 3)  # 8, 300, 200, 100 a day
    assert [(b.label, [(r.commune.server_id, r.rank) for r in b.rows]) for b in bands] == [
        ("Dưới 10 lượt/ngày", [("rural", 1)]),
        ("Từ 50 lượt/ngày", [("ward-2", 1), ("ward-3", 1), ("ward", 3)])]
    assert [u.commune.server_id for u in unranked] == ["tiny"]  # 99 < MIN_SAMPLE, even at 100 %


def test_the_wilson_interval_is_wide_for_few_answers_and_narrow_for_many():
    low, high = ranking.wilson(9, 10)  # the textbook values: 59.6 % – 98.2 %
    assert (round(low, 1), round(high, 1)) == (59.6, 98.2)
    low, high = ranking.wilson(900, 1000)  # 88.0 % – 91.7 %
    assert (round(low, 1), round(high, 1)) == (88.0, 91.7)
