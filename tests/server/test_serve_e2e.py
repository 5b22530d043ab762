"""A real `hailong-server serve` process over HTTP, fed by `hailong-server pull --once` and by
its own background pull loop from an in-process kiosk API."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.support.server import REPO, free_port, hailong, rating, server_toml, wait_until_up
from tests.support.web import csrf_token

pytestmark = pytest.mark.e2e
PASSWORD = "mật khẩu dài 2026"


def cell(html: str, officer: str, attr: str) -> str:
    row = re.search(rf'<tr id="officer-{officer}">(.*?)</tr>', html, re.S).group(1)
    return re.search(rf'data-{attr}="([^"]*)"', row).group(1)


def interrupted(proc: subprocess.Popen) -> tuple[str, str]:
    """Ctrl-C to `serve`, and what it wrote; killed if it has not stopped within 20 s."""
    proc.send_signal(signal.SIGINT)
    try:
        return proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()


def test_serve_login_dashboard_and_sigint(tmp_path, make_kiosk, backend):
    kiosk = make_kiosk("quay-1")
    for score in (5, 4, 2):
        kiosk.store.append(rating(score, officer="nv-lan"))
    port = free_port()
    config = tmp_path / "server.toml"
    config.write_text(server_toml(tmp_path / "data", [kiosk.entry()], port=port, database_url=backend),
                      encoding="utf-8")
    cfg = ["--config", str(config)]

    assert hailong("seed-demo", *cfg).returncode == 0
    short = hailong("create-admin", *cfg, "--username", "admin", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "10" in short.stderr
    made = hailong("create-admin", *cfg, "--username", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    pulled = hailong("pull", "--once", *cfg)
    assert pulled.returncode == 0, pulled.stderr
    assert pulled.stdout.strip() == "quay-1: ok, 3 new (seq 1-3), roster v1 pushed"
    assert kiosk.store.acked_seq() == 3 and kiosk.store.roster()["version"] == 1

    proc = subprocess.Popen([sys.executable, "-m", "sync_server", "serve", *cfg], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, base + "/login")
        anonymous = requests.get(base + "/", allow_redirects=False, timeout=5)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]

        s = requests.Session()
        token = csrf_token(s.get(base + "/login", timeout=5).text)
        no_token = s.post(base + "/login", data={"username": "admin", "password": PASSWORD},
                          allow_redirects=False, timeout=5)
        assert no_token.status_code == 400
        wrong = s.post(base + "/login", data={"username": "admin", "password": "sai mật khẩu rồi",
                                              "csrf_token": token}, allow_redirects=False, timeout=5)
        assert wrong.status_code == 401
        assert s.get(base + "/", allow_redirects=False, timeout=5).status_code == 302

        ok = s.post(base + "/login", data={"username": "admin", "password": PASSWORD,
                                           "csrf_token": token}, allow_redirects=False, timeout=5)
        assert ok.status_code == 302 and ok.headers["Location"] == "/"
        html = s.get(base + "/", timeout=5).text
        assert "Nguyễn Thị Lan" in html
        assert cell(html, "nv-lan", "today-count") == "3"
        assert cell(html, "nv-lan", "today-pct") == "66.7"
        assert cell(html, "nv-lan", "month-count") == "3"
        assert cell(html, "nv-hung", "today-count") == "0"
        assert cell(html, "total", "today-count") == "3"
        assert s.get(base + "/static/style.css", timeout=5).status_code == 200

        # The background loop of `serve` picks up new ratings by itself.
        kiosk.store.append(rating(5, officer="nv-lan"))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            html = s.get(base + "/", timeout=5).text
            if cell(html, "nv-lan", "today-count") == "4":
                break
            time.sleep(0.3)
        assert cell(html, "nv-lan", "today-count") == "4"
        assert cell(html, "nv-lan", "today-pct") == "75.0"
        # The ack follows the store's commit (the figure can show a moment before it arrives).
        while kiosk.store.acked_seq() != 4 and time.monotonic() < deadline + 10:
            time.sleep(0.1)
        assert kiosk.store.acked_seq() == 4
    finally:
        out, err = interrupted(proc)
    assert proc.returncode == 0, err
    assert "stopped" in out and "Traceback" not in err


def test_sigterm_stops_serve_cleanly(tmp_path, backend):
    port = free_port()
    config = tmp_path / "server.toml"
    config.write_text(server_toml(tmp_path / "data", [], port=port, database_url=backend), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "sync_server", "serve", "--config", str(config)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_up(proc, f"http://127.0.0.1:{port}/login")
        assert "create-admin" in requests.get(f"http://127.0.0.1:{port}/login", timeout=5).text
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err


def test_ctrl_c_stops_serve_even_when_its_shell_left_sigint_ignored(tmp_path):
    """A background shell starts its children with SIGINT ignored, and Python then installs no
    handler: `serve` (and `make demo` around it) went on pulling after Ctrl-C."""
    port = free_port()
    config = tmp_path / "server.toml"
    config.write_text(server_toml(tmp_path / "data", [], port=port), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "sync_server", "serve", "--config", str(config)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        wait_until_up(proc, f"http://127.0.0.1:{port}/login")
    finally:
        out, err = interrupted(proc)
    assert proc.returncode == 0, err
    assert "hailong-server: stopped" in out
