"""deploy/kiosk/install.sh in a Debian 12 **arm64** root, the Pi's architecture, under
qemu-user-static (binfmt_misc). The slower, optional target of issue 6: the amd64 root
(test_kiosk_install.py) runs in CI; this one is opt-in, HAILONG_TEST_DEPLOY_ARM64=1 (root,
Debian's qemu-user-static, ~5 min for the base the first time, then ~10–20 min).

What it adds over amd64: the aarch64 wheels the kiosk really gets from PyPI (Kivy's among them)
install and import, the apt packages exist for arm64, the installed commands run on aarch64.
Not a Pi all the same: Raspberry Pi OS's own packages (python3-lgpio) and firmware files are
absent, so the installer's (tested) Pi check skips them here.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.deploy.debian_root import throwaway_root
from tests.deploy.support import require_deploy_opt_in, rerun_changes_nothing
from tests.deploy.test_kiosk_install import INSTALL_ARGS

pytestmark = [pytest.mark.deploy, pytest.mark.slow]
INSTALL_TIMEOUT = 3600  # emulated
BINFMT = Path("/proc/sys/fs/binfmt_misc/qemu-aarch64")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    require_deploy_opt_in("HAILONG_TEST_DEPLOY_ARM64", "arm64 under qemu: root, qemu-user-static, a Debian "
                          "mirror and PyPI; 15–25 min")
    if not shutil.which("qemu-aarch64-static") or not BINFMT.exists():
        pytest.fail("no qemu-aarch64 binfmt handler: apt-get install qemu-user-static binfmt-support "
                    "(and mount binfmt_misc on /proc/sys/fs/binfmt_misc)")
    with throwaway_root(tmp_path_factory.mktemp("kiosk-arm64"), arch="arm64") as debian:
        yield debian


def test_the_root_really_is_arm64(root):
    """Control: the commands below run as aarch64 code (emulated), not as the host's."""
    assert root.run("uname", "-m", check=True).stdout.strip() == "aarch64"
    assert root.run("dpkg", "--print-architecture", check=True).stdout.strip() == "arm64"


def test_install_on_arm64_makes_a_kiosk(root, first_run):
    result, _ = first_run
    assert "not a Raspberry Pi (arm64)" in result.stdout + result.stderr
    version = root.run("/opt/hailong/venv/bin/hailong-kiosk", "--version", check=True)
    assert version.stdout.strip() == "0.1.0"
    verify = root.run("runuser", "-u", "hailong", "--", "/opt/hailong/venv/bin/hailong-kiosk", "verify",
                      "--config", "/etc/hailong/kiosk.toml")
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_the_aarch64_wheels_import(root, first_run):
    probe = ("import platform, kivy, gpiozero, qrcode, peewee, waitress; "
             "from kivy.core import text; "  # Kivy's compiled parts for aarch64
             "print(platform.machine(), kivy.__version__)")
    out = root.run("/opt/hailong/venv/bin/python", "-c", probe, env={"KIVY_NO_ARGS": "1",
                   "KIVY_HOME": "/tmp/kivy-home", "KIVY_LOG_MODE": "PYTHON"}, check=True)
    machine, kivy_version = out.stdout.split()[-2:]
    assert machine == "aarch64" and kivy_version.startswith("2.")
    wheels = root.run("/opt/hailong/venv/bin/python", "-m", "pip", "list", "--format=freeze", check=True)
    assert "Kivy==" in wheels.stdout


def test_second_run_on_arm64_changes_nothing(root, first_run):
    _, before = first_run
    rerun_changes_nothing(root, INSTALL_ARGS, before, timeout=INSTALL_TIMEOUT)
