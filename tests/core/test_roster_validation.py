"""A roster from the server is checked field by field; bad ones are refused with the field named."""

from __future__ import annotations

import copy
import unicodedata

import pytest

from kiosk.shared.exc import ProtocolError
from kiosk.shared.presets import PRESETS
from kiosk.shared.protocol import ABOUT, MAX_QUESTIONS, nfc, validate_roster
from tests.support.kiosk_core import roster


def test_every_preset_is_a_valid_questionnaire():
    for name, questionnaire in PRESETS.items():
        r = roster()
        r["questionnaire"] = copy.deepcopy(questionnaire)
        validate_roster(r)
        sizes = {"overall": 1, "tieu-chi-5": 5, "phieu-8": 8, "nd118": 6}
        assert len(questionnaire["questions"]) == sizes[name]
        # Every preset question says what it is about, and every form has a question about the officer.
        assert all(q["about"] in ABOUT for q in questionnaire["questions"])
        assert any(q["about"] == "officer" for q in questionnaire["questions"])


def test_a_question_without_about_is_still_valid():
    """`about` is optional: rosters of an older server (and custom forms) keep working."""
    r = roster()
    r["questionnaire"] = {"id": "x", "version": 1, "questions": [{"code": "q1", "text": {"vi": "Câu?"}}]}
    validate_roster(r)


@pytest.mark.parametrize("change, field", [
    (lambda r: r["questionnaire"].update(questions=[]), "roster.questionnaire.questions"),
    (lambda r: r["questionnaire"].update(questions=[
        {"code": f"q{i}", "text": {"vi": "Câu hỏi?"}} for i in range(MAX_QUESTIONS + 1)]),
     "roster.questionnaire.questions"),
    (lambda r: r["questionnaire"]["questions"].append(copy.deepcopy(r["questionnaire"]["questions"][0])),
     "roster.questionnaire.questions[1].code"),
    (lambda r: r["questionnaire"].update(reasons=[{"code": "x"}]), "roster.questionnaire.reasons[0].text"),
    (lambda r: r["officers"][0].update(name="A" * 301), "roster.officers[0].name"),
    (lambda r: r["kiosk"].update(qr_url="javascript:alert(1)"), "roster.kiosk.qr_url"),
    (lambda r: r["kiosk"].update(ask_procedure="yes"), "roster.kiosk.ask_procedure"),
    (lambda r: r["kiosk"].update(portal_invite="dichvucong.gov.vn"), "roster.kiosk.portal_invite"),
    (lambda r: r["kiosk"].update(portal_invite={"vi": "x" * 201}), "roster.kiosk.portal_invite"),
    (lambda r: r["kiosk"].update(portal_invite={"vi": "Cổng", "fr": "x"}), "roster.kiosk.portal_invite"),
    (lambda r: r["officers"][0].update(fields=["khong-co"]), "roster.officers[0].fields"),
    (lambda r: r["questionnaire"]["questions"][0].update(about="can-bo"),
     "roster.questionnaire.questions[0].about"),
])
def test_bad_rosters_name_the_field(change, field):
    r = roster()
    change(r)
    with pytest.raises(ProtocolError) as e:
        validate_roster(r)
    assert field in str(e.value)


def test_twenty_questions_are_accepted():
    r = roster()
    r["questionnaire"]["questions"] = [{"code": f"q{i}", "text": {"vi": f"Câu {i}?"}}
                                       for i in range(MAX_QUESTIONS)]
    validate_roster(r)


def test_nfc_makes_decomposed_vietnamese_equal():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Lan")
    assert decomposed != "Nguyễn Thị Lan"
    assert nfc({"officers": [{"name": decomposed}]}) == {"officers": [{"name": "Nguyễn Thị Lan"}]}
