"""The whole path, with real processes on 127.0.0.1: `hailong-kiosk run` under Xvfb takes key
presses, `hailong-server pull --once` collects them, and the staff page of `hailong-server serve`,
fetched over HTTP after logging in, shows the counts. A second pull changes nothing; with the
kiosk stopped, the pull says it is unreachable and still collects from another kiosk."""

from __future__ import annotations

import re
import signal
import subprocess

import pytest
import requests

from kiosk.api import ApiServer, create_api
from kiosk.store import Store
from tests.support.kiosk_process import TOKEN, KioskProcess
from tests.support.office import BIN, PASSWORD, SHOTS, office_server, server
from tests.support.xvfb import REPO, differing_pixels, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.gui]


def cell(html: str, row: str, attr: str) -> str:
    found = re.search(rf'<tr id="officer-{row}">(.*?)</tr>', html, re.S)
    assert found, f"no row for {row} on the staff page"
    return re.search(rf'data-{attr}="([^"]*)"', found.group(1)).group(1)


@pytest.fixture
def second_kiosk(tmp_path):
    """Another kiosk on the LAN, as an in-process store and API, that stays up."""
    store = Store(tmp_path / "quay-2.db", "quay-2")
    api = ApiServer(create_api(store, kiosk_id="quay-2", token=TOKEN), "127.0.0.1", 0).start()
    yield store, f"http://127.0.0.1:{api.port}"
    api.stop()
    store.close()


def test_key_presses_reach_the_staff_page(tmp_path, xvfb, second_kiosk):
    (tmp_path / "kiosk").mkdir()
    kiosk = KioskProcess(tmp_path / "kiosk", xvfb, console_script=True)
    store2, url2 = second_kiosk
    store2.append({"officer": "nv-hung", "questionnaire": "overall", "questionnaire_version": 1,
                   "answers": {"q1": 1}, "channel": "button"})

    port, cfg = office_server(tmp_path, {"quay-1": kiosk.url, "quay-2": url2}, pull_interval_s=86400)

    kiosk.start()
    serve = None
    try:
        before_roster = xvfb.screenshot(SHOTS / "kiosk-before-roster.png")
        first = server("pull", "--once", *cfg)
        assert first.returncode == 0, first.stderr
        assert "quay-1: ok, nothing new (seq 0), roster v1 pushed" in first.stdout
        assert "quay-2: ok, 1 new (seq 1-1), roster v1 pushed" in first.stdout
        # The kiosk applies the roster at its next idle moment: the officer on duty shows.
        wait_for(lambda: kiosk.status()["roster_version"] == 1, 10, "the kiosk to apply roster v1")
        with_roster = SHOTS / "kiosk-with-roster.png"
        wait_for(lambda: differing_pixels(before_roster, xvfb.screenshot(with_roster)) > 500, 5,
                 "the officer's name on screen")

        xvfb.run("xdotool", "mousemove", *map(str, kiosk.face_centre(3)))
        for key in ("5", "4", "2"):
            xvfb.key(key)
        responses = kiosk.wait_for_count(3)
        assert [(r["answers"]["q1"], r["channel"], r["officer"]) for r in responses] == [
            (5, "keypad", "nv-lan"), (4, "keypad", "nv-lan"), (2, "keypad", "nv-lan")]

        second = server("pull", "--once", *cfg)
        assert second.returncode == 0, second.stderr
        assert "quay-1: ok, 3 new (seq 1-3)" in second.stdout
        assert "quay-2: ok, nothing new (seq 1)" in second.stdout
        assert kiosk.status()["acked_seq"] == 3

        serve = subprocess.Popen([str(BIN / "hailong-server"), "serve", *cfg], cwd=REPO,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"

        def up() -> bool:
            assert serve.poll() is None, serve.communicate()
            try:
                return requests.get(base + "/login", timeout=1).ok
            except requests.ConnectionError:
                return False

        wait_for(up, 30, "hailong-server serve")
        s = requests.Session()
        token = re.search(r'name="csrf_token" value="([^"]+)"', s.get(base + "/login", timeout=5).text)
        login = s.post(base + "/login", data={"username": "admin", "password": PASSWORD,
                                              "csrf_token": token.group(1)}, timeout=5)
        assert login.ok and "login" not in login.url

        def page() -> str:
            return s.get(base + "/", timeout=5).text

        html = page()
        assert "Nguyễn Thị Lan" in html
        assert (cell(html, "nv-lan", "today-count"), cell(html, "nv-lan", "today-pct")) == ("3", "66.7")
        assert cell(html, "nv-hung", "today-count") == "1"
        assert cell(html, "total", "today-count") == "4"

        again = server("pull", "--once", *cfg)  # a second pull changes nothing
        assert "quay-1: ok, nothing new (seq 3)" in again.stdout
        assert cell(page(), "total", "today-count") == "4"

        assert kiosk.terminate() == 0, kiosk.log_text()
        store2.append({"officer": "nv-hung", "questionnaire": "overall", "questionnaire_version": 1,
                       "answers": {"q1": 4}, "channel": "button"})
        stopped = server("pull", "--once", *cfg)
        assert stopped.returncode == 0, stopped.stderr
        assert re.search(r"quay-1: unreachable", stopped.stdout), stopped.stdout
        assert "quay-2: ok, 1 new (seq 2-2)" in stopped.stdout
        html = page()
        assert cell(html, "total", "today-count") == "5"
        assert cell(html, "nv-lan", "today-count") == "3"
    finally:
        kiosk.kill()
        if serve is not None:
            serve.send_signal(signal.SIGTERM)
            serve.communicate(timeout=30)
    assert serve.returncode == 0
