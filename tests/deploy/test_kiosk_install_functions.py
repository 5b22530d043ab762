"""deploy/kiosk/install.sh's decisions, one function at a time (no root, no chroot, seconds).

The script only runs `main` when executed; sourced, it defines its functions, which are called
here against a fake root (HAILONG_SYSROOT), a fake os-release and a fake `dpkg` on PATH. This
is how the Pi-only steps are tested without a Pi.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.deploy.support import DEPLOY_DIR, sourced

INSTALL = DEPLOY_DIR / "kiosk/install.sh"
CMDLINE = ("console=serial0,115200 console=tty1 root=PARTUUID=4e639091-02 rootfstype=ext4 fsck.repair=yes "
           "rootwait quiet splash plymouth.ignore-serial-consoles cfg80211.ieee80211_regdom=VN")


def bash(script: str, env: dict[str, str] | None = None, fake_arch: str | None = None,
         tmp: Path | None = None) -> subprocess.CompletedProcess:
    bin_dir = None
    if fake_arch:
        assert tmp is not None
        bin_dir = tmp / "fakebin"
        bin_dir.mkdir(exist_ok=True)
        (bin_dir / "dpkg").write_text(f"#!/bin/sh\necho {fake_arch}\n")
        (bin_dir / "dpkg").chmod(0o755)
    return sourced(INSTALL, script, env=env, path_first=bin_dir)


# --- is_raspberry_pi ---------------------------------------------------------------------------

@pytest.mark.parametrize("model,expected", [
    ("Raspberry Pi 4 Model B Rev 1.5\0", 0),
    ("Raspberry Pi 5 Model B Rev 1.0\0", 0),
    ("Raspberry Pi Compute Module 4 Rev 1.1\0", 0),
    ("Radxa ROCK 5B\0", 1),
    (None, 1),
])
def test_is_raspberry_pi_reads_the_device_tree_model(tmp_path, model, expected):
    if model is not None:
        (tmp_path / "proc/device-tree").mkdir(parents=True)
        (tmp_path / "proc/device-tree/model").write_bytes(model.encode())
    result = bash("is_raspberry_pi", env={"HAILONG_SYSROOT": str(tmp_path)})
    assert result.returncode == expected, result.stderr


@pytest.mark.parametrize("override,expected", [("yes", 0), ("no", 1)])
def test_is_raspberry_pi_override(tmp_path, override, expected):
    (tmp_path / "proc/device-tree").mkdir(parents=True)
    (tmp_path / "proc/device-tree/model").write_bytes(b"Raspberry Pi 4 Model B\0")
    result = bash("is_raspberry_pi", env={"HAILONG_SYSROOT": str(tmp_path), "HAILONG_ASSUME_PI": override})
    assert result.returncode == expected


# --- check_os ------------------------------------------------------------------------------------

def os_release(tmp_path: Path, codename: str, distro: str = "debian") -> Path:
    path = tmp_path / "os-release"
    path.write_text(f'PRETTY_NAME="Debian GNU/Linux"\nID={distro}\nVERSION_CODENAME={codename}\n'
                    f'VERSION_ID="12"\n')
    return path


def test_bookworm_arm64_pi_is_accepted(tmp_path):
    env = {"HAILONG_OS_RELEASE": str(os_release(tmp_path, "bookworm")), "HAILONG_ASSUME_PI": "yes"}
    result = bash("check_os", env=env, fake_arch="arm64", tmp=tmp_path)
    assert result.returncode == 0, result.stderr


def test_trixie_is_refused_with_a_clear_message(tmp_path):
    env = {"HAILONG_OS_RELEASE": str(os_release(tmp_path, "trixie")), "HAILONG_ASSUME_PI": "yes"}
    result = bash("check_os", env=env, fake_arch="arm64", tmp=tmp_path)
    assert result.returncode == 1
    assert "Trixie" in result.stderr and "Bookworm" in result.stderr and "--force" in result.stderr


def test_trixie_with_force_goes_on_with_a_warning(tmp_path):
    env = {"HAILONG_OS_RELEASE": str(os_release(tmp_path, "trixie")), "HAILONG_ASSUME_PI": "yes"}
    result = bash("FORCE=yes; check_os", env=env, fake_arch="arm64", tmp=tmp_path)
    assert result.returncode == 0 and "WARNING: Trixie is not tested" in result.stderr


def test_older_releases_are_refused(tmp_path):
    release = os_release(tmp_path, "bullseye", "raspbian")
    env = {"HAILONG_OS_RELEASE": str(release), "HAILONG_ASSUME_PI": "yes"}
    result = bash("check_os", env=env, fake_arch="arm64", tmp=tmp_path)
    assert result.returncode == 1 and "raspbian bullseye" in result.stderr


def test_32_bit_os_on_a_pi_is_refused(tmp_path):
    release = os_release(tmp_path, "bookworm", "raspbian")
    env = {"HAILONG_OS_RELEASE": str(release), "HAILONG_ASSUME_PI": "yes"}
    result = bash("check_os", env=env, fake_arch="armhf", tmp=tmp_path)
    assert result.returncode == 1 and "64-bit" in result.stderr


def test_a_pc_is_accepted_with_the_pi_steps_skipped(tmp_path):
    env = {"HAILONG_OS_RELEASE": str(os_release(tmp_path, "bookworm")), "HAILONG_ASSUME_PI": "no"}
    result = bash("check_os", env=env, fake_arch="amd64", tmp=tmp_path)
    assert result.returncode == 0 and "Pi-only steps are skipped" in result.stdout


# --- consoleblank (Pi only) ----------------------------------------------------------------------

def boot(tmp_path: Path, line: str) -> Path:
    path = tmp_path / "boot/firmware/cmdline.txt"
    path.parent.mkdir(parents=True)
    path.write_text(line + "\n")
    return path


def test_consoleblank_is_added_once(tmp_path):
    cmdline = boot(tmp_path, CMDLINE)
    env = {"HAILONG_SYSROOT": str(tmp_path)}
    first = bash("set_consoleblank; echo CHANGED=$CHANGED", env=env)
    assert first.returncode == 0 and "CHANGED=yes" in first.stdout
    assert cmdline.read_text() == CMDLINE + " consoleblank=0\n"
    assert cmdline.read_text().count("\n") == 1  # cmdline.txt must stay one line
    assert (tmp_path / "boot/firmware/cmdline.txt.hailong-orig").read_text() == CMDLINE + "\n"
    second = bash("set_consoleblank; echo CHANGED=$CHANGED", env=env)
    assert "CHANGED=no" in second.stdout
    assert cmdline.read_text() == CMDLINE + " consoleblank=0\n"


@pytest.mark.parametrize("before,after", [
    ("consoleblank=600 " + CMDLINE, "consoleblank=0 " + CMDLINE),
    (CMDLINE + " consoleblank=300", CMDLINE + " consoleblank=0"),
    (CMDLINE.replace("quiet", "consoleblank=1 quiet"), CMDLINE.replace("quiet", "consoleblank=0 quiet")),
])
def test_an_existing_consoleblank_is_set_to_zero(tmp_path, before, after):
    cmdline = boot(tmp_path, before)
    result = bash("set_consoleblank", env={"HAILONG_SYSROOT": str(tmp_path)})
    assert result.returncode == 0
    assert cmdline.read_text() == after + "\n"


def test_no_cmdline_is_a_warning_not_a_failure(tmp_path):
    result = bash("set_consoleblank", env={"HAILONG_SYSROOT": str(tmp_path)})
    assert result.returncode == 0 and "add consoleblank=0" in result.stderr


def test_kms_overlay_hint(tmp_path):
    config = tmp_path / "boot/firmware/config.txt"
    config.parent.mkdir(parents=True)
    config.write_text("[all]\ndtparam=audio=on\n")
    result = bash("check_kms_overlay", env={"HAILONG_SYSROOT": str(tmp_path)})
    assert "vc4-kms-v3d" in result.stderr
    config.write_text("[all]\ndtoverlay=vc4-kms-v3d\nmax_framebuffers=2\n")
    assert bash("check_kms_overlay", env={"HAILONG_SYSROOT": str(tmp_path)}).stderr == ""


# --- arguments and secrets -------------------------------------------------------------------

@pytest.mark.parametrize("args,message", [
    ("--rotation 45", "--rotation must be 0, 90, 180 or 270"),
    ("--kiosk-id 'quầy 1'", "--kiosk-id: use letters"),
    ("--hostname hai.long", "--hostname: letters, digits"),
    ("--colour blue", "unknown option: --colour"),
    ("a b", "only one SOURCE"),
])
def test_bad_arguments_are_refused(args, message):
    result = bash(f"parse_args {args}")
    assert result.returncode == 1 and message in result.stderr


def test_help_exits_zero():
    result = subprocess.run(["bash", str(INSTALL), "--help"], capture_output=True, text=True)
    assert result.returncode == 0 and "Usage:" in result.stdout


def test_random_pins_are_what_the_kiosk_accepts():
    result = bash("for _ in $(seq 40); do random_pin; done")
    pins = result.stdout.split()
    assert len(pins) == 40 and len(set(pins)) > 30
    for pin in pins:  # the kiosk's [admin] pin rule (kiosk/config.py on main)
        assert re.fullmatch(r"[0-9]{6}", pin)
        assert len(set(pin)) > 1 and pin not in "0123456789012" and pin not in "9876543210"


def test_random_tokens_are_long_and_differ():
    tokens = bash("random_token; random_token").stdout.split()
    assert len(tokens) == 2 and tokens[0] != tokens[1] and all(len(t) >= 40 for t in tokens)


def test_the_template_loads_once_filled_in(tmp_path):
    """The config template, as the installer fills it in, is valid for the kiosk's loader."""
    from kiosk import config

    text = (DEPLOY_DIR / "kiosk/kiosk.toml.in").read_text()
    text = (text.replace("@KIOSK_ID@", "quay-1").replace("@ROTATION@", "90")
            .replace("@API_TOKEN@", "t" * 43).replace("@ADMIN_PIN@", "493817"))
    assert "@" not in re.sub(r"#.*", "", text)
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    cfg = config.load(path)
    assert (cfg.kiosk_id, cfg.rotation, cfg.data_dir) == ("quay-1", 90, Path("/var/lib/hailong"))
    assert cfg.gpio is not None and cfg.gpio.rating_pins == (5, 6, 13, 19, 26)


@pytest.mark.parametrize("text,expected", [
    ("[sound]\nconfirm = false\nspeak = false\n", 1),
    ("[sound]\nconfirm = true\nspeak = false\n", 0),
    ("[sound]\nconfirm = false   # off\nspeak = true\n", 0),
    ("[flow]\nconfirm = true\n[sound]\nspeak = false\n", 1),  # another table's key does not count
    ("[sound]\n# confirm = true\n", 1),
    ("[sound] # comment\n  confirm = true\n", 0),
])
def test_sound_packages_only_when_the_config_turns_sound_on(tmp_path, text, expected):
    path = tmp_path / "kiosk.toml"
    path.write_text(text)
    assert bash(f'sound_enabled "{path}"').returncode == expected
    assert bash(f'sound_enabled "{tmp_path / "missing.toml"}"').returncode == 1
