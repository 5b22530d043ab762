"""`make demo`: the sync server and one kiosk on this machine, on SQLite under ./var/.

Creates the configs (a random kiosk token, kept), the demo roster and a staff login (a random
password, kept in var/demo-login.txt), starts `hailong-server serve` and `hailong-kiosk run`
(in a window when a display exists, otherwise under Xvfb, and says so), prints the URLs and
waits. Ctrl-C stops everything cleanly.

On the first start (a new var/) the kiosk's store gets a month of SAMPLE ratings before the kiosk
starts, and the QR page a few once the server is up (deploy/demo_sample.py), so every report has
something to show; `python deploy/demo.py --empty` (with a new var/) starts an empty centre.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var"
BIN = Path(sys.executable).parent
SERVER_PORT = 5000
KIOSK_PORT = 8765
ADMIN = "admin"
SAMPLE_MARK = VAR / "SAMPLE-DATA.txt"  # says, on every later start, that the figures are made up

SERVER_TOML = """\
# Demo sync server (made by `make demo`; edit freely, it is kept).
[server]
data_dir = "{data}"
database_url = ""
host = "127.0.0.1"
port = {port}
pull_interval_s = 5

[unit]
name = "Trung tâm Phục vụ hành chính công xã Đại Lãnh"

[[kiosks]]
id = "quay-1"
url = "http://127.0.0.1:{kiosk_port}"
token = "{token}"
"""

KIOSK_TOML = """\
# Demo kiosk (made by `make demo`; edit freely, it is kept).
[kiosk]
id = "quay-1"
data_dir = "{data}"

[api]
host = "127.0.0.1"
port = {port}
token = "{token}"

[flow]
cooldown_s = 2
thanks_s = 3

[display]
fullscreen = false
window_size = [1024, 600]
# No [gpio] table: this PC has no GPIO buttons; touch (mouse) and keys 1-5 work.
"""


def say(text: str) -> None:
    print(f"[demo] {text}", flush=True)


def port_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def sample_month(kiosk_toml: Path) -> None:
    """The sample month into the kiosk's own store (it does not exist yet: a new var/)."""
    import demo_sample  # beside this file; needs the venv's kiosk and sync_server

    from kiosk import config as kiosk_config
    from kiosk.store import Store

    cfg = kiosk_config.load(kiosk_toml)
    store = Store(cfg.db_path, cfg.kiosk_id)
    try:
        n = demo_sample.fill(store, demo_sample.today())
    finally:
        store.close()
    SAMPLE_MARK.write_text(f"SAMPLE DATA: {n} made-up ratings of the {demo_sample.DAYS} days before "
                           f"{demo_sample.today():%d/%m/%Y} in this demo's kiosk store "
                           "(deploy/demo_sample.py)\n", encoding="utf-8")
    say(f"SAMPLE DATA: {n} ratings of the last {demo_sample.DAYS} days written into the kiosk's store "
        "(not real; a new var/ and `python deploy/demo.py --empty` start empty)")


def sample_qr(base: str) -> None:
    """A few QR ratings at Vạn Thọ, as phones give them, once the server answers."""
    import demo_sample

    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/login", timeout=2).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        for n, (code, officer, score) in enumerate(demo_sample.QR_RATINGS):
            demo_sample.qr_rate(base, code, officer, score, device=f"demo-phone-{n}")
    except (OSError, RuntimeError) as e:
        say(f"the sample QR ratings were not all given ({e}); the demo goes on")
        return
    say(f"SAMPLE DATA: {len(demo_sample.QR_RATINGS)} ratings on the QR page {base}/r/vt-1 (Vạn Thọ), today")


def write_configs() -> tuple[Path, Path]:
    VAR.mkdir(exist_ok=True)
    server_toml, kiosk_toml = VAR / "server.toml", VAR / "kiosk.toml"
    if not kiosk_toml.exists() or not server_toml.exists():
        token = secrets.token_urlsafe(32)
        kiosk_toml.write_text(KIOSK_TOML.format(data=VAR / "kiosk", port=KIOSK_PORT, token=token),
                              encoding="utf-8")
        server_toml.write_text(SERVER_TOML.format(data=VAR / "server", port=SERVER_PORT,
                                                  kiosk_port=KIOSK_PORT, token=token),
                               encoding="utf-8")
        for p in (kiosk_toml, server_toml):
            p.chmod(0o600)
    return server_toml, kiosk_toml


