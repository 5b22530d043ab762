"""deploy/kiosk/install.sh for real, in a Debian 12 (Bookworm) amd64 root made with debootstrap.

Opt-in (minutes, root, a Debian mirror and PyPI): HAILONG_TEST_DEPLOY=1. What it proves:
- a plain Bookworm root becomes a kiosk: packages, user and groups, venv, config with fresh
  secrets, unit enabled, getty@tty1 disabled, NTP/journald drop-ins, hostname, time zone;
  the Pi-only steps are skipped because the (tested) Pi check says "not a Pi";
- the installed `hailong-kiosk --help` and `verify` run; the apt packages are enough for the
  Kivy wheel to open an SDL2 window with GL (SDL's offscreen driver, Mesa); the installed kiosk
  runs as the `hailong` user and its API answers with the token the installer generated;
- a second run changes nothing (a listing with modes, owners, mtimes and SHA-256 of /etc/hailong,
  /opt/hailong, the units, the drop-ins, the users and dpkg's status is identical);
- a run after the source changed upgrades the package and keeps the config.
Not proved here (needs a Pi): KMS/DRM on tty1, touch, GPIO, consoleblank on a real boot.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
import urllib.request

import pytest

from tests.deploy.support import ROOT, booted_check, free_port, fresh_root, rerun_changes_nothing, stop

pytestmark = [pytest.mark.deploy, pytest.mark.slow]

INSTALL_ARGS = ["bash", "/root/src/deploy/kiosk/install.sh", "--kiosk-id", "quay-test",
                "--hostname", "hailong-quay-test", "--ntp", "office-pc.lan"]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    yield from fresh_root(tmp_path_factory, "kiosk-install")


def secrets_of(root) -> tuple[str, str]:
    text = root.file("/etc/hailong/kiosk.toml").read_text()
    token = re.search(r'^token = "([^"]+)"', text, re.M).group(1)
    pin = re.search(r'^pin = "([^"]+)"', text, re.M).group(1)
    return token, pin


def test_first_run_makes_a_kiosk(root, first_run):
    result, _ = first_run
    log = result.stdout + result.stderr
    assert "not a Raspberry Pi (amd64): the Pi-only steps are skipped" in log
    assert "consoleblank" not in log  # a Pi-only step
    token, pin = secrets_of(root)
    assert len(token) >= 40 and re.fullmatch(r"[0-9]{6}", pin)
    assert token not in log and pin not in log, "secrets must not reach the install log"

    config = root.file("/etc/hailong/kiosk.toml")
    assert oct(config.stat().st_mode & 0o777) == "0o640" and config.stat().st_uid == 0
    groups = root.run("id", "-nG", "hailong", check=True).stdout.split()
    assert {"hailong", "video", "render", "input", "gpio", "audio"} <= set(groups)
    assert root.file("/etc/systemd/system/hailong-kiosk.service").read_bytes() == \
        (ROOT / "systemd/hailong-kiosk.service").read_bytes()
    assert root.file("/etc/systemd/system/multi-user.target.wants/hailong-kiosk.service").is_symlink()
    assert not root.file("/etc/systemd/system/getty.target.wants/getty@tty1.service").exists()
    assert "NTP=office-pc.lan" in root.file("/etc/systemd/timesyncd.conf.d/hailong.conf").read_text()
    assert "SystemMaxUse=50M" in root.file("/etc/systemd/journald.conf.d/hailong.conf").read_text()
    assert root.file("/etc/hostname").read_text().strip() == "hailong-quay-test"
    assert os.readlink(root.file("/etc/localtime")) == "/usr/share/zoneinfo/Asia/Ho_Chi_Minh"
    data = root.file("/var/lib/hailong").stat()
    assert oct(data.st_mode & 0o777) == "0o750"
    assert root.run("stat", "-c", "%U", "/var/lib/hailong", check=True).stdout.strip() == "hailong"


def test_installed_commands_run(root, first_run):
    help_text = root.run("/opt/hailong/venv/bin/hailong-kiosk", "--help", check=True).stdout
    assert "verify" in help_text and "run" in help_text
    verify = root.run("runuser", "-u", "hailong", "--", "/opt/hailong/venv/bin/hailong-kiosk", "verify",
                      "--config", "/etc/hailong/kiosk.toml", check=True)
    assert "nothing to verify" in verify.stdout  # the config loads as the kiosk user; no store yet
    # lgpio comes from apt on a Pi only; the venv must still see system site-packages for it.
    cfg = root.file("/opt/hailong/venv/pyvenv.cfg").read_text()
    assert "include-system-site-packages = true" in cfg


def test_installed_unit_verifies_against_the_installed_files(root, first_run):
    out = root.run("systemd-analyze", "verify", "--man=no", "hailong-kiosk.service")
    assert out.returncode == 0 and out.stderr == "", out.stderr


WINDOW_PROBE = """
import os
os.environ.update(KIVY_NO_ARGS="1", KIVY_HOME="/tmp/kivy-probe", KIVY_NO_FILELOG="1")
from kivy.config import Config
Config.set("graphics", "width", "320"); Config.set("graphics", "height", "240")
from kivy.core.window import Window
from kivy.graphics import opengl
print("WINDOW", type(Window).__name__, opengl.glGetString(opengl.GL_RENDERER).decode())
"""


def test_the_apt_packages_are_enough_for_a_kivy_window(root, first_run):
    out = root.run("/opt/hailong/venv/bin/python", "-c", WINDOW_PROBE,
                   env={"SDL_VIDEODRIVER": "offscreen", "KIVY_WINDOW": "sdl2"}, timeout=120)
    assert "WINDOW WindowSDL" in out.stdout, out.stdout[-2000:] + out.stderr[-3000:]


def test_the_installed_kiosk_runs_as_its_user_and_answers_with_the_generated_token(root, first_run):
    token, _pin = secrets_of(root)
    port = free_port()  # the installed config's 8765 may be taken on this machine
    text = root.file("/etc/hailong/kiosk.toml").read_text().replace("port = 8765", f"port = {port}")
    probe = root.file("/tmp/kiosk-probe.toml")
    probe.write_text(text)
    probe.chmod(0o644)
    proc = root.popen("runuser", "-u", "hailong", "--", "/opt/hailong/venv/bin/hailong-kiosk", "run",
                      "--config", "/tmp/kiosk-probe.toml", env={"SDL_VIDEODRIVER": "offscreen"},
                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        status = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                req = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/status",
                                             headers={"Authorization": f"Bearer {token}"})
                with urllib.request.urlopen(req, timeout=2) as response:
                    status = json.load(response)
                break
            except OSError:
                time.sleep(0.5)
        assert status is not None, "the kiosk API never answered"
        assert status["kiosk_id"] == "quay-test"
        assert status["wall_clock"].endswith("+07:00")  # the installer set Asia/Ho_Chi_Minh
    finally:
        output = stop(proc)
    assert root.file("/var/lib/hailong/kiosk.db").exists()
    owner = root.run("stat", "-c", "%U", "/var/lib/hailong/kiosk.db", check=True).stdout.strip()
    assert owner == "hailong", output[-2000:]


def test_second_run_changes_nothing(root, first_run):
    _, before = first_run
    after = rerun_changes_nothing(root, INSTALL_ARGS, before)
    assert len(after) > 1000  # the listing really covers the venv


def test_a_run_after_the_source_changed_upgrades_and_keeps_the_config(root, first_run):
    config_before = root.file("/etc/hailong/kiosk.toml").read_bytes()
    init = root.file("/root/src/kiosk/__init__.py")
    init.write_text(init.read_text() + "\n# upgraded by the test\n")
    result = root.run(*INSTALL_ARGS, "--no-start", timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "hailong installed" in result.stdout and "config: keeping" in result.stdout
    installed = root.run("/opt/hailong/venv/bin/python", "-c",
                         "import kiosk, pathlib; print(pathlib.Path(kiosk.__file__).read_text())", check=True)
    assert "# upgraded by the test" in installed.stdout
    assert root.file("/etc/hailong/kiosk.toml").read_bytes() == config_before


KIOSK_BOOT_CHECK = r'''
import json, re, subprocess, time, urllib.request

UNIT = "hailong-kiosk.service"

def sh(*args):
    return subprocess.run(args, capture_output=True, text=True)

def show(*props):
    out = sh("systemctl", "show", UNIT, "-p", ",".join(props)).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

def wait_for(predicate, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False

r = {}
# Type=notify: "active" only once the app said READY=1 (after its first frame).
r["ready"] = wait_for(lambda: show("ActiveState")["ActiveState"] == "active", 150)
r["first"] = show("ActiveState", "SubState", "StatusText", "NRestarts", "MainPID", "User")
token = re.search(r'^token = "([^"]+)"', open("/etc/hailong/kiosk.toml").read(), re.M).group(1)
req = urllib.request.Request("http://127.0.0.1:8765/api/v1/status",
                             headers={"Authorization": "Bearer " + token})
try:
    r["api_kiosk_id"] = json.load(urllib.request.urlopen(req, timeout=5))["kiosk_id"]
except OSError as e:
    r["api_kiosk_id"] = repr(e)
# Longer than WatchdogSec=30: the app's pings keep it alive.
time.sleep(40)
r["after_40s"] = show("ActiveState", "NRestarts", "MainPID")
# Freeze it (as a hung UI would be): no more pings, systemd must kill and restart it.
sh("systemctl", "kill", "--signal=SIGSTOP", UNIT)
r["restarted"] = wait_for(lambda: show("NRestarts")["NRestarts"] != "0"
                          and show("ActiveState")["ActiveState"] == "active", 180)
r["after_freeze"] = show("ActiveState", "NRestarts", "MainPID")
r["stop_rc"] = sh("systemctl", "stop", UNIT).returncode
r["after_stop"] = show("ActiveState", "Result", "ExecMainStatus")
r["journal"] = sh("journalctl", "-b", "--no-pager", "-o", "cat", "-u", UNIT).stdout[-6000:]
print(json.dumps(r))
'''
# The container has no tty1 and no screen: SDL draws offscreen (Mesa). Everything else,
# hardening, user, groups, Type=notify and the watchdog included, is the installed unit.
NO_SCREEN_DROPIN = """[Service]
StandardInput=null
TTYReset=no
TTYVHangup=no
Environment=SDL_VIDEODRIVER=offscreen
"""


def test_kiosk_unit_under_a_booted_systemd_notifies_and_is_watched(root, first_run):
    """Type=notify + WatchdogSec for real: READY=1 makes it active, pings keep it alive, a frozen
    kiosk is killed and restarted by the watchdog, SIGTERM stops it cleanly."""
    dropin = root.file("/etc/systemd/system/hailong-kiosk.service.d/no-screen.conf")
    dropin.parent.mkdir(parents=True, exist_ok=True)
    dropin.write_text(NO_SCREEN_DROPIN)
    r = booted_check(root, KIOSK_BOOT_CHECK, "kiosk", timeout=900)
    journal = r["journal"]
    assert r["ready"] and r["first"]["User"] == "hailong", journal
    assert "responses stored" in r["first"]["StatusText"], r["first"]
    assert r["api_kiosk_id"] == "quay-test", r["api_kiosk_id"]
    assert r["after_40s"]["ActiveState"] == "active" and r["after_40s"]["NRestarts"] == "0", journal
    assert r["after_40s"]["MainPID"] == r["first"]["MainPID"]
    assert r["restarted"], journal
    assert r["after_freeze"]["MainPID"] != r["first"]["MainPID"]
    assert "watchdog timeout" in journal.lower(), journal
    assert r["stop_rc"] == 0 and r["after_stop"]["Result"] == "success", (r["after_stop"], journal)
