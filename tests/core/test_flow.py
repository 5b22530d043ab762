"""The rating session state machine, on a fake clock."""

from __future__ import annotations

import pytest

from kiosk.flow import Outcome, Phase, RatingFlow, Submission


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.submissions: list[Submission] = []
        self.fail = fail

    def __call__(self, submission: Submission) -> int:
        if self.fail:
            raise OSError("disk full")
        self.submissions.append(submission)
        return len(self.submissions)


def make(fake_clock, questions=("q1",), **kw):
    rec = Recorder()
    kw.setdefault("cooldown_s", 0)
    kw.setdefault("thanks_s", 3)
    kw.setdefault("inactivity_s", 60)
    return RatingFlow(questions, rec, clock=fake_clock, **kw), rec


def test_single_question_press_records_and_thanks(fake_clock):
    flow, rec = make(fake_clock)
    assert flow.phase is Phase.IDLE
    assert flow.press(5, "touch") is Outcome.RECORDED
    assert flow.phase is Phase.THANKS
    assert rec.submissions == [Submission({"q1": 5}, "touch", False)]
    assert flow.last_record == 1


def test_thanks_returns_to_idle_after_thanks_s(fake_clock):
    flow, _ = make(fake_clock, thanks_s=3)
    flow.press(4, "keypad")
    fake_clock.advance(2.9)
    assert flow.tick() is False and flow.phase is Phase.THANKS
    fake_clock.advance(0.1)
    assert flow.tick() is True and flow.phase is Phase.IDLE
    assert flow.tick() is False


def test_press_during_thanks_is_next_citizens_response(fake_clock):
    flow, rec = make(fake_clock, cooldown_s=0)
    for score in (5, 1, 3):
        assert flow.press(score, "button") is Outcome.RECORDED
        fake_clock.advance(0.01)
    assert [s.answers for s in rec.submissions] == [{"q1": 5}, {"q1": 1}, {"q1": 3}]
    assert flow.phase is Phase.THANKS


def test_press_during_thanks_restarts_thanks_timer(fake_clock):
    flow, _ = make(fake_clock, thanks_s=3)
    flow.press(5, "touch")
    fake_clock.advance(2.5)
    flow.press(4, "touch")
    fake_clock.advance(2.5)
    flow.tick()
    assert flow.phase is Phase.THANKS


def test_cooldown_ignores_presses_then_accepts(fake_clock):
    flow, rec = make(fake_clock, cooldown_s=3)
    assert flow.press(5, "touch") is Outcome.RECORDED
    fake_clock.advance(2.99)
    assert flow.press(5, "touch") is Outcome.IGNORED_COOLDOWN
    assert flow.last_outcome is Outcome.IGNORED_COOLDOWN
    fake_clock.advance(0.01)
    assert flow.press(2, "touch") is Outcome.RECORDED
    assert [s.answers["q1"] for s in rec.submissions] == [5, 2]


def test_cooldown_zero_disables_it(fake_clock):
    flow, rec = make(fake_clock, cooldown_s=0)
    for _ in range(10):
        flow.press(3, "keypad")
    assert len(rec.submissions) == 10


def test_multi_question_session(fake_clock):
    flow, rec = make(fake_clock, questions=("q1", "q2", "q3"))
    assert flow.press(5, "touch") is Outcome.ANSWERED
    assert flow.phase is Phase.ASKING and flow.question_index == 1
    assert flow.skip() is Outcome.SKIPPED and flow.question_index == 2
    assert flow.press(2, "touch") is Outcome.RECORDED
    assert rec.submissions == [Submission({"q1": 5, "q3": 2}, "touch", False)]
    assert flow.phase is Phase.THANKS and flow.question_index == 0


def test_done_commits_answers_so_far_never_imputing(fake_clock):
    flow, rec = make(fake_clock, questions=("q1", "q2", "q3"))
    flow.press(4, "touch")
    assert flow.done() is Outcome.RECORDED
    assert rec.submissions == [Submission({"q1": 4}, "touch", False)]


