"""The systemd units: `systemd-analyze verify` clean, hardening not eroded, the kiosk's must-haves.

verify runs against a scratch root (`--root`) holding this machine's stock units, stub
executables at the paths the units name, and our units: no file outside tmp is touched.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.deploy.support import SYSTEMD_DIR, parse_unit, require_tool, unit_value

UNITS = sorted(p.name for p in SYSTEMD_DIR.iterdir() if p.suffix in (".service", ".timer"))
STOCK_UNIT_DIRS = [Path("/usr/lib/systemd/system"), Path("/lib/systemd/system")]
# `systemd-analyze security` exposure (0 = locked down, 10 = none); fails if hardening is removed.
MAX_EXPOSURE = {"hailong-server.service": 2.0, "hailong-server-backup.service": 2.0,
                "hailong-kiosk.service": 4.0}


def test_the_expected_units_exist():
    assert UNITS == ["hailong-kiosk.service", "hailong-server-backup.service",
                     "hailong-server-backup.timer", "hailong-server.service"]


@pytest.fixture(scope="module")
def analyze_root(tmp_path_factory):
    """A scratch root for `systemd-analyze --root`: stock units + stubs of our executables."""
    require_tool("systemd-analyze", "systemd")
    stock = next((d for d in STOCK_UNIT_DIRS if (d / "sysinit.target").exists()), None)
    if stock is None:
        pytest.skip("no stock systemd units (sysinit.target) on this machine: install Debian's 'systemd'")
    root = tmp_path_factory.mktemp("analyze-root")
    shutil.copytree(stock, root / "usr/lib/systemd/system", symlinks=True)
    for unit in UNITS:
        for line in (SYSTEMD_DIR / unit).read_text().splitlines():
            if line.startswith("ExecStart="):
                exe = root / line.split("=", 1)[1].split()[0].lstrip("/")
                exe.parent.mkdir(parents=True, exist_ok=True)
                exe.write_text("#!/bin/sh\n")
                exe.chmod(0o755)
    (root / "etc/systemd/system").mkdir(parents=True)
    return root


def verify(root: Path, unit_text: str, name: str) -> subprocess.CompletedProcess:
    (root / "etc/systemd/system" / name).write_text(unit_text)
    return subprocess.run(["systemd-analyze", "verify", "--man=no", f"--root={root}",
                           f"/etc/systemd/system/{name}"], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", UNITS)
def test_systemd_analyze_verify_is_silent(analyze_root, name):
    # Every unit is present, so that the timer's service and the units' references resolve.
    for other in UNITS:
        shutil.copy(SYSTEMD_DIR / other, analyze_root / "etc/systemd/system" / other)
    result = verify(analyze_root, (SYSTEMD_DIR / name).read_text(), name)
    # Unknown keys and bad values are only warnings (exit 0): any output at all is a failure.
    assert result.returncode == 0 and result.stderr == "" and result.stdout == "", result.stderr


@pytest.mark.parametrize("breakage,expected", [
    (("[Unit]\n", "[Unit]\nStartLimitIntervalSec=600\n[Service]\nStartLimitBurst=3\n"), "Unknown key"),
    (("ProtectSystem=strict", "ProtectSystem=stritc"), "protect system"),
    (("/opt/hailong/venv/bin/", "/opt/hailong/nowhere/bin/"), "not executable"),
])
def test_the_verify_check_can_fail(analyze_root, breakage, expected):
    """Control: the same check reports a misplaced key, a typo and a missing binary."""
    text = (SYSTEMD_DIR / "hailong-server.service").read_text().replace(*breakage, 1)
    result = verify(analyze_root, text, "broken.service")
    assert expected.lower() in result.stderr.lower(), result.stderr


@pytest.mark.parametrize("name", sorted(MAX_EXPOSURE))
def test_security_exposure_stays_low(analyze_root, name):
    for other in UNITS:
        shutil.copy(SYSTEMD_DIR / other, analyze_root / "etc/systemd/system" / other)
    result = subprocess.run(["systemd-analyze", "security", "--offline=yes", f"--root={analyze_root}",
                             "--no-pager", f"/etc/systemd/system/{name}"],
                            capture_output=True, text=True, timeout=120)
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) <= MAX_EXPOSURE[name], result.stdout


def kiosk() -> dict:
    return parse_unit(SYSTEMD_DIR / "hailong-kiosk.service")


def test_kiosk_owns_tty1_without_a_desktop():
    unit = kiosk()
    assert "getty@tty1.service" in " ".join(unit["Unit"]["Conflicts"])
    assert unit_value(unit, "Service", "TTYPath") == "/dev/tty1"
    assert unit_value(unit, "Service", "PAMName") == "login"
    assert unit_value(unit, "Service", "StandardOutput") == "journal"  # not the tty


def test_kiosk_is_watched():
    unit = kiosk()
    assert unit_value(unit, "Service", "Type") == "notify"
    assert int(unit_value(unit, "Service", "WatchdogSec")) > 0
    assert unit_value(unit, "Service", "Restart") == "on-failure"
    assert unit_value(unit, "Unit", "StartLimitBurst") and unit_value(unit, "Unit", "StartLimitIntervalSec")


def test_kiosk_sees_its_devices_and_has_a_writable_working_directory():
    unit = kiosk()
    groups = set(unit_value(unit, "Service", "SupplementaryGroups").split())
    assert {"video", "render", "input", "gpio", "audio"} <= groups
    assert unit_value(unit, "Service", "PrivateDevices") in (None, "no", "false")
    assert unit_value(unit, "Service", "DevicePolicy") in (None, "auto")
    assert unit_value(unit, "Service", "ProtectClock") in (None, "no", "false")  # implies DeviceAllow
    # lgpio writes pipes into the working directory: it must be the RuntimeDirectory.
    runtime = unit_value(unit, "Service", "RuntimeDirectory")
    assert unit_value(unit, "Service", "WorkingDirectory") == f"/run/{runtime}"


@pytest.mark.parametrize("name", ["hailong-kiosk.service", "hailong-server.service",
                                  "hailong-server-backup.service"])
def test_services_run_as_the_dedicated_user_with_a_locked_down_system(name):
    unit = parse_unit(SYSTEMD_DIR / name)
    assert unit_value(unit, "Service", "User") == "hailong"
    assert unit_value(unit, "Service", "ProtectSystem") == "strict"
    assert unit_value(unit, "Service", "NoNewPrivileges") == "yes"
    assert unit_value(unit, "Service", "PrivateTmp") == "yes"
    assert unit_value(unit, "Service", "StateDirectory")  # the only writable data folder
    assert unit_value(unit, "Service", "SyslogIdentifier") == name.removesuffix(".service")


def test_server_waits_for_the_network():
    unit = parse_unit(SYSTEMD_DIR / "hailong-server.service")
    assert "network-online.target" in " ".join(unit["Unit"]["After"])
    assert "network-online.target" in " ".join(unit["Unit"]["Wants"])


def test_backup_timer_catches_up_after_a_night_switched_off():
    unit = parse_unit(SYSTEMD_DIR / "hailong-server-backup.timer")
    assert unit_value(unit, "Timer", "Persistent") == "true"
    assert unit_value(unit, "Timer", "OnCalendar")
    assert unit_value(unit, "Install", "WantedBy") == "timers.target"


def test_every_hardening_directive_has_a_reason():
    """In the kiosk and server units each hardening directive is under a comment (grouped lines
    share one), and the directives not used are listed with a reason."""
    for name in ("hailong-kiosk.service", "hailong-server.service"):
        lines = (SYSTEMD_DIR / name).read_text().splitlines()
        start = next(i for i, line in enumerate(lines) if line.startswith("# --- Hardening"))
        block: list[str] = []
        for line in lines[start + 1:]:
            if line.startswith("["):
                break
            block.append(line)
        assert any(line.startswith("# Not used") for line in block), name
        for i, line in enumerate(block):
            if line and not line.startswith("#"):
                j = i - 1
                while j >= 0 and block[j] and not block[j].startswith("#"):
                    j -= 1  # grouped directives share the comment above the group
                assert j >= 0 and block[j].startswith("#"), f"{name}: no reason above {line!r}"
