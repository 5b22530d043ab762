"""The NĐ 118 preset on the real app under Xvfb at 800×480 (issue 14): five short questions with
the faces, then the yes/no question as two big buttons of the same look, Có / Không, tapped with
real X pointer events; the answer stored apart from the scores. A keypad session never sees it.
Screenshots go to test-output/gui/ to be looked at."""

from __future__ import annotations

import pytest

from kiosk.shared import portal
from tests.support.gui import push_roster, tap, wait_screen
from tests.support.kiosk_process import KioskProcess
from tests.support.xvfb import OUTPUT

pytestmark = pytest.mark.gui
SHOTS = OUTPUT / "gui"
CHARGE = "chi-phi-ngoai"


def test_nd118_at_800x480_asks_yes_no_on_touch_and_skips_it_on_keys(tmp_path, xvfb):
    k = KioskProcess(tmp_path, xvfb, size=(800, 480)).start()
    try:
        # A 2026 centre: nd118's questions, and the invite to rate the dossier on the national
        # portal too on the thanks screen (server.toml [portal] invite; NĐ 118 Điều 31.1.c).
        push_roster(k, 1, questionnaire="nd118", ask_procedure=False, qr=False,
                    kiosk_extra={"portal_invite": portal.DEFAULT})
        g = wait_screen(k, "idle", "Thái độ của cán bộ khi tiếp Ông/Bà?")
        assert g["clipped"] == []
        k.screenshot(SHOTS / "nd118-800x480-1-idle.png")
        for n, score in enumerate((4, 5, 3, 4, 5), start=1):
            if n > 1:
                g = wait_screen(k, "asking", f"Câu {n}/6")
                assert g["clipped"] == [], g["clipped"]
                if n == 2:
                    k.screenshot(SHOTS / "nd118-800x480-2-question.png")
            tap(k, xvfb, "faces", str(score))
        g = wait_screen(k, "asking", "Câu 6/6")
        assert "Ông/Bà có phải trả khoản tiền nào ngoài quy định không?" in g["texts"]
        assert list(g["choices"]) == ["yes", "no"] and g["faces"] == {} and g["clipped"] == []
        assert set(g["buttons"]) == {"skip", "done"}
        k.screenshot(SHOTS / "nd118-800x480-3-yes-no.png")
        tap(k, xvfb, "choices", "yes")
        g = wait_screen(k, "thanks")
        assert g["choices"] == {} and g["faces"] == {}  # the same thanks as after "Không"
        assert any(portal.DEFAULT["vi"] in t for t in g["texts"]) and g["clipped"] == [], g
        k.screenshot(SHOTS / "nd118-800x480-4-thanks.png")
        [r] = k.wait_for_count(1)
        assert r["answers"] == {"thai-do": 4, "so-lan-di-lai": 5, "so-noi-lien-he": 3, "thong-tin": 4,
                                "dung-hen": 5}
        assert r["yes_no"] == {CHARGE: True} and r["channel"] == "touch"

        # A citizen on the keypad: five keys, thanks; the yes/no question never shows.
        for key in ("1", "2", "3", "4", "5"):
            xvfb.key(key)
            if key != "5":
                wait_screen(k, "asking")
        wait_screen(k, "thanks")
        second = k.wait_for_count(2)[1]
        assert second["channel"] == "keypad" and "yes_no" not in second
        assert second["answers"] == {"thai-do": 1, "so-lan-di-lai": 2, "so-noi-lien-he": 3, "thong-tin": 4,
                                     "dung-hen": 5}
    finally:
        assert k.terminate() == 0, k.log_text()