def test_inactivity_commits_partial_and_goes_idle(fake_clock):
    flow, rec = make(fake_clock, questions=("q1", "q2"), inactivity_s=60)
    flow.press(3, "button")
    fake_clock.advance(59)
    flow.tick()  # the warning shows; the session goes on
    assert flow.phase is Phase.ASKING and flow.timeout_warning
    fake_clock.advance(1)
    assert flow.tick() is True
    assert flow.phase is Phase.IDLE
    assert rec.submissions == [Submission({"q1": 3}, "button", True)]


def test_skip_and_done_are_ignored_when_idle(fake_clock):
    flow, rec = make(fake_clock)
    assert flow.skip() is Outcome.IGNORED
    assert flow.done() is Outcome.IGNORED
    assert rec.submissions == []


def test_failed_commit_shows_no_thanks(fake_clock):
    rec = Recorder(fail=True)
    flow = RatingFlow(("q1",), rec, cooldown_s=0, clock=fake_clock)
    assert flow.press(5, "touch") is Outcome.FAILED
    assert flow.phase is Phase.IDLE


def test_questions_swap_only_between_sessions(fake_clock):
    flow, _ = make(fake_clock, questions=("q1", "q2"))
    flow.press(5, "touch")
    assert flow.set_questions(["a"]) is False
    flow.done()
    assert flow.set_questions(["a", "b", "c"]) is True
    assert flow.questions == ("a", "b", "c")


@pytest.mark.parametrize("score,channel", [(0, "touch"), (6, "touch"), (3, "voice"), (True, "qr")])
def test_bad_press_is_rejected(fake_clock, score, channel):
    flow, rec = make(fake_clock)
    with pytest.raises(ValueError):
        flow.press(score, channel)
    assert rec.submissions == []


# --- reasons, procedure, shared mode, bursts ------------------------------------------------

def test_low_score_opens_reasons_then_commits_them(fake_clock):
    flow, rec = make(fake_clock, reasons=("wait", "attitude", "guidance"))
    assert flow.press(2, "touch") is Outcome.ANSWERED
    assert flow.phase is Phase.REASONS
    assert flow.toggle_reason("wait") is Outcome.ANSWERED
    assert flow.toggle_reason("attitude") is Outcome.ANSWERED
    assert flow.toggle_reason("wait") is Outcome.ANSWERED  # tapped again: unchosen
    assert flow.toggle_reason("not-offered") is Outcome.IGNORED
    assert flow.chosen_reasons == ("attitude",)
    assert flow.done() is Outcome.RECORDED
    assert rec.submissions == [Submission({"q1": 2}, "touch", False, reasons=("attitude",))]


def test_the_follow_up_shows_after_a_5_as_after_a_1(fake_clock):
    """The step reveals nothing: every score of a touch session leads to the same chips."""
    flow, rec = make(fake_clock, reasons=("wait", "attitude"))
    for score in (5, 1, 3):
        assert flow.press(score, "touch") is Outcome.ANSWERED
        assert flow.phase is Phase.REASONS and flow.reasons == ("wait", "attitude")
        assert flow.done() is Outcome.RECORDED
    assert [s.answers["q1"] for s in rec.submissions] == [5, 1, 3]


def test_skipping_reasons_keeps_the_score_and_no_reasons(fake_clock):
    flow, rec = make(fake_clock, reasons=("wait",))
    flow.press(1, "touch")
    flow.toggle_reason("wait")
    assert flow.skip() is Outcome.RECORDED
    assert rec.submissions[0].answers == {"q1": 1} and rec.submissions[0].reasons == ()


@pytest.mark.parametrize("channel", ["keypad", "button"])
def test_a_key_on_the_follow_up_step_ends_with_thanks_and_starts_nothing(fake_clock, channel):
    """K2: keys cannot pick chips. The press ends the session as it stands (complete, not
    partial) with thanks; the next press is a fresh session at question 1, not question 2."""
    flow, rec = make(fake_clock, questions=("q1", "q2", "q3"), reasons=("wait",), ask_procedure=True)
    for score in (5, 4, 1):
        flow.press(score, "touch")
    flow.toggle_reason("wait")
    assert flow.phase is Phase.REASONS
    assert flow.press(3, channel) is Outcome.RECORDED
    assert flow.phase is Phase.THANKS and not flow.in_session
    assert rec.submissions == [Submission({"q1": 5, "q2": 4, "q3": 1}, "touch", False, reasons=("wait",))]
    assert flow.press(2, channel) is Outcome.ANSWERED
    assert flow.phase is Phase.ASKING and flow.question_index == 1  # "Câu 2/3": q1 answered


