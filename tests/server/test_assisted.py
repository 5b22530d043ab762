"""Assisted ratings reported apart (NĐ 118/2025 Điều 31.3; issue 14): the kiosk's officer key
marks a rating, the flag travels in the sealed response through the real kiosk API and pull, the
QR page's checkbox does the same, and /reports/assisted shows them beside the others per officer
(page and CSV); excluded responses are left out."""

from __future__ import annotations

import json
from datetime import timedelta

from kiosk.controller import KioskController
from sync_server.app import create_app
from sync_server.collect.puller import pull_kiosk
from sync_server.db.models import Response
from sync_server.ops import demo_data
from sync_server.roster import build as roster
from tests.support.kiosk_core import FakeClock
from tests.support.web import add_user, client_as, csrf_token


def test_assisted_ratings_travel_from_kiosk_and_qr_page_to_their_own_columns(make_kiosk, make_config):
    k = make_kiosk("quay-1")
    cfg = make_config([k.entry()], extra="[qr]\nper_device = 100\nper_ip = 100\n")
    demo_data.seed(cfg)
    roster.touch(cfg)
    assert pull_kiosk(cfg.kiosks[0], cfg).status == "ok"
    officer = k.store.roster()["kiosk"]["officers_on_duty"][0]

    clock = FakeClock()
    c = KioskController(k.store, cooldown_s=0, thanks_s=3, inactivity_s=60, clock=clock)
    c.settings["ask_procedure"] = False
    for score, helped in ((2, True), (5, False), (3, False)):
        if helped:
            c.mark_assisted()  # the officer's key, then the citizen's keys
        for _ in range(len(c.flow.questions)):
            c.press(score, "keypad")
        clock.advance(10)
        c.tick()
    bodies = k.store.responses_after(0, 10)
    assert [b["flags"] for b in bodies] == [["assisted"], [], []]
    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert (r.status, r.received) == ("ok", 3), r.line()
    assert [x.assisted for x in Response.select().order_by(Response.seq)] == [True, False, False]

    app = create_app(cfg)
    phone = app.test_client()
    html = phone.get(f"/r/{officer}").get_data(as_text=True)
    box = html.split('name="assisted"')[1].split(">")[0]
    assert "checked" not in box and "Có cán bộ giúp tôi đánh giá" in html
    for helped in ("1", ""):
        token = csrf_token(phone.get(f"/r/{officer}").get_data(as_text=True))
        first = c.flow.questions[0]
        sent = phone.post(f"/r/{officer}", data={"csrf_token": token, "o": officer, f"q_{first}": "5",
                                                 **({"assisted": helped} if helped else {})})
        assert sent.status_code == 303
    rows = list(Response.select().where(Response.channel == "qr").order_by(Response.seq))
    qr = [json.loads(x.body) for x in rows]
    assert [x.assisted for x in rows] == [True, False]
    assert ["assisted" in b["flags"] for b in qr] == [True, False]
    bad = phone.post(f"/r/{officer}", data={"csrf_token": token, "o": officer, "assisted": "yes"})
    assert bad.status_code == 400 and "chỉ nhận giá trị 1" in bad.get_data(as_text=True)

    day = Response.get().local_date
    add_user("staff", "staff")
    staff = client_as(app, "staff")
    url = f"/reports/assisted?period=custom&start={day - timedelta(days=1)}&end={day + timedelta(days=1)}"
    page = staff.get(url).get_data(as_text=True)
    assert "Phiếu có cán bộ giúp đánh giá" in page
    n = len(c.flow.questions)
    # Helped: the kiosk's 2 (n answers, none at 4–5) and the QR's 5 (one answer). Alone: the
    # kiosk's 5 and 3 (n answers each) and the QR's 5.
    csv = staff.get(url + "&fmt=csv").get_data(as_text=True)
    name = next(line for line in csv.splitlines() if line.startswith(("Nguyễn", "Trần", "Lê", "Phạm")))
    helped_pct = f"{100 * 1 / (n + 1):.1f}".replace(".", ",") + " %"
    alone_pct = f"{100 * (n + 1) / (2 * n + 1):.1f}".replace(".", ",") + " %"
    assert name.split(",", 1)[1] == f'2,"{helped_pct}",3,"{alone_pct}"', name

    # A response left out of the reports is left out here too.
    Response.update(excluded=True).where(Response.seq == 1, Response.channel == "keypad").execute()
    csv = staff.get(url + "&fmt=csv").get_data(as_text=True)
    assert any(line.endswith(f',1,"100,0 %",3,"{alone_pct}"') for line in csv.splitlines()), csv
