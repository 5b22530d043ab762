"""The controller: roster applied only between sessions, modes, and what a session stores."""

from __future__ import annotations

from kiosk.controller import KioskController
from kiosk.flow import Phase
from kiosk.procedures import PROCEDURES_PER_PAGE
from tests.support.kiosk_core import FIELD_PROCEDURES, make, roster


def test_no_roster_still_records_with_the_builtin_question(store, fake_clock):
    c = make(store, fake_clock)
    c.press(5, "touch")
    [r] = store.responses_after(0, 10)
    assert (r["questionnaire"], r["answers"], r["officer"]) == ("overall", {"q1": 5}, None)


def test_counter_mode_one_officer_on_duty_is_named(store, fake_clock):
    store.save_roster(roster())
    c = make(store, fake_clock)
    assert c.roster_version == 1 and c.mode == "counter"
    c.press(4, "keypad")
    assert store.responses_after(0, 10)[0]["officer"] == "nv-lan"


def test_two_officers_on_duty_means_no_officer_is_guessed(store, fake_clock):
    store.save_roster(roster(on_duty=("nv-lan", "nv-hung")))
    c = make(store, fake_clock)
    c.press(4, "keypad")
    assert store.responses_after(0, 10)[0]["officer"] is None


def test_new_roster_waits_for_the_session_to_end(store, fake_clock):
    store.save_roster(roster(1, questionnaire="overall"))
    c = make(store, fake_clock)
    store.save_roster(roster(2, questionnaire="phieu-8"))
    c.tick()
    assert c.roster_version == 2 and len(c.flow.questions) == 8
    c.press(5, "touch")  # question 1 of 8
    store.save_roster(roster(3, questionnaire="tieu-chi-5"))
    c.tick()
    assert c.roster_version == 2 and c.flow.phase is Phase.ASKING  # not mid-session
    c.done()
    fake_clock.advance(3)
    c.tick()
    assert c.roster_version == 3 and len(c.flow.questions) == 5
    [r] = store.responses_after(0, 10)
    assert (r["questionnaire"], r["answers"]) == ("phieu-8", {"co-so-vat-chat": 5})


def test_reasons_and_procedure_are_stored(store, fake_clock):
    store.save_roster(roster(questionnaire="tieu-chi-5", ask_procedure=True))
    c = make(store, fake_clock)
    for score in (5, 4, 2, 5, 5):
        c.press(score, "touch")
    assert c.flow.phase is Phase.REASONS
    assert [code for code, _ in c.reason_choices()][:2] == ["wait", "attitude"]
    c.toggle_reason("wait")
    c.done()
    assert c.flow.phase is Phase.PROCEDURE
    assert [p["code"] for p in c.procedures.choices()][:2] == ["1.001193", "1.000894"]  # her field first
    c.choose_procedure("1.000894")
    [r] = store.responses_after(0, 10)
    assert r["reasons"] == ["wait"] and r["procedure"] == "1.000894" and r["officer"] == "nv-lan"
    assert r["answers"]["so-lan-lien-he"] == 2


def test_most_used_procedures_come_first_and_the_list_is_capped(store, fake_clock):
    many = [{"code": f"1.{i:06d}", "name": f"Thủ tục {i}", "field": "tu-phap"} for i in range(500)]
    store.save_roster(roster(ask_procedure=True, procedures=many))
    c = make(store, fake_clock)
    for _ in range(2):
        c.press(5, "touch")
        c.choose_procedure("1.000321")
    choices = [p["code"] for p in c.procedures.choices()]
    assert len(choices) == PROCEDURES_PER_PAGE and choices[0] == "1.000321"
    # Counted again from the store after a restart.
    c2 = make(store, fake_clock)
    c2.press(5, "touch")
    assert c2.procedures.choices()[0]["code"] == "1.000321"


def test_shared_mode_offers_officers_and_records_the_choice(store, fake_clock):
    store.save_roster(roster(mode="shared", on_duty=()))
    c = make(store, fake_clock)
    assert [o["code"] for o in c.officers_to_choose()] == ["nv-lan", "nv-hung"]
    c.choose_officer("nv-hung")
    c.press(3, "touch")
    assert store.responses_after(0, 10)[0]["officer"] == "nv-hung"
    c.press(5, "button")  # a button at idle in shared mode: rated, officer unknown, never guessed
    assert store.responses_after(0, 10)[1]["officer"] is None


def test_burst_flag_reaches_the_store(store, fake_clock):
    c = KioskController(store, cooldown_s=2, thanks_s=3, inactivity_s=60, clock=fake_clock,
                        burst_action="flag")
    c.press(5, "button")
    c.press(5, "button")
    assert [r["flags"] for r in store.responses_after(0, 10)] == [[], ["burst"]]