@pytest.mark.parametrize("channel", ["keypad", "button"])
def test_a_key_on_the_procedure_step_ends_with_thanks(fake_clock, channel):
    flow, rec = make(fake_clock, ask_procedure=True)
    flow.press(4, "touch")
    assert flow.phase is Phase.PROCEDURE
    assert flow.press(1, channel) is Outcome.RECORDED and flow.phase is Phase.THANKS
    assert rec.submissions == [Submission({"q1": 4}, "touch", False)]


@pytest.mark.parametrize("channel", ["keypad", "button"])
def test_a_session_begun_by_a_key_or_button_never_shows_a_touch_step(fake_clock, channel):
    """A buttons-only kiosk: every question is asked, then thanks; no chips, no procedure."""
    flow, rec = make(fake_clock, questions=("a", "b", "c", "d", "e"), reasons=("wait",),
                     ask_procedure=True)
    phases = []
    for score in (5, 4, 3, 2, 1):
        flow.press(score, channel)
        phases.append(flow.phase)
    assert phases == [Phase.ASKING] * 4 + [Phase.THANKS]
    assert rec.submissions == [Submission(dict(zip("abcde", (5, 4, 3, 2, 1), strict=True)), channel, False)]


def test_a_touch_session_may_be_answered_by_keys_and_still_offers_the_follow_up(fake_clock):
    flow, rec = make(fake_clock, questions=("a", "b"), reasons=("wait",))
    flow.press(5, "touch")
    assert flow.press(4, "keypad") is Outcome.ANSWERED and flow.phase is Phase.REASONS
    assert flow.skip() is Outcome.RECORDED
    assert rec.submissions == [Submission({"a": 5, "b": 4}, "touch", False)]


def test_inactivity_on_reasons_keeps_the_score_as_partial(fake_clock):
    flow, rec = make(fake_clock, reasons=("wait",), inactivity_s=30)
    flow.press(2, "touch")
    fake_clock.advance(30)
    assert flow.tick() is True and flow.phase is Phase.IDLE
    assert rec.submissions == [Submission({"q1": 2}, "touch", True)]


def test_procedure_step_records_the_choice_or_other(fake_clock):
    flow, rec = make(fake_clock, ask_procedure=True)
    assert flow.press(4, "touch") is Outcome.ANSWERED and flow.phase is Phase.PROCEDURE
    assert flow.choose_procedure("1.001193") is Outcome.RECORDED
    flow.press(5, "touch")
    assert flow.choose_procedure(None) is Outcome.RECORDED  # "Khác"
    assert [s.procedure for s in rec.submissions] == ["1.001193", None]


def test_reasons_come_before_the_procedure(fake_clock):
    flow, rec = make(fake_clock, reasons=("wait",), ask_procedure=True)
    flow.press(1, "touch")
    assert flow.phase is Phase.REASONS
    flow.toggle_reason("wait")
    assert flow.done() is Outcome.ANSWERED and flow.phase is Phase.PROCEDURE
    assert flow.skip() is Outcome.RECORDED
    assert rec.submissions == [Submission({"q1": 1}, "touch", False, reasons=("wait",))]


def test_counter_mode_names_the_default_officer(fake_clock):
    flow, rec = make(fake_clock)
    flow.default_officer = "nv-lan"
    flow.press(5, "keypad")
    assert rec.submissions[0].officer == "nv-lan"


def test_shared_mode_citizen_picks_the_officer_first(fake_clock):
    flow, rec = make(fake_clock, questions=("q1", "q2"))
    assert flow.choose_officer("nv-hung") is Outcome.ANSWERED
    assert flow.phase is Phase.ASKING and flow.question_index == 0
    assert flow.choose_officer("nv-lan") is Outcome.ANSWERED  # changed their mind
    flow.press(4, "touch")
    flow.press(5, "touch")
    assert rec.submissions == [Submission({"q1": 4, "q2": 5}, "touch", False, officer="nv-lan")]


