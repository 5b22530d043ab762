"""The offline path: bundle.sh makes a folder, install.sh installs from it with no network at all.

Opt-in like the installer test (HAILONG_TEST_DEPLOY=1). The bundle is made as a technician
would: the .debs on a freshly flashed machine of the kiosk's kind (here a fresh Bookworm amd64
root, `--debs-only`), the wheels on a PC (this machine, `--wheels-only --arch amd64`). Then a
second fresh root gets only that folder and runs its install.sh inside `unshare --net`: a
network namespace with no interface, so any download would fail.
The real kiosks are arm64: `--arch arm64` wheels are checked in test_bundle_wheels_for_the_pi.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile

import pytest

from tests.deploy.debian_root import DebianRoot, base_tarball
from tests.deploy.support import DEPLOY_DIR, ROOT, preconditions, require_tool

pytestmark = [pytest.mark.deploy, pytest.mark.slow]
BUNDLE = DEPLOY_DIR / "kiosk/bundle.sh"


def host_bundle(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(BUNDLE), *args], capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    preconditions()
    require_tool("unshare", "util-linux")
    fresh = DebianRoot(tmp_path_factory.mktemp("bundle-debs") / "root").create(base_tarball())
    try:
        fresh.copy_source()
        made = fresh.run("bash", "/root/src/deploy/kiosk/bundle.sh", "--debs-only", "--arch", "amd64",
                         "--out", "/root/bundle", timeout=900)
        assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
        out = tmp_path_factory.mktemp("bundle") / "bundle"
        shutil.copytree(fresh.file("/root/bundle"), out)
    finally:
        fresh.destroy()
    wheels = host_bundle("--wheels-only", "--arch", "amd64", "--out", str(out))
    assert wheels.returncode == 0, wheels.stdout[-3000:] + wheels.stderr[-3000:]
    return out


def test_the_bundle_has_debs_wheels_and_checksums(bundle):
    debs = sorted(p.name for p in (bundle / "debs").glob("*.deb"))
    assert any(n.startswith("libgl1-mesa-dri_") for n in debs)
    assert any(n.startswith("python3-venv_") for n in debs)
    wheels = sorted(p.name for p in (bundle / "wheels").glob("*.whl"))
    assert any(n.startswith("hailong-") for n in wheels) and any(n.startswith("Kivy-") for n in wheels)
    listed = (bundle / "SHA256SUMS").read_text()
    assert all(name in listed for name in debs + wheels + ["install.sh", "lib.sh", "hailong-kiosk.service"])


def offline_root(tmp_path_factory, bundle, name: str) -> DebianRoot:
    """A fresh root with the bundle in root's home (0700, as on a fresh card) and none of the
    caches the other tests share: what it installs can only come from the bundle."""
    root = DebianRoot(tmp_path_factory.mktemp(name) / "root").create(base_tarball(), caches=False)
    assert oct(root.file("/root").stat().st_mode & 0o777) == "0o700"
    assert not list(root.file("/var/cache/apt/archives").glob("*.deb"))
    shutil.copytree(bundle, root.file("/root/bundle"))
    return root


def offline(root: DebianRoot, *cmd: str) -> subprocess.CompletedProcess:
    env = root.env()
    return subprocess.run(["unshare", "--net", *env, *cmd], capture_output=True, text=True, timeout=900)


def test_a_damaged_bundle_is_refused_before_anything_changes(tmp_path_factory, bundle):
    root = offline_root(tmp_path_factory, bundle, "bundle-damaged")
    try:
        wheel = next(root.file("/root/bundle/wheels").glob("hailong-*.whl"))
        data = bytearray(wheel.read_bytes())
        data[len(data) // 2] ^= 0xFF
        wheel.write_bytes(bytes(data))
        result = offline(root, "bash", "/root/bundle/install.sh", "--kiosk-id", "quay-offline")
        assert result.returncode == 1 and "damaged or incomplete" in result.stderr
        assert not root.file("/opt/hailong").exists() and not root.file("/etc/hailong").exists()
    finally:
        root.destroy()


def test_install_from_the_bundle_with_no_network(tmp_path_factory, bundle):
    root = offline_root(tmp_path_factory, bundle, "bundle-offline")
    try:
        # The control: inside the namespace the network really is gone.
        connect = "import socket; socket.create_connection(('151.101.0.223', 80), 5)"  # pypi.org
        probe = offline(root, "python3", "-c", connect)
        assert probe.returncode != 0 and "unreachable" in probe.stderr.lower()
        result = offline(root, "bash", "/root/bundle/install.sh", "--kiosk-id", "quay-offline")
        assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
        assert "from /root/bundle/debs" in result.stdout
        version = offline(root, "/opt/hailong/venv/bin/hailong-kiosk", "--version")
        assert version.returncode == 0 and version.stdout.strip() == "0.1.0"
        verify = offline(root, "runuser", "-u", "hailong", "--", "/opt/hailong/venv/bin/hailong-kiosk",
                         "verify", "--config", "/etc/hailong/kiosk.toml")
        assert verify.returncode == 0, verify.stderr
        again = offline(root, "bash", "/root/bundle/install.sh", "--kiosk-id", "quay-offline")
        assert again.returncode == 0, again.stdout + again.stderr
        assert "done: nothing to change" in again.stdout, again.stdout
    finally:
        root.destroy()


def test_bundle_wheels_for_the_pi(tmp_path):
    """The real target: every wheel is for aarch64 CPython 3.11 (or pure Python)."""
    if os.environ.get("HAILONG_TEST_DEPLOY") != "1":
        pytest.skip("downloads ~40 MB from PyPI: HAILONG_TEST_DEPLOY=1")
    result = host_bundle("--wheels-only", "--arch", "arm64", "--out", str(tmp_path / "b"))
    assert result.returncode == 0, result.stderr[-3000:]
    wheels = list((tmp_path / "b/wheels").glob("*.whl"))
    assert any(w.name.startswith("Kivy-2.") and "cp311" in w.name and "aarch64" in w.name for w in wheels)
    for wheel in wheels:
        tags = wheel.name[:-4].split("-")[-3:]
        assert tags[2] == "any" or "aarch64" in tags[2], wheel.name
        assert tags[0].startswith(("py3", "py2.py3", "cp311")), wheel.name
        with zipfile.ZipFile(wheel) as z:
            assert z.testzip() is None
    assert (ROOT / "deploy/kiosk/install.sh").read_bytes() == (tmp_path / "b/install.sh").read_bytes()
    assert (ROOT / "deploy/lib.sh").read_bytes() == (tmp_path / "b/lib.sh").read_bytes()