def test_events_for_the_minutes(store, fake_clock):
    store.save_roster(roster())
    c = KioskController(store, cooldown_s=2, thanks_s=3, inactivity_s=60, clock=fake_clock)
    c.press(5, "button")
    c.press(5, "button")  # inside the cooldown: dropped, but never without a trace
    kinds = [e["kind"] for e in store.events_after(0)]
    assert kinds == ["roster_applied", "cooldown_drop"]
    flagging = KioskController(store, cooldown_s=2, thanks_s=3, inactivity_s=60, clock=fake_clock,
                               burst_action="flag")
    fake_clock.advance(10)
    flagging.press(4, "button")
    flagging.press(4, "button")
    last = store.events_after(0)[-1]
    assert last["kind"] == "burst" and last["detail"]["seq"] == store.head()[0]


# --- the officer on duty chosen on the admin screen --------------------------------------------
def events_of(store, kind: str) -> list[dict]:
    return [e for e in store.events_after(0, 1000) if e["kind"] == kind]


def test_local_duty_choice_survives_a_restart_and_is_logged(store, fake_clock):
    store.save_roster(roster(1))
    c = make(store, fake_clock)
    assert [o["code"] for o in c.officers_on_duty()] == ["nv-lan"]
    assert c.set_duty(["nv-hung"]) and c.local_duty() == ["nv-hung"]
    c.press(4, "touch")
    assert store.responses_after(0, 10)[0]["officer"] == "nv-hung"
    [event] = events_of(store, "duty_set")
    assert event["detail"] == {"officers": ["nv-hung"], "source": "admin"}

    again = make(store, fake_clock)  # a restart: the choice is still there
    assert [o["code"] for o in again.officers_on_duty()] == ["nv-hung"]
    assert again.flow.default_officer == "nv-hung"


def test_a_roster_that_keeps_officers_on_duty_keeps_the_local_choice(store, fake_clock):
    store.save_roster(roster(1))
    c = make(store, fake_clock)
    c.set_duty(["nv-hung"])
    store.save_roster(roster(2, ask_procedure=True))  # a new roster, the same duty list
    c.tick()
    assert c.roster_version == 2 and c.local_duty() == ["nv-hung"]
    store.save_roster(roster(3, on_duty=("nv-lan", "nv-hung")))  # the office changed the duty
    c.tick()
    assert c.local_duty() is None
    assert [o["code"] for o in c.officers_on_duty()] == ["nv-lan", "nv-hung"]
    assert events_of(store, "duty_reset")[0]["detail"]["officers"] == ["nv-lan", "nv-hung"]


def test_duty_cannot_be_set_mid_session_or_to_an_unknown_officer(store, fake_clock):
    store.save_roster(roster(1, questionnaire="tieu-chi-5"))
    c = make(store, fake_clock)
    assert not c.set_duty(["nv-nobody"])
    c.press(5, "touch")
    assert c.flow.in_session and not c.set_duty(["nv-hung"])
    assert c.local_duty() is None
    c.done()
    assert c.set_duty(["nv-hung"]) and c.set_duty(None) and c.local_duty() is None
    assert [e["detail"]["source"] for e in events_of(store, "duty_set")] == ["admin", "roster"]


def at_procedure_step(store, fake_clock, **kw) -> KioskController:
    store.save_roster(roster(ask_procedure=True, procedures=FIELD_PROCEDURES, **kw))
    c = make(store, fake_clock)
    if c.mode == "shared":
        c.choose_officer("nv-hung")
    c.press(5, "touch")
    assert c.flow.phase is Phase.PROCEDURE
    return c


def test_the_officers_own_procedures_come_first_then_all_by_field(store, fake_clock):
    c = at_procedure_step(store, fake_clock)  # Lan: tư pháp
    assert [p["code"] for p in c.procedures.choices()] == [f"1.1{i:05d}" for i in range(PROCEDURES_PER_PAGE)]
    assert c.procedures.more() and c.procedures.view() is None
    pages = c.procedures.pages()
    assert [(p.field, len(p.items), p.number, p.total) for p in pages] == [
        ("Tư pháp – Hộ tịch", 5, 1, 4), ("Tư pháp – Hộ tịch", 2, 2, 4), ("Địa chính – Xây dựng", 3, 3, 4),
        (None, 1, 4, 4)]
    c.procedures.show_page(0)  # "Thủ tục khác…"
    assert c.procedures.view() == pages[0]
    c.procedures.show_page(9)
    assert c.procedures.view() == pages[-1]  # never past the last page
    c.procedures.show_page(None)  # "Trở lại" to her own list
    assert c.procedures.view() is None
    c.procedures.show_page(2)
    c.choose_procedure("2.200001")
    assert store.responses_after(0, 10)[0]["procedure"] == "2.200001"
    fake_clock.advance(5)
    c.tick()
    c.press(4, "touch")
    assert c.procedures.view() is None  # the next citizen starts at the officer's own list


