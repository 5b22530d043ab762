"""A commune whose questionnaire is its own (several questions, the first about the officer not
the first asked, a yes/no item, two versions): the hub's figures for it — the drill-down's
officers and its table by question — equal the commune's own report. The commune (SQLite) makes
its batches with its own push code (upstream.outbox), the hub (SQLite or PostgreSQL) takes them
through upstream.receive; each side's figures are read from its own database.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sync_server import config as server_config
from sync_server.db import database, init_db, write_transaction
from sync_server.reports import criteria, officers, yes_no
from sync_server.reports import queries as reports
from sync_server.roster import questionnaires
from sync_server.upstream import outbox, receive
from tests.support.chains import iso_vn, make_chain
from tests.support.responses import YEAR_START, store_chain
from tests.support.server import server_toml

QID = "mau-xa-an-binh"
V1 = [{"code": "thu-tuc", "text": {"vi": "Thủ tục có rõ ràng không?"}, "about": "procedure"},
      {"code": "thai-do", "text": {"vi": "Thái độ của cán bộ?"}, "about": "officer"},
      {"code": "co-so", "text": {"vi": "Cơ sở vật chất?"}, "about": "facilities"},
      {"code": "chi-phi", "text": {"vi": "Có phải trả thêm tiền không?"}, "type": "yes_no"}]
V2 = [V1[0], {"code": "huong-dan", "text": {"vi": "Cán bộ hướng dẫn có dễ hiểu không?"}, "about": "officer"},
      *V1[1:]]  # the newest version's first officer question is another one
DOWNSTREAM = '[[downstream]]\nid = "xa-an-binh"\nname = "Xã An Bình"\ntoken = "token-xa-an-binh-0123456789"\n'
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))


def visit(rng: random.Random):
    def each(seq: int) -> dict:
        when = YEAR_START + timedelta(minutes=rng.randrange(0, 360 * 24 * 60))
        base = {"officer": rng.choice(["nv-lan", "nv-hung", None]), "procedure": "1.001193",
                "recorded_at": iso_vn(when), "partial": False}
        if rng.random() < 0.3:  # the built-in form, as a kiosk without a roster sends it
            return {**base, "questionnaire": "overall", "questionnaire_version": 1,
                    "answers": {"q1": rng.randint(1, 5)}}
        version = rng.choice([1, 2])
        codes = [q["code"] for q in (V1 if version == 1 else V2) if q.get("type") != "yes_no"]
        asked = codes[: rng.randint(1, len(codes))]  # some walk away before the officer question
        return {**base, "questionnaire": QID, "questionnaire_version": version,
                "partial": len(asked) < len(codes),
                "answers": {c: rng.choices([1, 2, 3, 4, 5], [1, 1, 2, 4, 6])[0] for c in asked},
                "yes_no": {"chi-phi": rng.random() < 0.1} if len(asked) == len(codes) else {}}
    return each


def figures(unit: str | None) -> dict:
    """What the commune's own report shows (unit None), or the hub's drill-down into it."""
    f = reports.Filters(*PERIOD, unit=unit)
    cells = officers.officer_cells(f)
    plain = {key: (c.counts, c.responses, c.partial) for key, c in reports.figures(f, ("procedure",)).items()}
    return {"officers": {code: (c.counts, c.responses, c.partial) for code, c in cells.items()},
            "questions": [(label, about, c.counts, c.responses)
                          for label, about, c in criteria.rows_of(QID, f)],
            "procedures": plain, "total": reports.total(f).counts,
            "yes_no": yes_no.table(yes_no.count(*PERIOD, unit), "2026", unit).rows}


def test_a_custom_questionnaire_gives_the_same_officer_and_question_figures_at_the_hub(tmp_path, make_config):
    path = tmp_path / "commune.toml"
    path.write_text(server_toml(tmp_path / "commune-data", []), encoding="utf-8")
    commune = server_config.load(path)
    init_db(commune)
    with write_transaction():
        questionnaires.add_version(QID, V1, [], active=False)
        questionnaires.add_version(QID, V2, [], active=True)
    chain = make_chain("store-xa-quay-1", 600, kiosk_id="quay-1", each=visit(random.Random(15)))
    store_chain(chain, "quay-1", commune)
    mine = figures(None)
    batches, acks = [], {}
    for batch in outbox.batches("xa-an-binh", "Xã An Bình", acks, 250, commune.tz, set()):
        batches.append(batch)
        acks.update({s["store_id"]: s["responses"][-1]["seq"] for s in batch["stores"]})  # as the hub will
    database.close()
    # The commune's figures count the officer question of both versions: not a trivial case.
    assert sum(c[0].total for c in mine["officers"].values()) > 300
    assert any(label.endswith("Cán bộ hướng dẫn có dễ hiểu không?") for label, *_r in mine["questions"])
    assert mine["yes_no"][0][0] == "Có phải trả thêm tiền không?" and mine["yes_no"][-1][-1] > 50

    hub = make_config(extra=DOWNSTREAM)
    entry = hub.downstream[0]
    for batch in batches:
        assert not receive.receive(hub, entry, batch, YEAR_START.replace(year=2027)).refused
    # Another commune at the hub with the same questionnaire id and question codes: never mixed in.
    store_chain(make_chain("store-xa-tp-quay-1", 200, kiosk_id="quay-1", each=visit(random.Random(16))),
                "quay-1", hub, unit="xa-tan-phu")
    assert figures("xa-an-binh") == mine
    # The province's report by commune: the commune's row is the commune's own total.
    by_unit = reports.figures(reports.Filters(*PERIOD), ("unit",))[("xa-an-binh",)]
    assert (by_unit.counts, by_unit.responses) == (mine["total"], len(chain))
