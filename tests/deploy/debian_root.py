"""A throw-away Debian root to run the installers in (chroot), with its mounts cleaned up.

The base root comes from `bookworm_root.sh` (debootstrap once, then a cached tarball). Each
test module unpacks a fresh copy under tmp, mounts /proc, /sys, /dev and two caches (apt's
.debs and pip's wheels, so that only the first run downloads), and unmounts everything before
the copy is deleted: a `rm -rf` never goes through a mount.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.deploy.support import ROOT

CACHE = Path(os.environ.get("HAILONG_TEST_CACHE", "/var/cache/hailong-test"))
BASE_SCRIPT = ROOT / "tests/deploy/bookworm_root.sh"
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# Files (and trees) whose state an installer re-run must not change.
SNAPSHOT_PATHS = ["/etc/hailong", "/opt/hailong", "/etc/systemd/system", "/etc/systemd/timesyncd.conf.d",
                  "/etc/systemd/journald.conf.d", "/etc/chrony", "/etc/hostname", "/etc/hosts",
                  "/etc/localtime", "/etc/timezone", "/etc/passwd", "/etc/group", "/etc/shadow",
                  "/etc/gshadow", "/var/lib/dpkg/status", "/var/lib/hailong", "/var/lib/hailong-server"]
# The applications write in their data folders by design: only the folder's owner and mode count.
DATA_DIRS = ("/var/lib/hailong", "/var/lib/hailong-server")
SNAPSHOT = f"DATA_DIRS = {DATA_DIRS!r}\n" + r"""
import hashlib, os, stat, sys
def line(p):
    st = os.lstat(p)
    if p in DATA_DIRS:
        return f"{p} {oct(st.st_mode)} {st.st_uid}:{st.st_gid}"
    if stat.S_ISLNK(st.st_mode):
        what = "link " + os.readlink(p)
    elif stat.S_ISDIR(st.st_mode):
        what = "dir"
    else:
        with open(p, "rb") as f:
            what = "file " + hashlib.sha256(f.read()).hexdigest()
    return f"{p} {oct(st.st_mode)} {st.st_uid}:{st.st_gid} {st.st_mtime_ns} {what}"
for top in sys.argv[1:]:
    if not os.path.lexists(top):
        print(top, "absent"); continue
    print(line(top))
    if top in DATA_DIRS or not os.path.isdir(top) or os.path.islink(top):
        continue
    for d, dirs, files in os.walk(top):
        dirs.sort()
        for name in sorted(dirs + files):
            print(line(os.path.join(d, name)))