def test_choosing_an_officer_and_walking_away_records_nothing(fake_clock):
    flow, rec = make(fake_clock, inactivity_s=30)
    flow.choose_officer("nv-hung")
    fake_clock.advance(30)
    assert flow.tick() is True and flow.phase is Phase.IDLE
    assert rec.submissions == []


def test_all_questions_skipped_records_nothing(fake_clock):
    flow, rec = make(fake_clock, questions=("q1", "q2"))
    flow.choose_officer("nv-hung")
    flow.skip()
    assert flow.skip() is Outcome.SKIPPED
    assert flow.phase is Phase.IDLE and rec.submissions == []


def test_burst_flag_mode_keeps_fast_presses_flagged(fake_clock):
    flow, rec = make(fake_clock, cooldown_s=2, burst_action="flag")
    flow.press(5, "button")
    fake_clock.advance(0.3)
    assert flow.press(5, "button") is Outcome.RECORDED
    fake_clock.advance(5)
    flow.press(3, "button")
    assert [s.flags for s in rec.submissions] == [(), ("burst",), ()]
    assert flow.cooldown_drops == 0


def test_ignored_presses_are_counted(fake_clock):
    flow, rec = make(fake_clock, cooldown_s=2)
    flow.press(5, "button")
    flow.press(5, "button")
    flow.press(5, "button")
    assert len(rec.submissions) == 1 and flow.cooldown_drops == 2


def test_questionnaire_swap_waits_for_the_end_of_reasons(fake_clock):
    flow, _ = make(fake_clock, reasons=("wait",))
    flow.press(1, "touch")
    assert flow.set_questions(["a", "b"]) is False
    flow.done()
    assert flow.set_questions(["a", "b"], reasons=()) is True and flow.reasons == ()


# --- the cooldown is between sessions only --------------------------------------------------

def test_the_single_question_rule_with_cooldown_zero(fake_clock):
    """★ With the built-in single question and cooldown_s = 0, every key or button press (also
    while thanks shows) and every face tap on the idle screen is exactly one response."""
    flow, rec = make(fake_clock, cooldown_s=0, thanks_s=3)
    expected = []
    for i, (score, channel) in enumerate([(5, "keypad"), (1, "button"), (3, "keypad"), (2, "button")]):
        assert flow.press(score, channel) is Outcome.RECORDED  # while the thanks screen shows
        expected.append((score, channel))
        fake_clock.advance(0.1 * i)
    fake_clock.advance(3)
    flow.tick()
    for score in (4, 5):  # the idle screen's faces, each after the thanks screen has gone
        assert flow.phase is Phase.IDLE
        assert flow.press(score, "touch") is Outcome.RECORDED
        expected.append((score, "touch"))
        fake_clock.advance(3)
        flow.tick()
    assert [(s.answers["q1"], s.channel) for s in rec.submissions] == expected


def test_fast_taps_inside_a_session_are_never_dropped(fake_clock):
    """K3: six taps 0.6 s apart with cooldown_s = 2 on a five-question form: five answers and
    the follow-up step; nothing dropped, nothing counted as a cooldown drop."""
    flow, rec = make(fake_clock, questions=("a", "b", "c", "d", "e"), reasons=("wait",), cooldown_s=2)
    outcomes = []
    for score in (5, 4, 3, 2, 1):
        outcomes.append(flow.press(score, "touch"))
        fake_clock.advance(0.6)
    assert outcomes == [Outcome.ANSWERED] * 5 and flow.phase is Phase.REASONS
    assert flow.done() is Outcome.RECORDED
    assert rec.submissions[0].answers == dict(zip("abcde", (5, 4, 3, 2, 1), strict=True))
    assert flow.cooldown_drops == 0


def test_the_cooldown_still_drops_the_start_of_the_next_session(fake_clock):
    flow, rec = make(fake_clock, questions=("a", "b"), cooldown_s=2)
    flow.press(5, "keypad")
    fake_clock.advance(1.5)  # 1.5 s into the session: still answered
    assert flow.press(4, "keypad") is Outcome.RECORDED
    fake_clock.advance(1.9)  # 1.9 s after the end of that session
    assert flow.press(3, "keypad") is Outcome.IGNORED_COOLDOWN
    assert flow.choose_officer("nv-lan") is Outcome.IGNORED_COOLDOWN  # an officer tap starts one too
    assert flow.cooldown_drops == 2 and flow.phase is Phase.THANKS
    fake_clock.advance(0.1)
    assert flow.press(3, "keypad") is Outcome.ANSWERED
    assert [s.answers for s in rec.submissions] == [{"a": 5, "b": 4}]


