"""`make demo`: the sync server and one kiosk on this machine, on SQLite under ./var/.

Creates the configs (a random kiosk token, kept), the demo roster and a staff login (a random
password, kept in var/demo-login.txt), starts `hailong-server serve` and `hailong-kiosk run`
(in a window when a display exists, otherwise under Xvfb, and says so), prints the URLs and
waits. Ctrl-C stops everything cleanly.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var"
BIN = Path(sys.executable).parent
SERVER_PORT = 5000
KIOSK_PORT = 8765
ADMIN = "admin"

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


def main() -> int:
    for port in (SERVER_PORT, KIOSK_PORT):
        if not port_free(port):
            sys.exit(f"[demo] port {port} on 127.0.0.1 is in use (another demo running?)")
    server_toml, kiosk_toml = write_configs()
    hailong("hailong-server", "seed-demo", "--config", str(server_toml))
    password = staff_login(server_toml)

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
