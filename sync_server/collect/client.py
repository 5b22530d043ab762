"""Talking HTTP to one kiosk's API (docs/protocol.md): bearer token, timeouts, and every way a
reply can go wrong turned into one of three exceptions with a message a technician can act on.
No Flask here."""

from __future__ import annotations

import json
import time
from typing import Any

import requests

from sync_server.collect.messages import Message, say
from sync_server.config import KioskEntry
from sync_server.exc import ServerError

MAX_REPLY_BYTES = 64 * 1024 * 1024  # a full page of 5000 responses is a few MB
CHUNK = 256 * 1024


class KioskError(ServerError):
    """What went wrong talking to a kiosk, as a message for the minutes (`said`); str() is English."""

    def __init__(self, said: Message) -> None:
        super().__init__(str(said))
        self.said = said


class Unreachable(KioskError):
    """No (complete) answer: connection refused or dropped, timeout, unknown host."""


class BadReply(KioskError):
    """The kiosk answered, but not with what the protocol says."""


class NotJson(BadReply):
    """The body is not JSON at all (an HTML page, a proxy, garbage)."""


_REASONS = (
    ("Read timed out", say("timed out")),  # requests reports a timeout inside the body this way
    ("Connection refused", say("connection refused")),
    ("Name or service not known", say("host name not found")),
    ("NameResolutionError", say("host name not found")),
    ("getaddrinfo failed", say("host name not found")),
    ("No route to host", say("no route to host")),
    ("Network is unreachable", say("network unreachable")),
    ("Connection reset", say("connection reset")),
    ("RemoteDisconnected", say("connection closed without a reply")),
    ("Connection aborted", say("connection closed without a reply")),
)


def _reason(error: Exception) -> Message:
    text = str(error)
    return next((reason for needle, reason in _REASONS if needle in text), say("cannot connect"))


class KioskClient:
    def __init__(self, entry: KioskEntry, session: requests.Session | None = None, *,
                 connect_timeout_s: float = 3.0, read_timeout_s: float = 15.0) -> None:
        self.entry = entry
        self.base = f"{entry.url}/api/v1"
        self.session = session or requests.Session()
        self.headers = {"Authorization": f"Bearer {entry.token}"}
        self.timeout = (connect_timeout_s, read_timeout_s)
        # The read timeout is per socket read: a kiosk trickling a byte at a time would never
        # hit it, so the whole reply also has a deadline.
        self.deadline_s = connect_timeout_s + 4 * read_timeout_s

    def _body(self, r: requests.Response, started: float) -> bytes:
        chunks, size = [], 0
        for chunk in r.iter_content(CHUNK):
            size += len(chunk)
            if size > MAX_REPLY_BYTES:
                raise BadReply(say("reply larger than %(mb)s MB", mb=MAX_REPLY_BYTES // (1024 * 1024)))
            if time.monotonic() - started > self.deadline_s:
                raise Unreachable(say("too slow: reply not complete after %(s)s s", s=f"{self.deadline_s:g}"))
            chunks.append(chunk)
        return b"".join(chunks)

    def request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        started = time.monotonic()
        try:
            r = self.session.request(method, self.base + path, headers=self.headers,
                                     timeout=self.timeout, allow_redirects=False, stream=True,
                                     **kwargs)
            try:
                raw = self._body(r, started)
            finally:
                r.close()
        except requests.Timeout:
            raise Unreachable(say("timed out")) from None
        except (requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError):
            raise Unreachable(say("connection dropped in the middle of a reply")) from None
        except requests.ConnectionError as e:
            raise Unreachable(_reason(e)) from None
        except requests.RequestException as e:
            raise BadReply(say("%(req)s: %(error)s", req=f"{method} {path}",
                               error=type(e).__name__)) from None
        return self._decode(method, path, r, raw)

    @staticmethod
    def _decode(method: str, path: str, r: requests.Response, raw: bytes) -> dict[str, Any]:
        try:
            body = json.loads(raw.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            kind = r.headers.get("Content-Type", "no content type")
            text = raw[:60].decode("utf-8", "replace")
            raise NotJson(say("%(req)s: HTTP %(code)s, not JSON (%(kind)s): %(text)s", req=f"{method} {path}",
                              code=r.status_code, kind=kind, text=repr(text))) from None
        if r.status_code == 401:
            raise BadReply(say("the kiosk refused the token (401): check token in [[kiosks]]"))
        if r.status_code >= 400:
            problem = body.get("error") if isinstance(body, dict) else None
            raise BadReply(say("%(req)s: HTTP %(code)s: %(problem)s", req=f"{method} {path}",
                               code=r.status_code, problem=str(problem)[:200]))
        if not isinstance(body, dict):
            raise NotJson(say("%(req)s: reply is JSON but not an object", req=f"{method} {path}"))
        return body
