"""A roster edit made on the staff pages reaches a real kiosk process and shows on its screen:
`hailong-server serve` (its pull loop) pushes the new roster version, the kiosk applies it at its
next idle moment, and the officer's new name is drawn (Xvfb screenshots before and after)."""

from __future__ import annotations

import re
import signal
import subprocess

import pytest
import requests

from tests.support.kiosk_process import KioskProcess
from tests.support.office import BIN, PASSWORD, SHOTS, office_server
from tests.support.xvfb import REPO, differing_pixels, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.gui]
NEW_NAME = "Phạm Thị Mới Đổi Tên"


def test_an_officer_renamed_on_the_web_is_shown_by_the_kiosk(tmp_path, xvfb):
    (tmp_path / "kiosk").mkdir()
    kiosk = KioskProcess(tmp_path / "kiosk", xvfb, console_script=True)
    port, cfg = office_server(tmp_path, {"quay-1": kiosk.url}, pull_interval_s=1)

    kiosk.start()
    serve = subprocess.Popen([str(BIN / "hailong-server"), "serve", *cfg], cwd=REPO,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: kiosk.status()["roster_version"] >= 1, 30, "serve to push the first roster")
        first = kiosk.status()["roster_version"]
        before, again = SHOTS / "roster-edit-before.png", SHOTS / "roster-edit-before-2.png"

        def still() -> bool:  # the first roster drawn and nothing moving
            xvfb.screenshot(before)
            return differing_pixels(before, xvfb.screenshot(again)) == 0

        wait_for(still, 15, "a still idle screen", interval=0.5)

        s = requests.Session()
        token = re.search(r'name="csrf_token" value="([^"]+)"', s.get(base + "/login", timeout=5).text)
        s.post(base + "/login", timeout=5,
               data={"username": "admin", "password": PASSWORD, "csrf_token": token.group(1)})
        page = s.get(base + "/roster/officers/nv-lan", timeout=5)
        assert page.ok and "Nguyễn Thị Lan" in page.text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        saved = s.post(base + "/roster/officers", data={
            "csrf_token": csrf, "code": "nv-lan", "name": NEW_NAME, "title": "Công chức Tư pháp – Hộ tịch",
            "fields": ["tu-phap"], "active": "1", "back": "officer"}, timeout=5)
        assert saved.ok and NEW_NAME in saved.text, saved.text[:500]

        wait_for(lambda: kiosk.status()["roster_version"] > first, 30, "the kiosk to apply the edited roster")
        after = SHOTS / "roster-edit-after.png"
        wait_for(lambda: differing_pixels(before, xvfb.screenshot(after)) > 300, 10,
                 "the new name on the kiosk's idle screen")
        assert "roster" in kiosk.log_text().lower()
    finally:
        kiosk.kill()
        serve.send_signal(signal.SIGTERM)
        serve.communicate(timeout=30)
