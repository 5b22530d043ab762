"""The yes/no question (roster schema 3, issue 14): Có / Không on the screen only, stored apart
from the 1–5 answers; keys and buttons pass over it; a kiosk that does not know the type never
receives it; the wire format refuses a yes/no value that is not a boolean."""

from __future__ import annotations

import copy

import pytest

from kiosk.flow import Outcome, Phase, RatingFlow, Submission
from kiosk.shared.exc import ProtocolError
from kiosk.shared.presets import PRESETS
from kiosk.shared.protocol import (
    GENESIS_HASH,
    QUESTION_TYPES,
    for_kiosk,
    seal,
    validate_response,
    validate_roster,
)

QUESTIONS = ("thai-do", "chi-phi", "dung-hen")


def make(fake_clock, **kw):
    records: list[Submission] = []
    flow = RatingFlow(QUESTIONS, records.append, clock=fake_clock, cooldown_s=0, thanks_s=3,
                      inactivity_s=60, yes_no={"chi-phi"}, **kw)
    return flow, records


def test_yes_and_no_each_go_on_to_the_next_question_the_same_way(fake_clock):
    seen = []
    for value in (True, False):
        flow, records = make(fake_clock)
        flow.press(4, "touch")
        assert flow.answer_yes_no(value) is Outcome.ANSWERED
        seen.append((flow.phase, flow.question_index, flow.asking_yes_no))
        assert flow.press(5, "touch") is Outcome.RECORDED
        assert records == [Submission({"thai-do": 4, "dung-hen": 5}, "touch", False,
                                      yes_no={"chi-phi": value})]
        fake_clock.advance(10)
        flow.tick()
    assert seen[0] == seen[1] == (Phase.ASKING, 2, False)  # what follows reveals nothing


def test_keys_and_buttons_pass_over_a_yes_no_question(fake_clock):
    for channel in ("keypad", "button"):
        flow, records = make(fake_clock)
        assert flow.press(1, channel) is Outcome.ANSWERED
        assert flow.question_index == 2 and not flow.asking_yes_no
        assert flow.press(5, channel) is Outcome.RECORDED
        assert records[-1].answers == {"thai-do": 1, "dung-hen": 5} and records[-1].yes_no == {}
        fake_clock.advance(10)
        flow.tick()


def test_a_key_pressed_on_a_yes_no_question_ends_the_session_and_answers_nothing(fake_clock):
    flow, records = make(fake_clock)
    flow.press(3, "touch")
    assert flow.asking_yes_no
    assert flow.press(5, "keypad") is Outcome.RECORDED  # 5 is neither yes nor no
    assert records == [Submission({"thai-do": 3}, "touch", False)]
    assert flow.phase is Phase.THANKS


def test_yes_no_outside_its_question_is_ignored_and_skip_leaves_it_empty(fake_clock):
    flow, records = make(fake_clock)
    assert flow.answer_yes_no(True) is Outcome.IGNORED  # idle
    flow.press(4, "touch")
    assert flow.skip() is Outcome.SKIPPED and flow.question_index == 2
    assert flow.answer_yes_no(True) is Outcome.IGNORED  # a scale question now
    flow.done()
    assert records == [Submission({"thai-do": 4}, "touch", False)]


def test_a_yes_no_question_cannot_be_first():
    with pytest.raises(ValueError, match="first question"):
        RatingFlow(("chi-phi", "q1"), lambda s: None, yes_no={"chi-phi"})
    flow = RatingFlow(("q1",), lambda s: None)
    assert flow.set_questions(("chi-phi", "q1"), yes_no={"chi-phi"}) is False


def _roster(questionnaire):
    return {"version": 1, "schema": 3, "unit": {"name": "x"}, "questionnaire": questionnaire, "kiosk": {}}


def test_the_preset_is_valid_and_a_kiosk_without_yes_no_never_receives_it():
    nd118 = copy.deepcopy(PRESETS["nd118"])
    validate_roster(_roster(nd118))
    assert [q.get("type", "scale") for q in nd118["questions"]] == ["scale"] * 5 + ["yes_no"]
    old = for_kiosk(nd118, ())
    assert [q["code"] for q in old["questions"]] == [q["code"] for q in nd118["questions"][:5]]
    assert all("type" not in q for q in old["questions"])
    assert for_kiosk(nd118, QUESTION_TYPES) == nd118
    validate_roster(_roster(old))


def test_the_roster_refuses_an_unknown_type_and_a_yes_no_first():
    q = copy.deepcopy(PRESETS["nd118"])
    q["questions"][1]["type"] = "stars"
    with pytest.raises(ProtocolError, match=r"questions\[1\]\.type: must be one of scale, yes_no"):
        validate_roster(_roster(q))
    q = copy.deepcopy(PRESETS["nd118"])
    q["questions"].insert(0, q["questions"].pop())
    with pytest.raises(ProtocolError, match=r"questions\[0\]\.type: the first question must be a 1-5 scale"):
        validate_roster(_roster(q))


def _response(**extra):
    body = {"store_id": "s", "seq": 1, "uuid": "u", "kiosk_id": "k", "officer": None, "procedure": None,
            "questionnaire": "nd118", "questionnaire_version": 1, "answers": {"thai-do": 5}, "reasons": [],
            "channel": "touch", "partial": False, "flags": [], "recorded_at": "2026-12-03T08:00:00+07:00",
            "boot_id": "b", "uptime_ms": 1, **extra}
    return seal(body, GENESIS_HASH)


def test_a_response_carries_yes_no_as_booleans_only():
    validate_response(_response())  # without the key: as every response before schema 3
    validate_response(_response(yes_no={"chi-phi-ngoai": True}))
    for bad, problem in (({"chi-phi-ngoai": 1}, "must be true or false"),
                         ({"thai-do": False}, "is also a 1-5 answer"),
                         ([True], "must be an object")):
        with pytest.raises(ProtocolError, match=problem):
            validate_response(_response(yes_no=bad))
