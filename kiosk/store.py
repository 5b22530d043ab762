"""The kiosk's ballot box: an append-only, hash-chained SQLite store (DESIGN.md §2, §3).

Each response is written in one IMMEDIATE transaction with `synchronous=FULL`, so when
`append` returns the rating is on disk and survives a killed process or a power cut. Rows are
never updated or deleted (SQLite triggers refuse it). The stored `body` is the canonical JSON
that the hash was taken over, so `verify` re-checks exactly what will be sent.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import CharField, IntegerField, Model, SqliteDatabase, TextField

from kiosk import clock
from kiosk.protocol import GENESIS_HASH, ProtocolError, canonical_json, seal, verify_chain

PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": "full",  # NORMAL may roll back the last commits after a power cut
    "foreign_keys": 1,
    "journal_size_limit": 4 * 1024 * 1024,
    "busy_timeout": 5000,
}

_APPEND_ONLY_TRIGGERS = (
    "CREATE TRIGGER IF NOT EXISTS response_no_update BEFORE UPDATE ON response "
    "BEGIN SELECT RAISE(ABORT, 'responses are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS response_no_delete BEFORE DELETE ON response "
    "BEGIN SELECT RAISE(ABORT, 'responses are append-only'); END",
)


class Meta(Model):
    key = CharField(primary_key=True)
    value = TextField()


class Response(Model):
    seq = IntegerField(primary_key=True)
    uuid = CharField(unique=True)
    recorded_at = CharField()
    hash = CharField()
    body = TextField()  # canonical JSON of the whole response, hash included


MODELS = (Meta, Response)
_HEAD_SQL = "SELECT seq, hash FROM response ORDER BY seq DESC LIMIT 1"
_INSERT_SQL = "INSERT INTO response (seq, uuid, recorded_at, hash, body) VALUES (?, ?, ?, ?, ?)"


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    count: int
    first_bad_seq: int | None = None
    problem: str = ""


class Store:
    """One kiosk's response store. One instance per process; threads share it safely
    (peewee gives each thread its own connection)."""

    def __init__(self, path: Path | str, kiosk_id: str) -> None:
        self.path = Path(path)
        self.kiosk_id = kiosk_id
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = SqliteDatabase(str(self.path), pragmas=PRAGMAS)
        self.db.bind(MODELS)
        with self._connected():
            self.db.create_tables(MODELS)
            for sql in _APPEND_ONLY_TRIGGERS:
                self.db.execute_sql(sql)
            with self.db.atomic("IMMEDIATE"):
                if self._meta("store_id") is None:
                    self._set_meta("store_id", str(uuid.uuid4()))
                    self._set_meta("created_at", clock.wall_clock_iso())
        self.store_id: str = self.meta("store_id")  # type: ignore[assignment]
        # Bumped in memory by save_roster, so the screen's clock tick can see "nothing new"
        # without a query (the API that saves rosters runs in this same process).
        self.roster_saves = 0

    @contextlib.contextmanager
    def _connected(self) -> Iterator[None]:
        """This thread's connection, opened once and kept: reopening per call (file open and
        pragmas) cost more than the commit itself."""
        self.db.connect(reuse_if_open=True)
        yield

    # --- meta -------------------------------------------------------------------------
    def _meta(self, key: str) -> str | None:
        row = Meta.get_or_none(Meta.key == key)
        return row.value if row else None

    def _set_meta(self, key: str, value: str) -> None:
        Meta.insert(key=key, value=value).on_conflict_replace().execute()

    def meta(self, key: str) -> str | None:
        with self._connected():
            return self._meta(key)

    # --- responses --------------------------------------------------------------------
    def append(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Seal and commit one response; return it as stored. Raises on any failure, in
        which case nothing was stored."""
        with self._connected(), self.db.atomic("IMMEDIATE"):
            # Plain SQL on the hot path: peewee's query builder cost more than the commit.
            head = self.db.execute_sql(_HEAD_SQL).fetchone()
            seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
            response = {
                "store_id": self.store_id,
                "seq": seq,
                "uuid": str(uuid.uuid4()),
                "kiosk_id": self.kiosk_id,
                "officer": None,
                "procedure": None,
                "reasons": [],
                "partial": False,
                "flags": [],
                "recorded_at": clock.wall_clock_iso(),
                "boot_id": clock.boot_id(),
                "uptime_ms": clock.uptime_ms(),
                **fields,
            }
            response["seq"], response["store_id"] = seq, self.store_id
            sealed = seal(response, prev)
            self.db.execute_sql(_INSERT_SQL, (seq, sealed["uuid"], sealed["recorded_at"],
                                              sealed["hash"], canonical_json(sealed).decode("utf-8")))
        return sealed

    def head(self) -> tuple[int, str]:
        """(last seq, its hash); (0, 64 zeros) for an empty store."""
        with self._connected():
            row = Response.select(Response.seq, Response.hash).order_by(
                Response.seq.desc()).first()
        return (row.seq, row.hash) if row else (0, GENESIS_HASH)

    def count(self) -> int:
        with self._connected():
            return Response.select().count()

    def responses_after(self, after: int, limit: int) -> list[dict[str, Any]]:
        with self._connected():
            rows = (Response.select(Response.body).where(Response.seq > after)
                    .order_by(Response.seq).limit(limit).tuples())
            return [json.loads(body) for (body,) in rows]

    def verify(self) -> VerifyResult:
        """Re-check every stored response: seq without gaps, chain links, hashes, and that
        the indexed columns agree with the sealed body. Names the first bad seq."""
        prev_seq, prev_hash, count = 0, GENESIS_HASH, 0
        with self._connected():
            cursor = self.db.execute_sql(
                "SELECT seq, uuid, hash, body FROM response ORDER BY seq")
            for seq, uid, stored_hash, body in cursor:
                try:
                    r = json.loads(body)
                except ValueError:
                    return VerifyResult(False, count, seq, f"seq {seq}: body is not valid JSON")
                if not isinstance(r, dict) or r.get("seq") != seq or r.get("uuid") != uid \
                        or r.get("hash") != stored_hash or r.get("store_id") != self.store_id:
                    return VerifyResult(False, count, seq,
                                        f"seq {seq}: row does not match its sealed body")
                try:
                    prev_seq, prev_hash = verify_chain([r], prev_seq, prev_hash)
                except ProtocolError as e:
                    bad = seq if seq == prev_seq + 1 else prev_seq + 1
                    return VerifyResult(False, count, bad, str(e))
                count += 1
        return VerifyResult(True, count)

    # --- sync state and roster --------------------------------------------------------
    def acked_seq(self) -> int:
        return int(self.meta("acked_seq") or 0)

    def ack(self, seq: int) -> int:
        """Record that the server holds everything up to `seq`; never moves backwards."""
        with self._connected(), self.db.atomic("IMMEDIATE"):
            acked = max(int(self._meta("acked_seq") or 0), seq)
            self._set_meta("acked_seq", str(acked))
        return acked

    def roster(self) -> dict[str, Any] | None:
        raw = self.meta("roster")
        return json.loads(raw) if raw else None

    def save_roster(self, roster: dict[str, Any]) -> None:
        with self._connected(), self.db.atomic("IMMEDIATE"):
            self._set_meta("roster", json.dumps(roster, ensure_ascii=False))
        self.roster_saves += 1

    def free_disk_bytes(self) -> int:
        return shutil.disk_usage(self.path.parent).free

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()
