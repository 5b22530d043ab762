"""The office server for the end-to-end tests: `hailong-server` commands and a server.toml for
given kiosks, with the demo roster and an admin account."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.kiosk_process import TOKEN, free_port
from tests.support.xvfb import OUTPUT, REPO

BIN = Path(sys.executable).parent


PASSWORD = "mật khẩu thử nghiệm 2026"


SHOTS = OUTPUT / "e2e"


def server(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "hailong-server"), *args], input=stdin, text=True,
                          capture_output=True, cwd=REPO, timeout=120)


def office_server(tmp_path: Path, kiosks: dict[str, str], pull_interval_s: float,
                  database_url: str = "") -> tuple[int, list[str]]:
    """A server.toml for these kiosks (id → url), the demo roster and an admin: (port, --config args)."""
    port = free_port()
    config = tmp_path / "server.toml"
    config.write_text(
        f'[server]\ndata_dir = "{tmp_path / "server-data"}"\nhost = "127.0.0.1"\nport = {port}\n'
        f'database_url = "{database_url}"\n'
        f'pull_interval_s = {pull_interval_s}\n\n[unit]\nname = "UBND xã Đại Lãnh"\n\n'
        + "".join(f'[[kiosks]]\nid = "{k}"\nurl = "{url}"\ntoken = "{TOKEN}"\n\n'
                  for k, url in kiosks.items()),
        encoding="utf-8")
    cfg = ["--config", str(config)]
    assert server("seed-demo", *cfg).returncode == 0
    made = server("create-admin", *cfg, "--username", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    return port, cfg