"""


SRC_EXCLUDES = ["./.git", "./.venv", "./var", "./test-output", "./build", "*.egg-info", "__pycache__",
                ".pytest_cache", ".ruff_cache"]


def base_tarball(arch: str = "amd64") -> Path:
    """The cached Bookworm base for `arch` (arm64 runs under qemu-user-static: see bookworm_root.sh)."""
    env = {**os.environ, "HAILONG_TEST_ARCH": arch}
    out = subprocess.run(["bash", str(BASE_SCRIPT)], capture_output=True, text=True, timeout=2400, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"bookworm_root.sh failed:\n{out.stderr[-3000:]}")
    return Path(out.stdout.strip().splitlines()[-1])


class DebianRoot:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.mounts: list[Path] = []

    # --- life cycle ----------------------------------------------------------------------------
    def create(self, tarball: Path, caches: bool = True) -> DebianRoot:
        """Unpack `tarball` and mount /proc, /sys, /dev and (`caches`) the shared apt and pip caches."""
        self.path.mkdir(parents=True)
        subprocess.run(["tar", "-C", str(self.path), "--numeric-owner", "-xf", str(tarball)], check=True)
        shutil.copy("/etc/resolv.conf", self.path / "etc/resolv.conf")
        self._mount(["-t", "proc", "proc"], "proc")
        self._mount(["-t", "sysfs", "sysfs"], "sys")
        self._mount(["--bind", "/dev"], "dev")
        self._mount(["-t", "devpts", "-o", "newinstance,ptmxmode=0666", "devpts"], "dev/pts")
        for cache, inside in (("apt-archives", "var/cache/apt/archives"), ("pip", "root/.cache/pip")):
            if not caches:
                break
            (CACHE / cache / "partial").mkdir(parents=True, exist_ok=True)
            self._mount(["--bind", str(CACHE / cache)], inside)
        # This machine may reach PyPI through a TLS proxy with its own CA: give pip the host's
        # bundle (PIP_CERT). The installer itself does not know or care.
        host_ca = Path("/etc/ssl/certs/ca-certificates.crt")
        if host_ca.exists():
            shutil.copy(host_ca, self.path / "root/host-ca.crt")
        return self

    def _mount(self, args: list[str], inside: str) -> None:
        target = self.path / inside
        target.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mount", *args, str(target)], check=True)
        self.mounts.append(target)
        # Private: nothing mounted below it can propagate back to the host's /dev.
        subprocess.run(["mount", "--make-private", str(target)], check=True)

    def unmount(self) -> None:
        for target in reversed(self.mounts):
            if subprocess.run(["umount", str(target)], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", str(target)], check=False)
        self.mounts.clear()

    def destroy(self) -> None:
        self.unmount()
        still = subprocess.run(["findmnt", "-rn", "-o", "TARGET"], capture_output=True, text=True).stdout
        if any(line.startswith(str(self.path) + "/") for line in still.splitlines()):
            raise RuntimeError(f"mounts left under {self.path}: not deleting it")
        shutil.rmtree(self.path, ignore_errors=True)

    # --- inside --------------------------------------------------------------------------------
    def env(self, extra: dict[str, str] | None = None) -> list[str]:
        env = {"PATH": PATH, "HOME": "/root", "LANG": "C.UTF-8"}
        if (self.path / "root/host-ca.crt").exists():
            env["PIP_CERT"] = "/root/host-ca.crt"
        env.update(extra or {})
        return ["chroot", str(self.path), "/usr/bin/env", "-i", *(f"{k}={v}" for k, v in env.items())]

    def run(self, *cmd: str, env: dict[str, str] | None = None, timeout: float = 900,
            check: bool = False) -> subprocess.CompletedProcess:
        result = subprocess.run([*self.env(env), *cmd], capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise AssertionError(f"{shlex.join(cmd)} -> {result.returncode}\n{result.stdout[-3000:]}\n"
                                 f"{result.stderr[-3000:]}")
        return result

    def popen(self, *cmd: str, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
        return subprocess.Popen([*self.env(env), *cmd], **kwargs)

    def copy_source(self, inside: str = "/root/src") -> Path:
        """This working tree (without venvs, caches and build output) at `inside`."""
        dest = self.file(inside)
        dest.mkdir(parents=True)
        excludes = [f"--exclude={e}" for e in SRC_EXCLUDES]
        pack = subprocess.Popen(["tar", "-C", str(ROOT), *excludes, "-cf", "-", "."], stdout=subprocess.PIPE)
        subprocess.run(["tar", "-C", str(dest), "-xf", "-"], stdin=pack.stdout, check=True)
        assert pack.wait() == 0
        return dest

    def snapshot(self) -> list[str]:
        out = self.run("python3", "-c", SNAPSHOT, *SNAPSHOT_PATHS, check=True)
        return out.stdout.splitlines()

    def boot(self, check: str, timeout: float = 600) -> tuple[str, str]:
        """Boot the root with systemd as PID 1 (systemd-nspawn, private network: only loopback),
        run the Python `check` as a unit once the system is up, power off. Returns (what the
        check printed, the container's console). The chroot's mounts are dropped first."""
        self.unmount()
        self.file("/root/boot-check.py").write_text(check)
        unit = self.file("/etc/systemd/system/hailong-boot-check.service")
        unit.write_text("[Unit]\nDescription=hailong test: checks in the booted root\n"
                        "After=multi-user.target\n[Service]\nType=oneshot\n"
                        "ExecStart=/usr/bin/python3 /root/boot-check.py\n"
                        "StandardOutput=file:/root/boot-check.out\nStandardError=inherit\n"
                        "ExecStopPost=/bin/systemctl --no-block poweroff\n"
                        "[Install]\nWantedBy=multi-user.target\n")
        wants = self.file("/etc/systemd/system/multi-user.target.wants")
        wants.mkdir(parents=True, exist_ok=True)
        link = wants / "hailong-boot-check.service"
        if not link.is_symlink():
            link.symlink_to("/etc/systemd/system/hailong-boot-check.service")
        console = subprocess.run(["systemd-nspawn", "--quiet", "--directory", str(self.path), "--register=no",
                                  "--keep-unit", "--private-network", "--boot", "--console=pipe"],
                                 stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
        out = self.file("/root/boot-check.out")
        return (out.read_text() if out.exists() else ""), console.stdout + console.stderr

    def file(self, inside: str) -> Path:
        return self.path / inside.lstrip("/")


@contextlib.contextmanager
def throwaway_root(folder: Path, arch: str = "amd64") -> Iterator[DebianRoot]:
    """A fresh Debian root from the cached base tarball with this checkout copied into it,
    destroyed (mounts and all) afterwards: the fixture of every installer test."""
    debian = DebianRoot(folder / "root").create(base_tarball(arch))
    try:
        debian.copy_source()
        yield debian
    finally:
        debian.destroy()


def install_once(root: DebianRoot, args: tuple[str, ...] | list[str], timeout: float) -> tuple:
    """Run the installer; it must succeed. (its result, the root's snapshot right after)."""
    result = root.run(*args, timeout=timeout)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result, root.snapshot()
