"""The privacy notice on the real app under Xvfb at 800×480 (issue 14; Law 91/2025, NĐ 356/2025):
one line on the idle screen, its full text a touch away, closed by a touch anywhere without
rating anything; a key still rates and takes the notice away. The same session tries the
officer's assist key (NĐ 118 Điều 31.3): nothing on the screen changes, the rating is flagged.
Screenshots in test-output/gui/."""

from __future__ import annotations

import subprocess

import pytest

from kiosk.shared import portal
from tests.support.gui import push_roster, tap, wait_screen
from tests.support.kiosk_process import KioskProcess
from tests.support.xvfb import OUTPUT, wait_for

pytestmark = pytest.mark.gui
SHOTS = OUTPUT / "gui"


def test_the_notice_is_one_line_at_idle_and_its_text_a_touch_away(tmp_path, xvfb):
    # assist_key: the officer's key that marks the rating as assisted (kiosk.assist), tried below.
    k = KioskProcess(tmp_path, xvfb, size=(800, 480), flow_toml_lines='assist_key = "0"\n').start()
    try:
        # With the portal invite ([portal] invite on the server) and the thanks screen's QR code:
        # the thanks screen at its most crowded, looked at below.
        push_roster(k, 1, questionnaire="overall", ask_procedure=False, qr=True,
                    kiosk_extra={"portal_invite": portal.DEFAULT})
        g = wait_screen(k, "idle", "Nguyễn Thị Lan")
        k.screenshot(SHOTS / "privacy-800x480-1-idle.png")
        assert "privacy" in g["buttons"] and g["clipped"] == [], g["clipped"]
        tap(k, xvfb, "buttons", "privacy")
        g = wait_for(lambda: (x := k.settled_geometry())["overlay"] == "privacy" and x, 10, "the notice")
        assert any(t.startswith("Ghi lại: mức đánh giá Ông/Bà chọn") for t in g["texts"])
        k.screenshot(SHOTS / "privacy-800x480-2-notice.png")
        assert any("UBND phường Vạn Phúc" in t for t in g["texts"]) and g["clipped"] == [], g["clipped"]
        # A touch on it (here where a face lies under it) closes it and rates nothing.
        xvfb.click(*k.face_centre(1)) if g["faces"] else xvfb.click(400, 300)
        wait_for(lambda: k.settled_geometry()["overlay"] == "", 10, "the notice closed")
        assert k.status()["last_seq"] == 0

        tap(k, xvfb, "buttons", "language")
        g = wait_screen(k, "idle", "Touch a face")
        tap(k, xvfb, "buttons", "privacy")
        g = wait_for(lambda: (x := k.settled_geometry())["overlay"] == "privacy" and x, 10, "the notice")
        assert "About your data" in g["texts"] and g["clipped"] == [], g["clipped"]
        k.screenshot(SHOTS / "privacy-800x480-3-notice-en.png")
        # The officer's assist key changes nothing on the screen (an onlooker learns nothing);
        # the event log is how the test knows it was taken.
        before = k.screenshot(SHOTS / "assist-800x480-1-before.png")
        xvfb.key("0")
        wait_for(lambda: "assist_marked" in k.events(), 15, "the assist mark")
        assert k.settled_geometry() == g
        after = k.screenshot(SHOTS / "assist-800x480-2-after.png")
        diff = subprocess.run(["compare", "-metric", "AE", str(before), str(after), "null:"],
                              capture_output=True, text=True)
        assert diff.stderr.strip() == "0", diff.stderr  # not one pixel differs
        xvfb.key("4")  # a key rates as ever; the notice goes
        g = wait_screen(k, "thanks")
        assert g["overlay"] == ""
        # The invite to rate the dossier on the national portal too (NĐ 118 Điều 31.1.c), in the
        # language of the session, whole, beside the QR code (Vietnamese: test_gui_yes_no.py).
        assert any(portal.DEFAULT["en"] in t for t in g["texts"]) and g["clipped"] == [], g
        assert g["thanks"]["qr"] is not None
        k.screenshot(SHOTS / "portal-800x480-thanks-en.png")
        assert [(r["answers"], r["flags"]) for r in k.wait_for_count(1)] == [({"q1": 4}, ["assisted"])]
    finally:
        assert k.terminate() == 0, k.log_text()
