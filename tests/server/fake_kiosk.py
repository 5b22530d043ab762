"""A kiosk API that says whatever a test wants: tampered pages, gaps, garbage, HTML."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request

from kiosk.api import ApiServer
from kiosk.protocol import GENESIS_HASH


class FakeKiosk:
    def __init__(self, kiosk_id: str, store_id: str, responses: list[dict[str, Any]]) -> None:
        self.kiosk_id, self.store_id, self.responses = kiosk_id, store_id, responses
        self.raw_page: tuple[str, str] | None = None  # (body, content type) instead of JSON
        self.raw_status: tuple[str, str] | None = None
        self.status_extra: dict[str, Any] = {}
        self.acks: list[dict[str, Any]] = []
        self.rosters: list[dict[str, Any]] = []
        app = Flask("fake-kiosk")

        @app.get("/api/v1/status")
        def status():
            if self.raw_status is not None:
                return Response(self.raw_status[0], content_type=self.raw_status[1])
            last = self.responses[-1] if self.responses else None
            return jsonify(kiosk_id=self.kiosk_id, store_id=self.store_id,
                           last_seq=last["seq"] if last else 0,
                           head_hash=last["hash"] if last else GENESIS_HASH,
                           roster_version=0, acked_seq=0, **self.status_extra)

        @app.get("/api/v1/responses")
        def responses():
            if self.raw_page is not None:
                return Response(self.raw_page[0], content_type=self.raw_page[1])
            after, limit = int(request.args["after"]), int(request.args["limit"])
            page = [r for r in self.responses if r["seq"] > after][:limit]
            last = self.responses[-1]["seq"] if self.responses else 0
            return jsonify(store_id=self.store_id, responses=page, last_seq=last)

        @app.post("/api/v1/ack")
        def ack():
            self.acks.append(request.get_json())
            return jsonify(acked_seq=request.get_json()["seq"])

        @app.put("/api/v1/roster")
        def roster():
            self.rosters.append(request.get_json())
            return jsonify(ok=True)

        self.server = ApiServer(app, "127.0.0.1", 0).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.port}"

    def stop(self) -> None:
        self.server.stop()
