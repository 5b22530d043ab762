"""A kiosk API that says whatever a test wants, on a real HTTP server on 127.0.0.1 (stdlib
`http.server`, so that a test controls the bytes on the wire): tampered pages, gaps, garbage,
HTML, and faults — a connection dropped in the middle of a page, a reply slower than the
server's timeout, a connection closed without a reply."""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kiosk.shared.protocol import GENESIS_HASH


@dataclass
class Fault:
    """Misbehave on the next `times` requests whose path ends with `path`."""

    path: str  # "status", "responses", "ack", "roster"
    kind: str  # drop (half the body, then close) | slow (wait delay_s first) | close (no reply)
    times: int = 1
    delay_s: float = 0.0
    after: int = 0  # responses only: only pages asked with after >= this


class FakeKiosk:
    def __init__(self, kiosk_id: str, store_id: str, responses: list[dict[str, Any]]) -> None:
        self.kiosk_id, self.store_id, self.responses = kiosk_id, store_id, responses
        self.raw_page: tuple[str, str] | None = None  # (body, content type) instead of JSON
        self.raw_status: tuple[str, str] | None = None
        self.status_extra: dict[str, Any] = {}
        self.acks: list[dict[str, Any]] = []
        self.rosters: list[dict[str, Any]] = []
        self.faults: list[Fault] = []
        self.requests: list[str] = []  # "GET /api/v1/responses?after=0&limit=500", …
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._t0 = time.monotonic()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"fake-{kiosk_id}", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self._stopping.set()
        self.server.shutdown()
        self.server.server_close()

    # --- what it answers ----------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        last = self.responses[-1] if self.responses else None
        return {"protocol": 1, "kiosk_id": self.kiosk_id, "store_id": self.store_id, "version": "fake",
                "last_seq": last["seq"] if last else 0,
                "head_hash": last["hash"] if last else GENESIS_HASH,
                "roster_version": 0, "acked_seq": max((a["seq"] for a in self.acks), default=0),
                # A boot none of the test chains use: their times are taken as recorded.
                "boot_id": "fake-current-boot", "uptime_ms": int((time.monotonic() - self._t0) * 1000),
                "wall_clock": datetime.now().astimezone().isoformat(timespec="milliseconds"),
                "clock_synced": True, "free_disk_bytes": 5 * 1024**3, **self.status_extra}

    def page(self, after: int, limit: int) -> dict[str, Any]:
        page = [r for r in self.responses if r["seq"] > after][:limit]
        last = self.responses[-1]["seq"] if self.responses else 0
        return {"store_id": self.store_id, "responses": page, "last_seq": last}

    def take_fault(self, path: str, after: int) -> Fault | None:
        with self._lock:
            for f in self.faults:
                if path.endswith(f.path) and f.times > 0 and after >= f.after:
                    f.times -= 1
                    return f
        return None


def _handler(kiosk: FakeKiosk) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as waitress does

        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, body: bytes, content_type: str = "application/json", status: int = 200) -> None:
            path = urlsplit(self.path).path
            after = int(parse_qs(urlsplit(self.path).query).get("after", ["0"])[0])
            fault = kiosk.take_fault(path, after)
            if fault and fault.kind == "slow":
                kiosk._stopping.wait(fault.delay_s)
            if fault and fault.kind == "close":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if fault and fault.kind == "drop":
                self.wfile.write(body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(body)

        def _json(self, obj: Any, status: int = 200) -> None:
            self._send(json.dumps(obj, ensure_ascii=False).encode("utf-8"), status=status)

        def _read_json(self) -> Any:
            length = int(self.headers.get("Content-Length", 0))
            return json.loads(self.rfile.read(length) or b"null")

        def do_GET(self) -> None:
            kiosk.requests.append(f"GET {self.path}")
            parts = urlsplit(self.path)
            if parts.path == "/api/v1/status":
                if kiosk.raw_status is not None:
                    return self._send(kiosk.raw_status[0].encode(), kiosk.raw_status[1])
                return self._json(kiosk.status())
            if parts.path == "/api/v1/responses":
                if kiosk.raw_page is not None:
                    return self._send(kiosk.raw_page[0].encode(), kiosk.raw_page[1])
                q = parse_qs(parts.query)
                return self._json(kiosk.page(int(q["after"][0]), int(q["limit"][0])))
            return self._json({"error": "not found"}, 404)

        def do_POST(self) -> None:
            kiosk.requests.append(f"POST {self.path}")
            body = self._read_json()
            if self.path == "/api/v1/ack":
                kiosk.acks.append(body)
                return self._json({"acked_seq": body["seq"]})
            return self._json({"error": "not found"}, 404)

        def do_PUT(self) -> None:
            kiosk.requests.append(f"PUT {self.path}")
            body = self._read_json()
            if self.path == "/api/v1/roster":
                kiosk.rosters.append(body)
                return self._json({"ok": True})
            return self._json({"error": "not found"}, 404)

    return Handler
