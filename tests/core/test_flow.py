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
    assert flow.tick() is False and flow.phase is Phase.ASKING
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
