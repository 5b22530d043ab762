"""The dossier link on the real app under Xvfb at 800×480 (issue 14; kiosk.dossier): a USB
scanner is a keyboard, so xdotool types a receipt's code and Enter as one would. Nothing on the
screen changes (not one pixel), the code is kept outside the sealed response and served beside
it; a code without the unit's format is refused, and a citizen's key still rates.
Screenshots in test-output/gui/."""

from __future__ import annotations

import subprocess

import pytest

from tests.support.gui import push_roster, wait_screen
from tests.support.kiosk_process import KioskProcess
from tests.support.xvfb import OUTPUT, wait_for

pytestmark = pytest.mark.gui
SHOTS = OUTPUT / "gui"
CODE = "000.00.32.H56-251203-0001"


def _same(before, after) -> None:
    diff = subprocess.run(["compare", "-metric", "AE", str(before), str(after), "null:"],
                          capture_output=True, text=True)
    assert diff.stderr.strip() == "0", diff.stderr  # not one pixel differs


def test_a_scanned_dossier_code_changes_nothing_on_screen(tmp_path, xvfb):
    k = KioskProcess(tmp_path, xvfb, size=(800, 480), extra_toml="\n[dossier]\nenabled = true\n").start()
    try:
        push_roster(k, 1, questionnaire="overall", ask_procedure=False, qr=False)
        g = wait_screen(k, "idle", "Nguyễn Thị Lan")
        left, top = g["origin"]
        xvfb.run("xdotool", "mousemove", str(left + 400), str(top + 20))  # focus, no click
        before = k.screenshot(SHOTS / "dossier-800x480-1-before.png")

        # A code of another shape: refused, nothing shown, nothing rated.
        xvfb.run("xdotool", "type", "--delay", "4", "HELLO-123")
        xvfb.key("Return")
        wait_for(lambda: "dossier_refused" in k.events(), 15, "the refused scan")
        assert k.settled_geometry() == g and k.status()["last_seq"] == 0

        xvfb.run("xdotool", "type", "--delay", "4", CODE)
        xvfb.key("Return")
        wait_for(lambda: "dossier_attached" in k.events(), 15, "the scan")
        assert k.settled_geometry() == g
        after = k.screenshot(SHOTS / "dossier-800x480-2-after-scan.png")
        _same(before, after)
        assert CODE not in k.events()
        assert k.status()["last_seq"] == 0  # the digits of the code rated nothing

        xvfb.key("4")  # a citizen's key: a press, once the scanner's gap has passed
        wait_screen(k, "thanks")
        k.screenshot(SHOTS / "dossier-800x480-3-thanks.png")
        (response,) = k.wait_for_count(1)
        assert response["answers"] == {"q1": 4} and CODE not in str(response)
        page = k.get("/api/v1/responses", after=0).json()
        assert page["dossiers"] == {response["uuid"]: CODE}
    finally:
        assert k.terminate() == 0, k.log_text()
