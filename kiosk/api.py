"""The kiosk's LAN API for the office PC (DESIGN.md §3): Flask, served by waitress in a thread.

Endpoints for responses, the roster, the ack and officers' photos, all behind
`Authorization: Bearer <token>` (compared in constant time). Every error is JSON
`{"error": "..."}` naming the problem; the API only reads responses and writes the ack cursor,
the roster and photos, never a response.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from kiosk import __version__
from kiosk.photos import PhotoStore
from kiosk.shared import clock
from kiosk.shared.exc import PhotoRefused, ProtocolError
from kiosk.shared.protocol import (
    DEFAULT_PAGE,
    MAX_PAGE,
    PROTOCOL_VERSION,
    QUESTION_TYPES,
    nfc,
    roster_photos,
    validate_roster,
)
from kiosk.store import Store

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 1024 * 1024
MAX_MISSING_LISTED = 50  # photos named in one status answer; the rest follow at the next pull


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


def _int_arg(name: str, default: int, lo: int, hi: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw, 10)
    except ValueError:
        raise ApiError(400, f"query parameter '{name}' must be an integer, got {raw[:40]!r}") from None
    if not lo <= value <= hi:
        raise ApiError(400, f"query parameter '{name}' must be between {lo} and {hi}, got {value}")
    return value


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True, force=True)
    if body is None:
        raise ApiError(400, "request body must be valid JSON")
    if not isinstance(body, dict):
        raise ApiError(400, "request body must be a JSON object")
    return body


def create_api(
    store: Store,
    *,
    kiosk_id: str,
    token: str,
    roster_version: Callable[[], int] = lambda: 0,
    on_contact: Callable[[], None] = lambda: None,
    photos: PhotoStore | None = None,
) -> Flask:
    """`roster_version` reports the roster the screen is showing (the applied one);
    `on_contact` is called for every request that carried the right token (the admin screen
    shows when the server was last seen). Photos live beside the store unless told otherwise."""
    photos = photos or PhotoStore(store.path.parent / "photos")
    app = Flask("kiosk.api")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    expected = f"Bearer {token}".encode()

    @app.before_request
    def require_token() -> None:
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            raise ApiError(401, "missing or wrong bearer token")
        on_contact()

    @app.errorhandler(ApiError)
    def api_error(e: ApiError):
        return jsonify(error=e.message), e.status

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        message = {413: f"request body larger than {MAX_BODY_BYTES} bytes"}.get(
            e.code or 500, e.description)
        return jsonify(error=message), e.code

    @app.errorhandler(Exception)
    def unexpected(e: Exception):
        log.exception("kiosk API error")
        return jsonify(error="internal error in the kiosk (see its log)"), 500

    @app.get("/api/v1/status")
    def status():
        last_seq, head_hash = store.head()
        stored_roster = store.roster()
        return jsonify(
            protocol=PROTOCOL_VERSION,
            kiosk_id=kiosk_id,
            store_id=store.store_id,
            version=__version__,
            last_seq=last_seq,
            head_hash=head_hash,
            acked_seq=store.acked_seq(),
            wall_clock=clock.wall_clock_iso(),
            clock_synced=clock.clock_synced(),
            boot_id=clock.boot_id(),
            uptime_ms=clock.uptime_ms(),
            roster_version=roster_version(),
            roster_stored_version=stored_roster["version"] if stored_roster else 0,
            # Roster schema 3: the question types this kiosk can ask, and the stored roster's
            # schema (the server sends a yes/no question only to a kiosk that lists it).
            question_types=list(QUESTION_TYPES),
            roster_stored_schema=stored_roster.get("schema", 1) if stored_roster else 0,
            free_disk_bytes=store.free_disk_bytes(),
            # The stored roster's photos this kiosk does not hold yet: the server sends them.
            photos_missing=photos.missing(roster_photos(stored_roster).values())[:MAX_MISSING_LISTED],
        )

    @app.get("/api/v1/responses")
    def responses():
        after = _int_arg("after", 0, 0, 2**53)
        limit = _int_arg("limit", DEFAULT_PAGE, 1, MAX_PAGE)
        bodies = store.bodies_after(after, limit)
        last_seq, _ = store.head()
        # The sealed bodies are JSON text already: spliced into the page as they are, not decoded
        # and encoded again (44 ms for a page of 1,000 on the dev VM, more on a Pi; bench/server_pull.py).
        # The dossier codes of these responses ([dossier] on), beside them and outside the seal:
        # a server that does not know the key ignores it (docs/protocol.md).
        dossiers = store.dossiers_between(after, after + len(bodies)) if bodies else {}
        extra = f',"dossiers":{json.dumps(dossiers, ensure_ascii=False)}' if dossiers else ""
        page = (f'{{"last_seq":{int(last_seq)},"responses":[{",".join(bodies)}],'
                f'"store_id":{json.dumps(store.store_id)}{extra}}}')
        return app.response_class(page, mimetype="application/json")

    @app.put("/api/v1/roster")
    def put_roster():
        roster = nfc(_json_body())
        try:
            validate_roster(roster)
        except ProtocolError as e:
            raise ApiError(400, str(e)) from None
        previous = store.roster()
        store.save_roster(roster)
        # Keep the photos of the roster on screen until the new one is applied.
        photos.prune({*roster_photos(previous).values(), *roster_photos(roster).values()})
        return jsonify(ok=True, version=roster["version"])

    @app.get("/api/v1/photos")
    def list_photos():
        return jsonify(photos=sorted(photos.held()))

    @app.put("/api/v1/photos/<sha256>")
    def put_photo(sha256: str):
        stored = store.roster()
        if sha256 not in roster_photos(stored).values():
            raise ApiError(409, f"photo {sha256[:64]!r} is not named by the stored roster "
                                f"(version {stored['version'] if stored else 0})")
        try:
            new = photos.put(sha256, request.get_data(cache=False))
        except PhotoRefused as e:
            raise ApiError(400, str(e)) from None
        return jsonify(ok=True, sha256=sha256, new=new), 201 if new else 200

    @app.post("/api/v1/ack")
    def ack():
        body = _json_body()
        if body.get("store_id") != store.store_id:
            raise ApiError(409, f"store_id {str(body.get('store_id'))[:64]!r} is not this "
                                f"kiosk's store ({store.store_id})")
        seq = body.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            raise ApiError(400, "field 'seq' must be an integer >= 0")
        last_seq, _ = store.head()
        if seq > last_seq:
            raise ApiError(400, f"field 'seq' {seq} is beyond the last stored seq {last_seq}")
        return jsonify(acked_seq=store.ack(seq))

    return app


class ApiServer:
    """waitress serving the API from a daemon thread; `stop()` closes it."""

    def __init__(self, app: Flask, host: str, port: int) -> None:
        from waitress.server import create_server

        self._server = create_server(app, host=host, port=port, threads=4,
                                     ident="hailong-kiosk")
        self.port = self._server.effective_port  # type: ignore[union-attr]
        self._thread = threading.Thread(target=self._run, name="kiosk-api", daemon=True)

    def _run(self) -> None:
        try:
            self._server.run()
        except OSError:  # closed under us by stop()
            pass

    def start(self) -> ApiServer:
        self._thread.start()
        log.info("kiosk API listening on port %s", self.port)
        return self

    def stop(self) -> None:
        self._server.close()
        self._thread.join(timeout=5)