def hailong(tool: str, *args: str, stdin: str | None = None) -> None:
    subprocess.run([str(BIN / tool), *args], input=stdin, text=True, check=True)


def staff_login(server_toml: Path) -> str:
    login_file = VAR / "demo-login.txt"
    if login_file.exists():
        return login_file.read_text(encoding="utf-8").split()[1]
    password = secrets.token_urlsafe(12)
    hailong("hailong-server", "create-admin", "--config", str(server_toml), "--username", ADMIN,
            "--password-stdin", stdin=password + "\n")
    login_file.write_text(f"{ADMIN} {password}\n", encoding="utf-8")
    login_file.chmod(0o600)
    return password


def has_display() -> bool:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        return False
    if shutil.which("xdpyinfo") and os.environ.get("DISPLAY"):
        return subprocess.run(["xdpyinfo"], capture_output=True).returncode == 0
    return True


def start_xvfb() -> tuple[subprocess.Popen, str]:
    if not shutil.which("Xvfb"):
        sys.exit("[demo] no display and no Xvfb: run `sudo apt-get install -y xvfb` (or `make demo` "
                 "as root, which installs it)")
    for n in range(90, 120):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            display = f":{n}"
            proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1024x600x24", "-nolisten", "tcp"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True)  # Ctrl-C is ours to pass on, in order
            for _ in range(50):
                if Path(f"/tmp/.X11-unix/X{n}").exists():
                    return proc, display
                time.sleep(0.1)
            proc.kill()
    sys.exit("[demo] could not start Xvfb")


def stop(procs: list[subprocess.Popen]) -> None:
    """One after the other, in order: the kiosk must close its window before Xvfb goes."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The sync server and one kiosk on this machine.")
    parser.add_argument("--empty", action="store_true",
                        help="on the first start (a new var/), no sample ratings: an empty centre")
    args = parser.parse_args(argv)
    for port in (SERVER_PORT, KIOSK_PORT):
        if not port_free(port):
            sys.exit(f"[demo] port {port} on 127.0.0.1 is in use (another demo running?)")
    first = not (VAR / "kiosk.toml").exists() and not (VAR / "kiosk").exists()
    server_toml, kiosk_toml = write_configs()
    hailong("hailong-server", "seed-demo", "--config", str(server_toml))
    password = staff_login(server_toml)
    sample = first and not args.empty
    if sample:
        sample_month(kiosk_toml)
    elif SAMPLE_MARK.exists():
        say(f"the figures include sample data ({SAMPLE_MARK.relative_to(REPO)}); rm -rf var/ to start anew")

    procs: list[subprocess.Popen] = []
    env = dict(os.environ)
    if has_display():
        where = f"in a window on display {env.get('DISPLAY') or env.get('WAYLAND_DISPLAY')}"
    else:
        xvfb, display = start_xvfb()
        procs.append(xvfb)
        env["DISPLAY"] = display
        where = (f"under Xvfb on {display} (no display here); to see it: "
                 f"DISPLAY={display} import -window root var/kiosk.png")
    # Stop children on Ctrl-C or SIGTERM ourselves, in order. SIGINT explicitly too: a demo started
    # from a background shell inherits SIGINT ignored, and Ctrl-C (or kill -INT) would do nothing.
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        server = subprocess.Popen([str(BIN / "hailong-server"), "serve", "--config", str(server_toml)],
                                  start_new_session=True)
        kiosk = subprocess.Popen([str(BIN / "hailong-kiosk"), "run", "--config", str(kiosk_toml)],
                                 env=env, start_new_session=True)
        procs[:0] = [kiosk, server]
        say(f"kiosk 'quay-1' started {where}")
        say(f"staff pages:  http://127.0.0.1:{SERVER_PORT}/   login: {ADMIN} / {password}")
        say(f"kiosk API:    http://127.0.0.1:{KIOSK_PORT}/api/v1/status  (bearer token in {kiosk_toml})")
        say("press a face (or keys 1-5) on the kiosk; the server pulls every 5 s. Ctrl-C stops.")
        if sample:
            sample_qr(f"http://127.0.0.1:{SERVER_PORT}")
        while True:
            for name, p in (("kiosk", kiosk), ("server", server)):
                if p.poll() is not None:
                    say(f"the {name} stopped (exit {p.returncode}); stopping the demo")
                    return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        say("stopping…")
        return 0
    finally:
        stop(procs)
        say("stopped")


if __name__ == "__main__":
    sys.exit(main())