def test_the_cooldown_flags_the_next_session_in_flag_mode(fake_clock):
    flow, rec = make(fake_clock, questions=("a", "b"), cooldown_s=2, burst_action="flag")
    for score in (5, 4):
        flow.press(score, "button")
        fake_clock.advance(0.5)
    for score in (3, 2):  # begun 0.5 s after the last one ended
        flow.press(score, "button")
        fake_clock.advance(0.5)
    assert [s.flags for s in rec.submissions] == [(), ("burst",)]
    assert flow.cooldown_drops == 0


def test_thanks_hides_the_faces_while_the_cooldown_would_drop_a_tap(fake_clock):
    flow, _ = make(fake_clock, cooldown_s=5, thanks_s=3)
    flow.press(5, "touch")
    fake_clock.advance(4.9)
    flow.tick()
    assert flow.phase is Phase.THANKS
    fake_clock.advance(0.1)
    assert flow.tick() and flow.phase is Phase.IDLE
    flagging, _ = make(fake_clock, cooldown_s=5, thanks_s=3, burst_action="flag")
    flagging.press(5, "touch")
    fake_clock.advance(3)
    assert flagging.tick() and flagging.phase is Phase.IDLE  # flagged presses are kept anyway


# --- the time-out warning, and going back to the officer list --------------------------------

def test_the_time_out_warning_shows_in_the_last_ten_seconds(fake_clock):
    flow, rec = make(fake_clock, questions=("a", "b", "c"), inactivity_s=60)
    flow.press(4, "touch")
    fake_clock.advance(49.9)
    assert flow.tick() is False and not flow.timeout_warning
    fake_clock.advance(0.1)
    assert flow.tick() is True and flow.timeout_warning  # the screen must change: tick says so
    assert flow.tick() is False
    assert flow.keep_alive() is Outcome.CONTINUED and not flow.timeout_warning  # "Tiếp tục"
    fake_clock.advance(50)
    assert flow.tick() is True and flow.timeout_warning
    assert flow.press(2, "keypad") is Outcome.ANSWERED and not flow.timeout_warning  # answers as usual
    assert flow.question_index == 2
    fake_clock.advance(60)
    assert flow.tick() is True and flow.phase is Phase.IDLE and not flow.timeout_warning
    assert rec.submissions == [Submission({"a": 4, "b": 2}, "touch", True)]
    assert flow.keep_alive() is Outcome.IGNORED


def test_a_short_inactivity_warns_for_half_of_it(fake_clock):
    flow, _ = make(fake_clock, questions=("a", "b"), inactivity_s=8)
    flow.press(4, "touch")
    fake_clock.advance(4)
    assert flow.tick() and flow.timeout_warning


def test_the_warning_also_shows_on_the_follow_up_step(fake_clock):
    flow, rec = make(fake_clock, reasons=("wait",), inactivity_s=30)
    flow.press(5, "touch")
    fake_clock.advance(20)
    assert flow.tick() and flow.timeout_warning and flow.phase is Phase.REASONS
    flow.toggle_reason("wait")
    assert not flow.timeout_warning


def test_choose_again_goes_back_to_the_officers_and_stores_nothing(fake_clock):
    flow, rec = make(fake_clock)
    flow.choose_officer("nv-hung")
    assert flow.cancel() is Outcome.SKIPPED and flow.phase is Phase.IDLE
    assert flow.session_officer is None and rec.submissions == []
    flow.choose_officer("nv-lan")
    assert flow.press(4, "touch") is Outcome.RECORDED
    assert rec.submissions == [Submission({"q1": 4}, "touch", False, officer="nv-lan")]
    assert flow.cancel() is Outcome.IGNORED  # nothing to go back from


def test_choose_again_never_drops_an_answer(fake_clock):
    flow, rec = make(fake_clock, questions=("a", "b"))
    flow.choose_officer("nv-hung")
    flow.press(5, "touch")
    assert flow.cancel() is Outcome.IGNORED and flow.phase is Phase.ASKING
    assert flow.answered == 1