def test_paging_keeps_the_session_alive(store, fake_clock):
    c = at_procedure_step(store, fake_clock)
    fake_clock.advance(55)
    c.tick()
    assert c.flow.timeout_warning
    c.procedures.show_page(1)
    assert not c.flow.timeout_warning
    fake_clock.advance(59)
    c.tick()
    assert c.flow.phase is Phase.PROCEDURE


def test_without_a_known_officer_the_full_list_shows_at_once(store, fake_clock):
    c = at_procedure_step(store, fake_clock, on_duty=("nv-lan", "nv-hung"))  # nobody named
    assert c.procedures.choices() == [] and c.procedures.view() == c.procedures.pages()[0]


def test_a_shared_mode_officer_gets_his_fields_procedures(store, fake_clock):
    c = at_procedure_step(store, fake_clock, mode="shared", on_duty=())
    assert [p["field"] for p in c.procedures.choices()] == ["dia-chinh"] * 3


def test_the_thanks_screen_with_a_qr_code_shows_thanks_qr_s(store, fake_clock):
    store.save_roster(roster(qr_url="http://10.0.0.2:5000/r/quay-1"))
    c = KioskController(store, cooldown_s=0, thanks_s=3, inactivity_s=60, clock=fake_clock, thanks_qr_s=25)
    c.press(5, "touch")
    fake_clock.advance(24.9)
    c.tick()
    assert c.flow.phase is Phase.THANKS
    c.press(4, "keypad")  # the next citizen does not wait for it
    assert [x["answers"]["q1"] for x in store.responses_after(0, 10)] == [5, 4]
    fake_clock.advance(25)
    c.tick()
    assert c.flow.phase is Phase.IDLE
    without = make(store, fake_clock)  # default 20 s, and only with a QR code
    assert without.flow.thanks_s == 20
    store.save_roster(roster(2))
    without.tick()
    assert without.flow.thanks_s == 3


def test_choose_again_and_keep_alive_reach_the_flow(store, fake_clock):
    store.save_roster(roster(mode="shared", on_duty=()))
    c = make(store, fake_clock)
    seen = []
    c.listeners.append(lambda: seen.append(c.flow.phase))
    c.choose_officer("nv-hung")
    assert c.keep_alive().value == "continued"
    c.cancel()
    assert seen == [Phase.ASKING, Phase.ASKING, Phase.IDLE] and store.count() == 0


def test_an_officer_tap_inside_the_cooldown_is_logged(store, fake_clock):
    store.save_roster(roster(mode="shared", on_duty=()))
    c = KioskController(store, cooldown_s=5, thanks_s=3, inactivity_s=60, clock=fake_clock)
    c.press(5, "keypad")
    fake_clock.advance(4)
    assert c.choose_officer("nv-hung").value == "ignored_cooldown"
    assert [e["kind"] for e in store.events_after(0)][-1] == "cooldown_drop"


def test_a_photo_shows_once_it_arrives_and_leaves_the_card_when_the_roster_drops_it(store, fake_clock):
    import hashlib

    from kiosk.photos import PhotoStore

    jpeg = b"\xff\xd8\xff\xe0" + b"Lan's photo" * 40
    sha = hashlib.sha256(jpeg).hexdigest()
    r = roster(mode="shared", on_duty=())
    r["schema"] = 2
    r["officers"][0]["photo"] = {"sha256": sha, "bytes": len(jpeg)}
    store.save_roster(r)
    c = make(store, fake_clock)
    seen = []
    c.listeners.append(lambda: seen.append(c.officer_photo("nv-lan")))
    assert c.officer_photo("nv-lan") is None and c.officer_photo("nv-hung") is None
    PhotoStore(store.path.parent / "photos").put(sha, jpeg)  # what the kiosk API does for the server
    fake_clock.advance(3)
    assert c.tick() is True and seen[-1] == str(store.path.parent / "photos" / f"{sha}.jpg")
    fake_clock.advance(3)
    assert c.tick() is False  # nothing new: no redraw
    r = {**r, "version": 2, "officers": [{**r["officers"][0], "photo": None}, r["officers"][1]]}
    store.save_roster(r)
    fake_clock.advance(3)
    c.tick()
    assert c.officer_photo("nv-lan") is None
    assert not (store.path.parent / "photos" / f"{sha}.jpg").exists()  # a withdrawn photo leaves the card
