"""The idle screen's month figures: computed from the kiosk's own store, by the kiosk clock."""

from __future__ import annotations

from datetime import datetime

from kiosk.controller import KioskController
from kiosk.stats import DeskStats, MonthStats
from tests.support.kiosk_core import make, roster


def month_clock(text: str):
    holder = {"now": datetime.fromisoformat(text)}
    return holder, lambda: holder["now"]


def add(store, officer, score, *, when: str, questionnaire="overall", code="q1"):
    answers = {} if score is None else {code: score}
    return store.append({"officer": officer, "questionnaire": questionnaire, "questionnaire_version": 1,
                         "answers": answers, "channel": "touch", "recorded_at": when})


def test_share_is_4_and_5_among_answered_this_month_per_officer(store):
    add(store, "nv-lan", 5, when="2025-05-31T23:59:59.000+07:00")  # last month: not counted
    for score in (5, 4, 3, 1):
        add(store, "nv-lan", score, when="2025-06-02T09:00:00.000+07:00")
    add(store, "nv-lan", None, when="2025-06-02T09:01:00.000+07:00")  # first question left empty
    add(store, "nv-hung", 2, when="2025-06-03T09:00:00.000+07:00")
    add(store, None, 5, when="2025-06-03T10:00:00.000+07:00", questionnaire="unknown-form")
    _, now = month_clock("2025-06-15T10:00:00+07:00")
    stats = MonthStats(store, lambda q: {"overall": "q1"}.get(q or ""), now)
    assert stats.for_desk(["nv-lan"]) == DeskStats(answered=4, satisfied=2)
    assert stats.for_desk(["nv-lan"]).percent == 50
    assert stats.for_desk(None) == DeskStats(answered=5, satisfied=2)
    assert stats.for_desk(["nv-mai"]).percent is None


def test_running_counter_and_the_new_month(store):
    holder, now = month_clock("2025-06-30T16:00:00+07:00")
    stats = MonthStats(store, lambda q: "q1", now)
    assert stats.for_desk(None) == DeskStats(0, 0)
    stats.record(add(store, "nv-lan", 4, when="2025-06-30T16:00:01.000+07:00"))
    stats.record(add(store, "nv-lan", 2, when="2025-06-30T16:00:02.000+07:00"))
    assert stats.for_desk(["nv-lan"]) == DeskStats(2, 1)
    holder["now"] = datetime.fromisoformat("2025-07-01T08:00:00+07:00")
    stats.record(add(store, "nv-lan", 5, when="2025-07-01T08:00:01.000+07:00"))
    assert stats.for_desk(["nv-lan"]) == DeskStats(1, 1)  # June is gone; July read from the store


def test_controller_counts_the_officer_on_duty_and_honours_show_stats(store, fake_clock):
    r = roster(1)
    r["kiosk"]["show_stats"] = True
    store.save_roster(r)
    c: KioskController = make(store, fake_clock)
    assert c.show_stats
    for score in (5, 5, 4, 2):
        c.press(score, "touch")
    assert c.desk_stats() == DeskStats(4, 3)
    c.set_duty(["nv-hung"])
    c.press(1, "touch")
    assert c.desk_stats() == DeskStats(1, 0)  # the officer now on duty, not the desk's history
    c.set_duty(["nv-lan", "nv-hung"])
    assert c.desk_stats() == DeskStats(5, 3)  # several on duty: the whole desk


def test_idle_screen_shows_the_figures_only_when_asked_and_never_mid_session(store, fake_clock):
    from kiosk.flow import Phase
    from kiosk.ui import screen_model

    store.save_roster(roster(1, questionnaire="tieu-chi-5"))
    c = make(store, fake_clock)
    assert screen_model.build(c, "vi").hint == "Chạm vào một khuôn mặt, hoặc bấm phím 1–5"  # off by default
    r = roster(2, questionnaire="tieu-chi-5")
    r["kiosk"]["show_stats"] = True
    store.save_roster(r)
    c.tick()
    empty = screen_model.build(c, "vi").hint
    assert empty.startswith("Tháng ") and "chưa có lượt đánh giá" in empty
    for score in (5, 2, 4):
        c.press(score, "touch")
        assert c.flow.phase is Phase.ASKING
        assert "hài lòng" not in screen_model.build(c, "vi").hint  # never mid-session
        c.done()
        fake_clock.advance(10)
        c.tick()
    idle = screen_model.build(c, "vi")
    assert idle.phase is Phase.IDLE
    month = screen_model.datetime.now().month
    assert idle.hint == (f"Tháng {month}: 3 lượt đánh giá, 67% hài lòng\n"
                         "% hài lòng = số đánh giá 4–5 / tổng số")
    assert "67% satisfied" in screen_model.build(c, "en").hint
