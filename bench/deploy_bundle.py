"""Fresh root → running kiosk from the offline bundle, and the bundle's size (issue 6, Measure).

Run as root on Debian with debootstrap (minutes; the first run also builds the cached Bookworm
base and downloads the .debs and wheels):

    sudo .venv/bin/python bench/deploy_bundle.py

What it does, all in one run on this machine:
1. makes the bundle as a technician would (.debs in a fresh Bookworm root with `--debs-only`,
   wheels here with `--wheels-only`, amd64 — the kiosks are arm64, whose wheels are the same
   packages built for another CPU) and reports its size;
2. ours: a second fresh root gets only the bundle and runs its `install.sh` with no network
   (`unshare --net`), then starts the installed kiosk as the `hailong` user (SDL offscreen, no
   screen here) and waits for its `READY=1` (sent after the first frame) on a notify socket;
3. baseline: a third fresh root does the bare package work by hand from the same bundle, no
   network — `apt-get install ./debs/*.deb`, a venv, `pip install --no-index` of the wheels —
   then starts the kiosk the same way.
The ratio says what install.sh costs over the package work it cannot avoid (checksums, user,
config, units, idempotence checks).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.deploy.debian_root import DebianRoot, base_tarball  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
BUNDLE_SH = REPO / "deploy/kiosk/bundle.sh"
KIOSK_CONFIG = """[kiosk]
id = "quay-bench"
data_dir = "/var/lib/hailong"

[api]
port = 18765
token = "bench-token-0123456789abcdef"
"""


def size_mb(folder: Path, pattern: str) -> tuple[float, int]:
    files = list(folder.glob(pattern))
    return sum(f.stat().st_size for f in files) / 1e6, len(files)


def make_bundle(work: Path) -> Path:
    fresh = DebianRoot(work / "debs-root").create(base_tarball())
    try:
        fresh.copy_source()
        made = fresh.run("bash", "/root/src/deploy/kiosk/bundle.sh", "--debs-only", "--arch", "amd64",
                         "--out", "/root/bundle", timeout=1800)
        if made.returncode != 0:
            sys.exit(f"bundle.sh --debs-only failed:\n{made.stderr[-3000:]}")
        out = work / "bundle"
        shutil.copytree(fresh.file("/root/bundle"), out)
    finally:
        fresh.destroy()
    wheels = subprocess.run(["bash", str(BUNDLE_SH), "--wheels-only", "--arch", "amd64", "--out", str(out)],
                            capture_output=True, text=True, timeout=1800)
    if wheels.returncode != 0:
        sys.exit(f"bundle.sh --wheels-only failed:\n{wheels.stderr[-3000:]}")
    return out


def offline(root: DebianRoot, *cmd: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(["unshare", "--net", *root.env(env), *cmd], capture_output=True, text=True,
                            timeout=1800)
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def seconds_to_ready(root: DebianRoot, kiosk: str, config: str, user: str) -> float:
    """Start the installed kiosk and time it to READY=1 on a notify socket in the root."""
    sock_path = root.file("/run/bench-notify.sock")
    sock_path.parent.mkdir(parents=True, exist_ok=True)
    sock_path.unlink(missing_ok=True)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(sock_path))
    os.chmod(sock_path, 0o666)
    sock.settimeout(1.0)
    env = {"SDL_VIDEODRIVER": "offscreen", "NOTIFY_SOCKET": "/run/bench-notify.sock"}
    start = time.perf_counter()
    proc = root.popen("unshare", "--net", "--", "runuser", "-u", user, "--", kiosk, "run", "--config", config,
                      env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        while time.perf_counter() - start < 180:
            if proc.poll() is not None:
                sys.exit(f"the kiosk exited before READY:\n{proc.stdout.read()[-3000:]}")
            try:
                message = sock.recv(4096).decode()
            except TimeoutError:
                continue
            if "READY=1" in message.split("\n"):
                return time.perf_counter() - start
        sys.exit("no READY=1 within 180 s")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        sock.close()
    raise AssertionError("unreachable")


def ours(work: Path, bundle: Path) -> tuple[float, float]:
    root = DebianRoot(work / "ours").create(base_tarball())
    try:
        shutil.copytree(bundle, root.file("/root/bundle"))
        start = time.perf_counter()
        offline(root, "bash", "/root/bundle/install.sh", "--kiosk-id", "quay-bench")
        installed = time.perf_counter() - start
        text = root.file("/etc/hailong/kiosk.toml").read_text().replace("port = 8765", "port = 18765")
        root.file("/etc/hailong/kiosk.toml").write_text(text)
        ready = seconds_to_ready(root, "/opt/hailong/venv/bin/hailong-kiosk", "/etc/hailong/kiosk.toml",
                                 "hailong")
        return installed, ready
    finally:
        root.destroy()


def baseline(work: Path, bundle: Path) -> tuple[float, float]:
    root = DebianRoot(work / "baseline").create(base_tarball())
    try:
        shutil.copytree(bundle, root.file("/root/bundle"))
        debs = sorted(p.name for p in (bundle / "debs").glob("*.deb"))
        start = time.perf_counter()
        offline(root, "apt-get", "install", "-y", "-q", "--no-install-recommends",
                *(f"/root/bundle/debs/{d}" for d in debs), env={"DEBIAN_FRONTEND": "noninteractive"})
        offline(root, "python3", "-m", "venv", "--system-site-packages", "/opt/bare")
        offline(root, "/opt/bare/bin/pip", "install", "--no-input", "--quiet", "--no-index",
                "--find-links", "/root/bundle/wheels", "hailong[kiosk]")
        installed = time.perf_counter() - start
        root.file("/root/kiosk.toml").write_text(KIOSK_CONFIG)
        root.file("/var/lib/hailong").mkdir(parents=True, exist_ok=True)
        ready = seconds_to_ready(root, "/opt/bare/bin/hailong-kiosk", "/root/kiosk.toml", "root")
        return installed, ready
    finally:
        root.destroy()


def main() -> int:
    if os.geteuid() != 0:
        sys.exit("run as root: debootstrap, mount, chroot")
    for tool in ("debootstrap", "unshare", "chroot"):
        if not shutil.which(tool):
            sys.exit(f"needs {tool}")
    with tempfile.TemporaryDirectory(prefix="hailong-bench-deploy-") as tmp:
        work = Path(tmp)
        bundle = make_bundle(work)
        debs_mb, debs_n = size_mb(bundle / "debs", "*.deb")
        wheels_mb, wheels_n = size_mb(bundle / "wheels", "*.whl")
        total_mb = sum(f.stat().st_size for f in bundle.rglob("*") if f.is_file()) / 1e6
        base_install, base_ready = baseline(work, bundle)
        our_install, our_ready = ours(work, bundle)
    print(f"bundle (amd64): {total_mb:.1f} MB — {debs_n} .debs {debs_mb:.1f} MB, "
          f"{wheels_n} wheels {wheels_mb:.1f} MB")
    print(f"baseline (bare apt + venv + pip from the bundle): install {base_install:.1f} s, "
          f"start → READY {base_ready:.1f} s")
    print(f"ours (install.sh from the bundle):                 install {our_install:.1f} s, "
          f"start → READY {our_ready:.1f} s")
    ours_total, base_total = our_install + our_ready, base_install + base_ready
    print(f"fresh root → running kiosk: ours {ours_total:.1f} s, baseline {base_total:.1f} s, "
          f"ratio ×{ours_total / base_total:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
