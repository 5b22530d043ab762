"""The kiosk's ballot box: an append-only, hash-chained SQLite store (DESIGN.md §2, §3).

Each response is written in one IMMEDIATE transaction with `synchronous=FULL`, so when
`append` returns the rating is on disk and survives a killed process or a power cut. Rows are
never updated or deleted (SQLite triggers refuse it). The stored `body` is the canonical JSON
that the hash was taken over, so `verify` re-checks exactly what will be sent.

Beside the responses, an append-only `event` log (start, stop, dropped presses, exports...;
kinds in `kiosk.events`) with the same three time readings. Events are not part of the wire
chain: they travel in exports (`kiosk.export`) and are shown by `hailong-kiosk events`.
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

from kiosk.events import KINDS
from kiosk.shared import clock
from kiosk.shared.exc import ProtocolError, StoreError
from kiosk.shared.protocol import GENESIS_HASH, canonical_json, seal, verify_chain

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
    "CREATE TRIGGER IF NOT EXISTS event_no_update BEFORE UPDATE ON event "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS event_no_delete BEFORE DELETE ON event "
    "BEGIN SELECT RAISE(ABORT, 'events are append-only'); END",
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


class Event(Model):
    seq = IntegerField(primary_key=True)
    uuid = CharField(unique=True)
    kind = CharField()
    recorded_at = CharField()
    boot_id = CharField()
    uptime_ms = IntegerField()
    detail = TextField()  # JSON object


MODELS = (Meta, Response, Event)
_HEAD_SQL = "SELECT seq, hash FROM response ORDER BY seq DESC LIMIT 1"
_INSERT_SQL = "INSERT INTO response (seq, uuid, recorded_at, hash, body) VALUES (?, ?, ?, ?, ?)"
_EVENT_COLUMNS = "seq, uuid, kind, recorded_at, boot_id, uptime_ms, detail"
_INSERT_EVENT_SQL = (f"INSERT INTO event ({_EVENT_COLUMNS}) "
                     "VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM event), ?, ?, ?, ?, ?, ?)")


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
        # The models describe the schema only. Every query goes through self.db: Model.bind
        # is global, and with two stores in one process (import, the server's tests) a model
        # query would read whichever store was opened last.
        with self._connected(), self.db.bind_ctx(MODELS):
            self.db.create_tables(MODELS)
            for sql in _APPEND_ONLY_TRIGGERS:
                self.db.execute_sql(sql)
            # The idle screen's month figures read one month of rows, not the whole store.
            self.db.execute_sql("CREATE INDEX IF NOT EXISTS response_recorded_at ON response (recorded_at)")
            # A rating's dossier code ([dossier] on), outside the sealed body: deleted once acked.
            self.db.execute_sql("CREATE TABLE IF NOT EXISTS dossier_link (seq INTEGER PRIMARY KEY, "
                                "uuid TEXT NOT NULL, code TEXT NOT NULL)")
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
        row = self.db.execute_sql("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_meta(self, key: str, value: str) -> None:
        self.db.execute_sql("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def meta(self, key: str) -> str | None:
        with self._connected():
            return self._meta(key)

    def set_meta(self, key: str, value: str) -> None:
        with self._connected(), self.db.atomic("IMMEDIATE"):
            self._set_meta(key, value)

    def month_rows(self, since: str) -> list[tuple[str | None, str | None, str | None]]:
        """(officer, questionnaire, answers JSON) of the responses recorded at or after `since`
        (a local ISO time prefix such as "2025-06-01"), through the recorded_at index."""
        sql = ("SELECT json_extract(body, '$.officer'), json_extract(body, '$.questionnaire'), "
               "json_extract(body, '$.answers') FROM response WHERE recorded_at >= ?")
        with self._connected():
            return list(self.db.execute_sql(sql, (since,)).fetchall())

    # --- responses --------------------------------------------------------------------
    def append(self, fields: dict[str, Any], dossier: str | None = None) -> dict[str, Any]:
        """Seal and commit one response; return it as stored. Raises on any failure, in
        which case nothing was stored. `dossier`: the scanned dossier code, kept in the same
        transaction outside the sealed body (`dossier_link`, docs/privacy.md)."""
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
            if dossier:
                self.db.execute_sql("INSERT INTO dossier_link (seq, uuid, code) VALUES (?, ?, ?)",
                                    (seq, sealed["uuid"], dossier))
        return sealed

    def dossiers_between(self, after: int, upto: int) -> dict[str, str]:
        """{response uuid: dossier code} of the responses after seq `after` up to `upto`."""
        with self._connected():
            rows = self.db.execute_sql("SELECT uuid, code FROM dossier_link WHERE seq > ? AND seq <= ?",
                                       (after, upto))
            return dict(rows.fetchall())

    def head(self) -> tuple[int, str]:
        """(last seq, its hash); (0, 64 zeros) for an empty store."""
        with self._connected():
            row = self.db.execute_sql(_HEAD_SQL).fetchone()
        return (row[0], row[1]) if row else (0, GENESIS_HASH)

    def count(self) -> int:
        with self._connected():
            return int(self.db.execute_sql("SELECT COUNT(*) FROM response").fetchone()[0])

    def responses_after(self, after: int, limit: int) -> list[dict[str, Any]]:
        return [json.loads(body) for body in self.bodies_after(after, limit)]

    def bodies_after(self, after: int, limit: int) -> list[str]:
        """The sealed responses after seq `after` as stored: their canonical JSON text."""
        with self._connected():
            rows = self.db.execute_sql(
                "SELECT body FROM response WHERE seq > ? ORDER BY seq LIMIT ?", (after, limit))
            return [body for (body,) in rows]

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

    def hash_at(self, seq: int) -> str | None:
        """The stored hash of `seq` (the genesis hash for 0), None if there is no such seq."""
        if seq == 0:
            return GENESIS_HASH
        with self._connected():
            row = self.db.execute_sql("SELECT hash FROM response WHERE seq = ?", (seq,)).fetchone()
        return row[0] if row else None

    def response_bodies(self) -> Iterator[tuple[int, str]]:
        """(seq, stored canonical body) in seq order, streamed: exports never hold the whole
        store in memory. Wrap in `snapshot()` for a consistent view."""
        with self._connected():
            yield from self.db.execute_sql("SELECT seq, body FROM response ORDER BY seq")

    # --- events -----------------------------------------------------------------------
    def log_event(self, kind: str, **detail: Any) -> dict[str, Any]:
        """Append one event and commit it; return it as stored. `detail` must be JSON-able
        (anything else is written as its str())."""
        if kind not in KINDS:
            raise ValueError(f"unknown event kind {kind!r} (known: {', '.join(KINDS)})")
        event = {"uuid": str(uuid.uuid4()), "kind": kind, "recorded_at": clock.wall_clock_iso(),
                 "boot_id": clock.boot_id(), "uptime_ms": clock.uptime_ms(),
                 "detail": json.loads(json.dumps(detail, default=str))}
        with self._connected(), self.db.atomic("IMMEDIATE"):
            event["seq"] = self._insert_event(event)
        return event

    def _insert_event(self, e: dict[str, Any]) -> int:
        detail = json.dumps(e["detail"], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        cursor = self.db.execute_sql(_INSERT_EVENT_SQL, (e["uuid"], e["kind"], e["recorded_at"],
                                                         e["boot_id"], e["uptime_ms"], detail))
        return int(cursor.lastrowid)

    def events_after(self, after: int = 0, limit: int = 1000) -> list[dict[str, Any]]:
        """Events with seq > `after`, oldest first, at most `limit`."""
        with self._connected():
            rows = self.db.execute_sql(
                f"SELECT {_EVENT_COLUMNS} FROM event WHERE seq > ? ORDER BY seq LIMIT ?",
                (after, limit)).fetchall()
        return [_event_dict(row) for row in rows]

    def last_events(self, n: int) -> list[dict[str, Any]]:
        """The newest `n` events, oldest first."""
        with self._connected():
            rows = self.db.execute_sql(
                f"SELECT {_EVENT_COLUMNS} FROM event ORDER BY seq DESC LIMIT ?", (n,)).fetchall()
        return [_event_dict(row) for row in reversed(rows)]

    def iter_events(self) -> Iterator[dict[str, Any]]:
        """Every event in seq order, streamed (see `response_bodies`)."""
        with self._connected():
            for row in self.db.execute_sql(f"SELECT {_EVENT_COLUMNS} FROM event ORDER BY seq"):
                yield _event_dict(row)

    def event_count(self) -> int:
        with self._connected():
            return int(self.db.execute_sql("SELECT COUNT(*) FROM event").fetchone()[0])

    def event_uuids(self) -> set[str]:
        with self._connected():
            return {u for (u,) in self.db.execute_sql("SELECT uuid FROM event")}

    # --- transactions and restoring an export -----------------------------------------
    @contextlib.contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every read inside sees the same state of the store, while the
        kiosk keeps recording (WAL readers do not block the writer)."""
        with self._connected(), self.db.atomic():
            yield

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One IMMEDIATE write transaction for a multi-step change (an import): all of it is
        committed, or none of it."""
        try:
            with self._connected(), self.db.atomic("IMMEDIATE"):
                yield
        except BaseException:
            self.store_id = self.meta("store_id")  # type: ignore[assignment]  # undo adopt_identity
            raise

    def adopt_identity(self, store_id: str, created_at: str | None = None) -> None:
        """Become the store `store_id` (restoring an export onto a re-imaged card), so that
        the server sees the same store continue instead of a new epoch. Only while this
        store holds no response: a response already sealed under another store_id would
        break the chain."""
        try:
            if str(uuid.UUID(store_id)) != store_id:
                raise ValueError
        except ValueError:
            raise StoreError(f"store_id {store_id!r} is not a lowercase UUID") from None
        with self._connected(), self.db.atomic("IMMEDIATE"):
            if self.db.execute_sql(_HEAD_SQL).fetchone() is not None:
                raise StoreError(f"store {self.store_id} already holds responses: it cannot "
                                 f"become store {store_id}")
            if store_id != self.store_id:
                self._set_meta("replaced_store_id", self.store_id)  # the id this card made itself
            self._set_meta("store_id", store_id)
            if created_at:
                self._set_meta("created_at", created_at)
        self.store_id = store_id

    def restore_response(self, r: dict[str, Any]) -> None:
        """Insert one sealed response exactly as it was sealed elsewhere (import). It must be
        this store's and continue its chain; call inside `transaction()`."""
        head = self.db.execute_sql(_HEAD_SQL).fetchone()
        seq, prev = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        if r.get("store_id") != self.store_id:
            raise StoreError(f"seq {r.get('seq')}: store_id {r.get('store_id')!r} is not this "
                             f"store's ({self.store_id})")
        verify_chain([r], seq - 1, prev)  # raises ProtocolError naming the seq
        self.db.execute_sql(_INSERT_SQL, (seq, r["uuid"], r["recorded_at"], r["hash"],
                                          canonical_json(r).decode("utf-8")))

    def restore_event(self, e: dict[str, Any]) -> bool:
        """Append an event recorded elsewhere, keeping its uuid and times; False when this
        store already has it. Its seq here is the next free one."""
        with self._connected():
            found = self.db.execute_sql("SELECT 1 FROM event WHERE uuid = ?", (e["uuid"],)).fetchone()
            if found:
                return False
            self._insert_event(e)
        return True

    # --- sync state and roster --------------------------------------------------------
    def acked_seq(self) -> int:
        return int(self.meta("acked_seq") or 0)

    def ack(self, seq: int) -> int:
        """Record that the server holds everything up to `seq`; never moves backwards."""
        with self._connected(), self.db.atomic("IMMEDIATE"):
            acked = max(int(self._meta("acked_seq") or 0), seq)
            self._set_meta("acked_seq", str(acked))
            # The server holds them now: the kiosk keeps no dossier code longer than it must.
            self.db.execute_sql("DELETE FROM dossier_link WHERE seq <= ?", (acked,))
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


def _event_dict(row: tuple) -> dict[str, Any]:
    seq, uid, kind, recorded_at, boot, uptime, detail = row
    return {"seq": seq, "uuid": uid, "kind": kind, "recorded_at": recorded_at, "boot_id": boot,
            "uptime_ms": uptime, "detail": json.loads(detail)}
