"""The province hub's end-to-end tests: a real hub process (`hailong-server serve` on
PostgreSQL), commune servers' configs (SQLite) that push to it, and a TCP proxy between them that
cuts the connection where a test says (DESIGN.md §6)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.server import PG_SKIP, PG_URL, REPO, free_port, hailong, reset_postgres, wait_until_up

KIOSK_TOKEN = "k" * 24
TOKENS = {"xa-a": "token-of-xa-a-0123456789", "xa-b": "token-of-xa-b-0123456789"}
NAMES = {"xa-a": "Trung tâm Phục vụ hành chính công xã A",
         "xa-b": "Trung tâm Phục vụ hành chính công phường B"}


def cli(*args: str) -> subprocess.CompletedProcess:
    """`hailong-server ARGS`; a push of 20,000 responses may take longer than the usual minute."""
    return hailong(*args, timeout=300)


def hub_toml(path: Path, port: int, database_url: str) -> Path:
    text = (f'[server]\ndata_dir = "{path.parent / "hub-data"}"\nhost = "127.0.0.1"\nport = {port}\n'
            f'database_url = "{database_url}"\n[unit]\nname = "Trung tâm Phục vụ hành chính công tỉnh"\n')
    for sid, token in TOKENS.items():
        text += f'[[downstream]]\nid = "{sid}"\nname = "{NAMES[sid]}"\ntoken = "{token}"\n'
    path.write_text(text, encoding="utf-8")
    return path


def commune_toml(path: Path, server_id: str, hub_url: str, kiosks: dict[str, str],
                 token: str | None = None, upstream: bool = True) -> Path:
    """A commune server on SQLite under path's folder, its kiosks (id → url), pushing to hub_url
    (without an [upstream] table when not `upstream`: one to pair with the hub)."""
    text = (f'[server]\ndata_dir = "{path.parent / (path.stem + "-data")}"\nhost = "127.0.0.1"\n'
            f'port = {free_port()}\n[unit]\nname = "{NAMES.get(server_id, server_id)}"\n')
    if upstream:
        text += (f'[upstream]\nurl = "{hub_url}"\nserver_id = "{server_id}"\n'
                 f'token = "{token or TOKENS[server_id]}"\ninterval_s = 5\n')
    for kid, url in kiosks.items():
        text += f'[[kiosks]]\nid = "{kid}"\nurl = "{url}"\ntoken = "{KIOSK_TOKEN}"\n'
    path.write_text(text, encoding="utf-8")
    return path


def raw_batch(server_id: str, chain: list[dict], day: str = "2026-11-22") -> dict:
    """An upstream batch of one store by hand (DESIGN.md §6), every response on local `day` at 8h."""
    return {"protocol": 1, "server_id": server_id, "roster": {}, "exclusions": [],
            "stores": [{"store_id": chain[0]["store_id"], "kiosk_id": chain[0]["kiosk_id"],
                        "responses": chain,
                        "times": [[f"{day}T01:15:02", None, "kiosk", day, 8]] * len(chain)}]}


class Hub:
    """`hailong-server serve` as the hub; kill() is SIGKILL, start() again keeps its database."""

    def __init__(self, config: Path, port: int) -> None:
        self.config, self.port = config, port
        self.base = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Hub:
        command = [sys.executable, "-m", "sync_server", "serve", "--no-pull", "--config", str(self.config)]
        self.proc = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        wait_until_up(self.proc, self.base + "/api/v1/upstream/status", timeout=60)
        return self

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> str:
        """Stop it; its stderr (the log), which must never hold a token."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.stderr.read() if self.proc and self.proc.stderr else ""
        self.proc.terminate()
        return self.proc.communicate(timeout=30)[1]


def _read_message(sock: socket.socket, buffer: bytes) -> tuple[bytes, bytes, bytes] | None:
    """(head, body, rest) of one HTTP message with a Content-Length, or None when the peer closes."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, _, rest = buffer.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        rest += chunk
    return head + b"\r\n\r\n", rest[:length], rest[length:]


class CutProxy:
    """Between a commune and the hub. The next batch request (POST …/batch) is cut:
    - "after_reply": forwarded whole, the hub's reply read, then the connection closed without it
      (the hub stored the batch; the commune never heard so);
    - "half_body": the head and half the body forwarded, then `holding` is set and the proxy waits
      for `release` before closing both sides (the test kills the hub meanwhile)."""

    def __init__(self, target_port: int, cut: str) -> None:
        self.target_port, self.cut = target_port, cut
        self.holding, self.release = threading.Event(), threading.Event()
        self.cuts = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        buffer = b""
        try:
            while True:
                request = _read_message(conn, buffer)
                if request is None:
                    return
                head, body, buffer = request
                cut_now = head.startswith(b"POST ") and b"/batch" in head.split(b"\r\n")[0] and not self.cuts
                if cut_now and self.cut == "half_body":
                    self.cuts += 1
                    upstream.sendall(head + body[: len(body) // 2])
                    self.holding.set()
                    self.release.wait(60)
                    return
                upstream.sendall(head + body)
                reply = _read_message(upstream, b"")
                if reply is None:
                    return
                if cut_now:
                    self.cuts += 1
                    return  # the hub answered; the commune hears nothing
                conn.sendall(reply[0] + reply[1])
        finally:
            conn.close()
            upstream.close()

    def close(self) -> None:
        self.release.set()
        self.listener.close()



def running_hub(tmp_path: Path) -> Iterator[Hub]:
    """The body of a `hub` fixture: a hub on the test PostgreSQL database, emptied first; its log
    must never hold a token."""
    from sync_server.db import database

    if not PG_URL:
        pytest.skip(PG_SKIP)
    reset_postgres(PG_URL)
    port = free_port()
    h = Hub(hub_toml(tmp_path / "hub.toml", port, PG_URL), port).start()
    yield h
    log = h.stop()
    assert not any(token in log for token in TOKENS.values()), "a token in the hub's log"
    if database.obj is not None and not database.is_closed():
        database.close()


def open_db(path: Path):
    """This process's database connection switched to the server of config `path`."""
    from sync_server import config as server_config
    from sync_server.db import database, init_db

    if database.obj is not None and not database.is_closed():
        database.close()
    cfg = server_config.load(path)
    init_db(cfg)
    return cfg
