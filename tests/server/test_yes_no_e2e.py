"""The yes/no question through the real protocol (issue 14): the server's roster → a real kiosk
API and store → the kiosk's controller (a citizen answering on touch, another on keys) → the pull
→ its own table, never in the 1–5 figures → the report per officer and procedure and a service
alert on a "yes". A kiosk that does not report the type never receives the question."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from kiosk.controller import KioskController
from kiosk.shared.protocol import ROSTER_SCHEMA
from sync_server.collect.puller import pull_kiosk
from sync_server.db import write_transaction
from sync_server.db.models import Answer, RollupDay, ServiceAlert, YesNoAnswer
from sync_server.exc import InputError
from sync_server.ops import demo_data
from sync_server.reports import queries as reports
from sync_server.reports import yes_no
from sync_server.roster import build as roster
from sync_server.roster import questionnaires as qe
from tests.support.fake_kiosk import FakeKiosk

CHARGE = "chi-phi-ngoai"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def use_nd118(cfg) -> None:
    demo_data.seed(cfg)
    with write_transaction():
        qid, questions, reasons = qe.from_preset("nd118")
        qe.add_version(qid, questions, reasons, active=True)
    roster.touch(cfg)


def sessions(controller: KioskController, clock: Clock) -> None:
    """Three citizens: touch 2, 4, 4, 4, 4 then "Có" and the birth registration; touch 5, 4, 4, 4, 4
    then "Không"; keys 1, 4, 4, 4, 4 (no yes/no, no procedure)."""
    for first, value in ((2, True), (5, False)):
        controller.press(first, "touch")
        for _ in range(4):
            controller.press(4, "touch")
        assert controller.flow.asking_yes_no
        controller.answer_yes_no(value)
        # The demo's counter asks for the procedure (touch only): the first names one.
        assert controller.flow.phase.value == "procedure"
        controller.choose_procedure("1.001193" if value else None)
        clock.now += 10
        controller.tick()
    controller.press(1, "keypad")
    for _ in range(4):
        controller.press(4, "keypad")
    assert controller.flow.phase.value == "thanks"
    clock.now += 10
    controller.tick()


def test_a_yes_travels_from_the_kiosk_to_the_report_and_never_into_the_scores(make_kiosk, make_config):
    k = make_kiosk("quay-1")
    cfg = make_config([k.entry()])
    use_nd118(cfg)
    assert pull_kiosk(cfg.kiosks[0], cfg).roster_pushed == roster.current_version()
    pushed = k.store.roster()
    assert pushed["schema"] == ROSTER_SCHEMA == 3
    assert pushed["questionnaire"]["questions"][-1] == {
        "code": CHARGE, "type": "yes_no", "about": "officer",
        "text": {"vi": "Ông/Bà có phải trả khoản tiền nào ngoài quy định không?",
                 "en": "Did you have to pay anything beyond the official fees?"}}

    clock = Clock()
    controller = KioskController(k.store, cooldown_s=0, thanks_s=3, inactivity_s=60, clock=clock)
    assert controller.flow.is_yes_no(CHARGE)
    sessions(controller, clock)
    bodies = k.store.responses_after(0, 10)
    assert [b.get("yes_no") for b in bodies] == [{CHARGE: True}, {CHARGE: False}, None]
    assert all(CHARGE not in b["answers"] for b in bodies)
    assert [b["channel"] for b in bodies] == ["touch", "touch", "keypad"]

    r = pull_kiosk(cfg.kiosks[0], cfg)
    assert (r.status, r.received) == ("ok", 3), r.line()
    assert sorted((a.question, a.value, a.officer, a.procedure) for a in YesNoAnswer.select()) == [
        (CHARGE, False, "nv-lan", None), (CHARGE, True, "nv-lan", "1.001193")]
    # The 1–5 side holds the fifteen scores and nothing else: answers, rollups, figures.
    assert Answer.select().count() == 15 and not Answer.select().where(Answer.question == CHARGE).exists()
    assert not RollupDay.select().where(RollupDay.question == CHARGE).exists()
    assert sum(d.n1 + d.n2 + d.n3 + d.n4 + d.n5 for d in RollupDay.select()) == 15
    today = YesNoAnswer.get().local_date
    f = reports.Filters(today - timedelta(days=1), today + timedelta(days=1))
    total = reports.total(f)
    assert total.counts.total == 15 and total.responses == 3
    assert list(total.counts.n) == [1, 1, 0, 12, 1]
    by_question = reports.figures(f, ("question",))
    assert (CHARGE,) not in by_question and len(by_question) == 5

    counted = yes_no.count(f.start, f.end)
    assert [(c.question, c.officer, c.procedure, c.yes, c.answered) for c in counted] == [
        (CHARGE, "nv-lan", "", 0, 1), (CHARGE, "nv-lan", "1.001193", 1, 1)]
    alerts = list(ServiceAlert.select().where(ServiceAlert.reason == "yes_no"))
    assert [(a.subject_kind, a.subject, a.question) for a in alerts] == [("officer", "nv-lan", CHARGE)]
    assert not ServiceAlert.select().where(ServiceAlert.reason == "low").exists()
    # Pulled again (nothing new) and scanned again: still one alert.
    assert pull_kiosk(cfg.kiosks[0], cfg).received == 0
    with write_transaction():
        assert yes_no.scan_page(k.store.store_id, 1, 3, True, alerts[0].created_at) == 0
    assert ServiceAlert.select().where(ServiceAlert.reason == "yes_no").count() == 1


def test_the_alert_on_yes_can_be_switched_off(make_kiosk, make_config):
    k = make_kiosk("quay-1")
    cfg = make_config([k.entry()], extra="[alerts]\nyes_alert = false\n")
    use_nd118(cfg)
    pull_kiosk(cfg.kiosks[0], cfg)
    clock = Clock()
    sessions(KioskController(k.store, cooldown_s=0, thanks_s=3, inactivity_s=60, clock=clock), clock)
    assert pull_kiosk(cfg.kiosks[0], cfg).received == 3
    assert YesNoAnswer.select().where(YesNoAnswer.value).count() == 1
    assert not ServiceAlert.select().exists()


def test_a_kiosk_that_does_not_report_the_type_never_receives_the_question(make_config):
    old = FakeKiosk("quay-1", "store-old", [])  # its status has no question_types
    try:
        cfg = make_config([("quay-1", old.url, "t" * 24)])
        use_nd118(cfg)
        version = roster.current_version()
        assert pull_kiosk(cfg.kiosks[0], cfg).roster_pushed == version
        sent = old.rosters[-1]
        assert sent["schema"] == 2
        assert [q["code"] for q in sent["questionnaire"]["questions"]] == [
            "thai-do", "so-lan-di-lai", "so-noi-lien-he", "thong-tin", "dung-hen"]
        assert all("type" not in q for q in sent["questionnaire"]["questions"])
        # The same kiosk after an upgrade: it now lists the type, its roster is still schema 2.
        old.status_extra = {"roster_stored_version": version, "roster_stored_schema": 2,
                            "question_types": ["scale", "yes_no"]}
        assert pull_kiosk(cfg.kiosks[0], cfg).roster_pushed == version
        upgraded = old.rosters[-1]
        assert upgraded["schema"] == 3 and upgraded["questionnaire"]["questions"][-1]["code"] == CHARGE
        old.status_extra["roster_stored_schema"] = 3
        assert pull_kiosk(cfg.kiosks[0], cfg).roster_pushed is None  # holds it now: nothing again
    finally:
        old.stop()


def test_the_questionnaire_editor_keeps_the_type(make_config):
    make_config()
    questions = qe.parse_lines(qe.to_lines(qe.from_preset("nd118")[1]), "Câu hỏi", 20)
    assert questions[-1]["type"] == "yes_no" and all("type" not in q for q in questions[:-1])
    assert qe.to_lines(questions).splitlines()[-1].endswith(" | yes_no")
    for bad, what in (("x | Câu? | Q? | stars", "Câu hỏi"), ("x | Chủ đề | Topic | yes_no", "Lý do")):
        with pytest.raises(InputError) as refused:
            qe.parse_lines(bad, what, 20)
        assert refused.value.values["line"] == 1 and "cột thứ tư" in refused.value.template
    # A yes/no question first is refused as the kiosk would refuse it.
    with pytest.raises(InputError, match="bảng hỏi không hợp lệ"):
        qe.add_version("x", [questions[-1], *questions[:-1]], [], active=False)


def test_the_qr_page_asks_it_too_and_stores_it_apart(make_config):
    from sync_server.app import create_app
    from tests.support.web import csrf_token as csrf

    cfg = make_config([("quay-1", "http://127.0.0.1:9", "k" * 24)])
    use_nd118(cfg)
    client = create_app(cfg).test_client()
    html = client.get("/r/quay-1").get_data(as_text=True)
    assert f'name="q_{CHARGE}" value="yes"' in html and f'name="q_{CHARGE}" value="no"' in html
    assert f'name="q_{CHARGE}" value="5"' not in html  # no faces on the yes/no question
    r = client.post("/r/quay-1", data={"csrf_token": csrf(html), "o": "nv-lan", "q_thai-do": "3",
                                       f"q_{CHARGE}": "maybe"})
    assert r.status_code == 400 and "Có hoặc Không" in r.get_data(as_text=True)
    assert not YesNoAnswer.select().exists()
    r = client.post("/r/quay-1", data={"csrf_token": csrf(html), "o": "nv-lan", "q_thai-do": "3",
                                       f"q_{CHARGE}": "yes"})
    assert r.status_code == 303, r.get_data(as_text=True)[:300]
    row = YesNoAnswer.get()
    assert (row.question, row.value, row.officer) == (CHARGE, True, "nv-lan")
    assert [a.question for a in Answer.select()] == ["thai-do"]
    assert ServiceAlert.get(ServiceAlert.reason == "yes_no").subject == "nv-lan"

    # The staff's report of it, as a page and as CSV.
    from tests.support.web import add_user, login

    add_user("staff", "staff")
    staff = create_app(cfg).test_client()
    login(staff, "staff")
    day = row.local_date.isoformat()
    html = staff.get(f"/reports/yes-no?period=custom&start={day}&end={day}").get_data(as_text=True)
    line = html.split("Nguyễn Thị Lan")[1].split("</tr>")[0]
    assert "Ông/Bà có phải trả khoản tiền nào ngoài quy định không?" in html
    assert re.findall(r'<td class="num">(\d+)</td>', line) == ["1", "0", "1"], line
    csv_text = staff.get(f"/reports/yes-no?period=custom&start={day}&end={day}&fmt=csv").get_data()
    assert "Nguyễn Thị Lan,1,0,1" in csv_text.decode("utf-8-sig")
    assert staff.get("/reports/yes-no?period=custom&start=x").status_code == 400


def test_an_alert_missed_after_a_pull_is_caught_up(make_kiosk, make_config):
    k = make_kiosk("quay-1")
    cfg = make_config([k.entry()])
    use_nd118(cfg)
    pull_kiosk(cfg.kiosks[0], cfg)
    clock = Clock()
    sessions(KioskController(k.store, cooldown_s=0, thanks_s=3, inactivity_s=60, clock=clock), clock)
    pull_kiosk(cfg.kiosks[0], cfg)
    ServiceAlert.delete().execute()  # as if the server stopped between the pull and its scan
    with write_transaction():
        now = YesNoAnswer.select().first().response.received_at + timedelta(minutes=1)
        assert yes_no.scan_since(now - timedelta(days=2), True, now) == 1
        assert yes_no.scan_since(now - timedelta(days=2), True, now) == 0
    assert ServiceAlert.get().reason == "yes_no"


def step_to(page, question: str) -> None:
    """"Next" until the question shows, each step waited for: the page moves on the address's
    hashchange, and a click before it did would go to the same step again (seen under load)."""
    for step in range(1, 9):
        if page.locator(f"#q-{question}").is_visible():
            return
        page.click(".qr-next-button")
        page.wait_for_function("n => !document.querySelectorAll('.qr-step')[n].hidden", arg=step)
    raise AssertionError(f"question {question} never showed")


def test_the_preset_the_qr_page_and_the_report_in_chromium(tmp_path, backend, browser_page):
    """An admin makes the nd118 questionnaire on /roster/questionnaires; a citizen answers it on
    the QR page at 360 px (Vietnamese, then English); staff read the yes/no report."""
    from pathlib import Path

    from tests.support.browser import screenshot
    from tests.support.office import PASSWORD, office_server
    from tests.support.serving import browser_login, serving

    port, args = office_server(tmp_path, {"quay-1": "http://127.0.0.1:9"}, 3600, database_url=backend)
    with serving(Path(args[1]), port) as base:
        p = browser_page
        browser_login(p, base, "admin", PASSWORD)
        p.goto(base + "/roster/questionnaires")
        p.select_option("#preset", "nd118")
        p.click("form[action$='/preset'] button[type=submit]")
        p.goto(base + "/roster/questionnaires")
        p.click("text=Dùng bảng hỏi này")
        p.wait_for_load_state()
        p.set_viewport_size({"width": 360, "height": 740})
        p.goto(base + "/r/quay-1?lang=en")
        step_to(p, CHARGE)  # one question a step (JavaScript): on to the last, the yes/no one
        assert p.locator(f"#q-{CHARGE} legend").inner_text().endswith(
            "Did you have to pay anything beyond the official fees?")
        screenshot(p, "qr-nd118-yes-no-en")
        p.goto(base + "/r/quay-1?lang=vi")
        p.click("#q-thai-do label.s4")
        step_to(p, CHARGE)
        p.click(f"#q-{CHARGE} label.qr-yn >> text=Có")
        screenshot(p, "qr-nd118-yes-no-vi")
        p.click(".qr-next-button")
        p.click("button.qr-send")
        p.wait_for_url("**/cam-on**")
        p.set_viewport_size({"width": 1280, "height": 900})
        p.goto(base + "/reports/yes-no?lang=vi")
        assert "Nguyễn Thị Lan" in p.content()
        screenshot(p, "report-yes-no")
        p.goto(base + "/")
        alert = p.locator(".yes-no-alert").inner_text()
        assert alert.endswith("Ông/Bà có phải trả khoản tiền nào ngoài quy định không?"), alert
        screenshot(p, "dashboard-yes-no-alert")
