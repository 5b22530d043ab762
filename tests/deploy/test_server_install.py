"""deploy/server/install.sh for real in a fresh Debian 12 root (opt-in: HAILONG_TEST_DEPLOY=1).

Proves: packages (chrony as the kiosks' time server), user, venv, config and env file (never
overwritten), a random session key, the schema created, the three units installed and enabled
and clean under `systemd-analyze verify` against the installed files; the installed server
serves HTTP as the hailong user; the backup unit's exact ExecStart makes a good backup; a second
run changes nothing. Not proved here: the units under a running systemd (PID 1 here is not systemd).
"""

from __future__ import annotations

import shlex
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from tests.deploy.support import (
    SYSTEMD_DIR,
    booted_check,
    free_port,
    fresh_root,
    parse_unit,
    rerun_changes_nothing,
    stop,
    unit_value,
)

pytestmark = [pytest.mark.deploy, pytest.mark.slow]
INSTALL_ARGS = ["bash", "/root/src/deploy/server/install.sh", "--lan", "192.168.1.7/24"]
UNITS = ["hailong-server.service", "hailong-server-backup.service", "hailong-server-backup.timer"]


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    yield from fresh_root(tmp_path_factory, "server-install")


def stat(root, path: str) -> str:
    return root.run("stat", "-c", "%a %U:%G", path, check=True).stdout.strip()


def test_first_run_makes_a_server(root, first_run):
    assert stat(root, "/etc/hailong/server.toml") == "640 root:hailong"
    assert stat(root, "/etc/hailong/server.env") == "640 root:hailong"
    assert stat(root, "/var/lib/hailong-server") == "750 hailong:hailong"
    assert stat(root, "/var/lib/hailong-server/secret_key") == "600 hailong:hailong"
    assert len(root.file("/var/lib/hailong-server/secret_key").read_text().strip()) == 64
    assert stat(root, "/var/lib/hailong-server/server.db").endswith("hailong:hailong")
    chrony = root.file("/etc/chrony/conf.d/hailong.conf").read_text()
    assert "allow 192.168.1.0/24" in chrony and "local stratum 10" in chrony
    for unit in UNITS:
        assert root.file(f"/etc/systemd/system/{unit}").read_bytes() == (SYSTEMD_DIR / unit).read_bytes()
    assert root.file("/etc/systemd/system/multi-user.target.wants/hailong-server.service").is_symlink()
    assert root.file("/etc/systemd/system/timers.target.wants/hailong-server-backup.timer").is_symlink()
    text = root.file("/etc/hailong/server.toml").read_text()
    assert 'data_dir = "/var/lib/hailong-server"' in text and "port = 5000" in text


@pytest.mark.parametrize("unit", UNITS)
def test_installed_units_verify(root, first_run, unit):
    out = root.run("systemd-analyze", "verify", "--man=no", unit)
    assert out.returncode == 0 and out.stderr == "", out.stderr


def test_the_installed_server_serves_as_its_user(root, first_run):
    port = free_port()
    proc = root.popen("runuser", "-u", "hailong", "--", "/opt/hailong/venv/bin/hailong-server", "serve",
                      "--config", "/etc/hailong/server.toml", "--host", "127.0.0.1", "--port", str(port),
                      "--no-pull", stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        code = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                opener = urllib.request.build_opener(NoRedirect)
                with opener.open(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    code = response.status
                break
            except urllib.error.HTTPError as e:
                code = e.code
                break
            except OSError:
                time.sleep(0.5)
        assert code in (200, 302), code
    finally:
        stop(proc)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_the_backup_unit_command_makes_a_good_backup(root, first_run):
    unit = parse_unit(SYSTEMD_DIR / "hailong-server-backup.service")
    command = shlex.split(unit_value(unit, "Service", "ExecStart"))
    result = root.run("runuser", "-u", unit_value(unit, "Service", "User"), "--", *command, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "integrity ok" in result.stdout
    backups = list(root.file("/var/lib/hailong-server/backups").glob("hailong-*.db"))
    assert len(backups) == 1
    assert stat(root, f"/var/lib/hailong-server/backups/{backups[0].name}") == "640 hailong:hailong"


def test_second_run_changes_nothing(root, first_run):
    _, before = first_run
    rerun_changes_nothing(root, INSTALL_ARGS, before)


def test_no_secret_reaches_the_install_log(root, first_run):
    result, _ = first_run
    key = root.file("/var/lib/hailong-server/secret_key").read_text().strip()
    assert key not in result.stdout + result.stderr


SERVER_BOOT_CHECK = r'''
import http.client, json, pathlib, subprocess, time

def sh(*args):
    return subprocess.run(args, capture_output=True, text=True)

def show(unit, *props):
    out = sh("systemctl", "show", unit, "-p", ",".join(props)).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)

def wait(unit, states, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        state = show(unit, "ActiveState")["ActiveState"]
        if state in states:
            return state
        time.sleep(0.5)
    return show(unit, "ActiveState")["ActiveState"]

result = {"server_state": wait("hailong-server.service", ("active", "failed"), 90)}
for _ in range(120):
    try:
        conn = http.client.HTTPConnection("127.0.0.1", 5000, timeout=2)
        conn.request("GET", "/")
        result["http_status"] = conn.getresponse().status
        break
    except OSError:
        time.sleep(0.5)
result["backup_start_rc"] = sh("systemctl", "start", "hailong-server-backup.service").returncode
result["backup"] = show("hailong-server-backup.service", "Result", "ExecMainStatus")
BACKUPS = pathlib.Path("/var/lib/hailong-server/backups")
result["backups"] = sorted(p.name for p in BACKUPS.glob("hailong-*.db"))
result["timer"] = show("hailong-server-backup.timer", "ActiveState", "NextElapseUSecRealtime")
result["server_before_stop"] = show("hailong-server.service", "NRestarts", "User")
result["stop_rc"] = sh("systemctl", "stop", "hailong-server.service").returncode
result["server_after_stop"] = show("hailong-server.service", "Result", "ExecMainStatus", "ActiveState")
result["failed"] = sh("systemctl", "--failed", "--plain", "--no-legend").stdout.split("\n")
result["journal"] = sh("journalctl", "-b", "--no-pager", "-o", "cat", "-u", "hailong-server",
                       "-u", "hailong-server-backup").stdout[-4000:]
print(json.dumps(result))
'''


def test_units_run_under_a_booted_systemd(root, first_run):
    """The real units with all their hardening, under systemd as PID 1 (systemd-nspawn)."""
    r = booted_check(root, SERVER_BOOT_CHECK, "server")
    journal = r["journal"]
    assert r["server_state"] == "active", journal
    assert r["http_status"] in (200, 302), journal
    assert r["backup_start_rc"] == 0 and r["backup"]["Result"] == "success", journal
    assert len(r["backups"]) >= 1
    assert r["timer"]["ActiveState"] == "active"  # enabled by the installer, started at boot
    assert r["server_before_stop"]["NRestarts"] == "0"
    assert r["stop_rc"] == 0 and r["server_after_stop"]["Result"] == "success", (r, journal)
    assert [line for line in r["failed"] if line.strip()] == [], r["failed"]
