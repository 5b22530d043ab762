"""`hailong-kiosk import`: put an export back onto a re-imaged card (docs/reimaging.md).

An import keeps the original store_id and seq chain, so the server sees the same store continue
(no new epoch, nothing twice). The whole file is checked before anything is written (every
line whole and JSON, every response valid and chained, counts, head and checksum against the
manifest), then written in one transaction that checks it all again: the file could change in
between. The file's format is described in kiosk.export.
"""


from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.events import validate_event
from kiosk.export import FORMAT, FORMAT_VERSION, PROGRESS_EVERY, Progress, no_progress
from kiosk.shared.dossier import MAX_LEN as MAX_DOSSIER
from kiosk.shared.exc import EventError, ProtocolError, TransferError
from kiosk.shared.protocol import (
    GENESIS_HASH,
    validate_response,
    validate_roster,
    verify_chain,
)
from kiosk.store import Store

MAX_LINE = 1024 * 1024  # a response is < 4 KiB; a longer line means this is not an export
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


# --- reading an export ------------------------------------------------------------------------

_MANIFEST_TYPES: dict[str, tuple[type, ...]] = {
    "format_version": (int,), "kiosk_id": (str,), "store_id": (str,), "responses": (int,),
    "events": (int,), "last_seq": (int,), "head_hash": (str,), "acked_seq": (int,),
    "chain_ok": (bool,), "content_sha256": (str,), "first_seq": (int, type(None)),
    "store_created_at": (str, type(None)),
}


def _fail(path: Path, line: int | None, problem: str) -> TransferError:
    return TransferError(f"{path}{f' line {line}' if line else ''}: {problem}")


def _read_manifest(path: Path, raw: bytes) -> dict[str, Any]:
    if not raw:
        raise _fail(path, 1, "empty file, not a hailong kiosk export")
    if not raw.endswith(b"\n"):
        raise _fail(path, 1, "truncated or not a hailong kiosk export (no complete first line)")
    try:
        m = json.loads(raw)
    except ValueError:
        raise _fail(path, 1, "not a hailong kiosk export (the first line is not JSON)") from None
    if not (isinstance(m, dict) and m.get("record") == "manifest" and m.get("format") == FORMAT):
        raise _fail(path, 1, f"not a hailong kiosk export (no {FORMAT} manifest)")
    for key, types in _MANIFEST_TYPES.items():
        if key not in m:
            raise _fail(path, 1, f"manifest.{key}: missing")
        if not isinstance(m[key], types) or (int in types and isinstance(m[key], bool)
                                              and bool not in types):
            raise _fail(path, 1, f"manifest.{key}: wrong type {type(m[key]).__name__}")
    if m["format_version"] > FORMAT_VERSION:
        raise _fail(path, 1, f"written by a newer hailong (format {m['format_version']}): "
                             "update this kiosk's software first")
    if not m["chain_ok"]:
        raise _fail(path, 1, f"exported from a store whose chain is broken at seq "
                             f"{m.get('first_bad_seq')}: kept for investigation, not importable")
    if not 0 <= m["acked_seq"] <= m["last_seq"]:
        raise _fail(path, 1, f"manifest.acked_seq: {m['acked_seq']} is not within 0..last_seq")
    for key in ("head_hash", "content_sha256"):
        if not _HEX64.match(m[key]):
            raise _fail(path, 1, f"manifest.{key}: must be 64 lowercase hex digits")
    try:
        if str(uuid.UUID(m["store_id"])) != m["store_id"]:
            raise ValueError
    except ValueError:
        raise _fail(path, 1, f"manifest.store_id: {m['store_id'][:64]!r} is not a lowercase UUID") from None
    return m


def _check_dossier(obj: dict[str, Any], m: dict[str, Any], unacked: dict[int, str], last: int) -> None:
    """A dossier record names a response of the file the server had not acknowledged, by seq and
    uuid, once, in seq order; its code is one printable line of at most 64 characters."""
    seq, code = obj.get("seq"), obj.get("code")
    if not isinstance(seq, int) or isinstance(seq, bool) or not m["acked_seq"] < seq <= m["last_seq"]:
        raise ProtocolError(f"dossier.seq: {str(seq)[:20]!r} is not an unacknowledged seq of this file")
    if seq <= last:
        raise ProtocolError(f"dossier seq {seq}: twice, or not in seq order")
    if obj.get("uuid") != unacked.get(seq):
        raise ProtocolError(f"dossier seq {seq}.uuid: not the uuid of the response at that seq")
    if not (isinstance(code, str) and 0 < len(code) <= MAX_DOSSIER and code.isprintable()
            and code == code.strip()):
        raise ProtocolError(f"dossier seq {seq}.code: not a dossier code "
                            f"(1-{MAX_DOSSIER} printable characters)")


def read_export(path: Path, progress: Progress = no_progress,
                every: int = PROGRESS_EVERY) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ("manifest" | "response" | "event" | "roster" | "dossier", record), checking as it reads:
    every line whole and JSON, every response valid and chained from seq 1, every event
    well-formed; at the end counts, head and checksum against the manifest. Raises
    TransferError naming the file and line. Only a fully consumed iterator has checked it all."""
    try:
        f = open(path, "rb")
    except OSError as e:
        raise _fail(path, None, f"cannot open: {e.strerror or e}") from None
    with f:
        m = _read_manifest(path, f.readline(MAX_LINE))
        yield "manifest", m
        digest = hashlib.sha256()
        seq, prev = 0, GENESIS_HASH
        events = 0
        roster_seen = False
        unacked: dict[int, str] = {}  # seq -> uuid of the responses a dossier record may name
        dossier_seq, dossiers = 0, 0
        lineno = 1
        while raw := f.readline(MAX_LINE):
            lineno += 1
            if not raw.endswith(b"\n"):
                if len(raw) >= MAX_LINE:
                    raise _fail(path, lineno, "longer than 1 MiB: not a hailong kiosk export")
                raise _fail(path, lineno, "truncated (the last line is cut short: copy the file again)")
            digest.update(raw)
            try:
                obj = json.loads(raw)
            except ValueError:
                raise _fail(path, lineno, "not valid JSON (the file is damaged)") from None
            if not isinstance(obj, dict):
                raise _fail(path, lineno, "not a JSON object")
            record = obj.get("record")
            try:
                if dossiers and record != "dossier":
                    raise _fail(path, lineno, "a record after the dossier codes: not in export order")
                if record is None:
                    if events or roster_seen:
                        raise _fail(path, lineno, "a response after the events: not in export order")
                    validate_response(obj, "response")
                    if obj["store_id"] != m["store_id"]:
                        raise ProtocolError(f"response seq {obj['seq']}.store_id: {obj['store_id']!r} "
                                            f"is not the manifest's store {m['store_id']}")
                    seq, prev = verify_chain([obj], seq, prev)
                    if seq > m["acked_seq"]:
                        unacked[seq] = obj["uuid"]
                    if seq % every == 0:
                        progress(f"import: {seq} of {m['responses']} responses checked")
                    yield "response", obj
                elif record == "event":
                    if roster_seen:
                        raise _fail(path, lineno, "an event after the roster: not in export order")
                    validate_event(obj, "event")
                    events += 1
                    yield "event", obj
                elif record == "roster" and not roster_seen:
                    if not isinstance(obj.get("roster"), dict):
                        raise _fail(path, lineno, "roster: must be an object")
                    roster_seen = True
                    yield "roster", obj["roster"]
                elif record == "dossier":
                    _check_dossier(obj, m, unacked, dossier_seq)
                    dossier_seq, dossiers = obj["seq"], dossiers + 1
                    yield "dossier", obj
                else:
                    raise _fail(path, lineno, f"unexpected record {str(record)[:40]!r}")
            except (ProtocolError, EventError) as e:
                raise _fail(path, lineno, str(e)) from None
        end = f"the file ends at line {lineno}"
        if seq != m["responses"] or seq != m["last_seq"]:
            raise _fail(path, None, f"truncated or incomplete: the manifest lists {m['responses']} "
                                    f"responses up to seq {m['last_seq']}, the file has {seq} ({end})")
        if events != m["events"]:
            raise _fail(path, None, f"truncated or incomplete: the manifest lists {m['events']} events, "
                                    f"the file has {events} ({end})")
        if dossiers != m.get("dossiers", 0):
            raise _fail(path, None, f"truncated or incomplete: the manifest lists {m.get('dossiers', 0)} "
                                    f"dossier codes, the file has {dossiers} ({end})")
        if prev != m["head_hash"]:
            raise _fail(path, None, f"the last response (seq {seq}) is not the manifest's head_hash")
        if digest.hexdigest() != m["content_sha256"]:
            raise _fail(path, None, "content checksum does not match the manifest: the file was "
                                    "changed or damaged")


# --- import -----------------------------------------------------------------------------------

@dataclass
class ImportResult:
    path: Path
    store_id: str
    last_seq: int
    responses_added: int = 0
    events_added: int = 0
    dossiers_added: int = 0  # codes the server had not acknowledged, sent at the next pull
    acked_seq: int = 0
    acked_restored: bool = False
    adopted_identity: bool = False
    roster_restored: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.responses_added or self.events_added or self.dossiers_added or self.acked_restored
                    or self.adopted_identity or self.roster_restored)

    def line(self) -> str:
        if not self.changed:
            return (f"nothing to do: this store ({self.store_id}) already holds everything in "
                    f"{self.path} (seq 1..{self.last_seq})")
        codes = f" and {self.dossiers_added} dossier codes" if self.dossiers_added else ""
        return (f"imported {self.responses_added} responses and {self.events_added} events{codes} from "
                f"{self.path}: store {self.store_id} now ends at seq {self.last_seq}, "
                f"acked {self.acked_seq}")


def import_file(path: Path | str, db_path: Path | str, kiosk_id: str, *,
                force_kiosk_id: bool = False, progress: Progress = no_progress,
                every: int = PROGRESS_EVERY) -> ImportResult:
    """Merge an export into the store at `db_path` (created if missing), keeping its store_id
    and seq chain. Refuses (TransferError) before writing anything when the file is damaged
    or belongs elsewhere; importing the same file again changes nothing."""
    path, db_path = Path(path), Path(db_path)
    # Cheap checks first (the manifest), then the whole file, then the store.
    reader = read_export(path)
    _, m = next(reader)
    reader.close()
    if m["kiosk_id"] != kiosk_id and not force_kiosk_id:
        raise TransferError(f"{path}: exported by kiosk {m['kiosk_id']!r}, but this kiosk is "
                            f"{kiosk_id!r} ([kiosk] id in its config); --force-kiosk-id imports anyway")
    store = Store(db_path, kiosk_id) if db_path.exists() else None
    try:
        if store is not None:
            _check_target(store, m, path)
        probe = store.head()[0] if store is not None else 0
        probe_hash = _scan(path, probe, progress, every)
        if store is None:  # created only now that the file is known to be good
            store = Store(db_path, kiosk_id)
        return _merge(store, path, m, probe, probe_hash, progress, every)
    finally:
        if store is not None:
            store.close()


def _check_target(store: Store, m: dict[str, Any], path: Path) -> None:
    last, _ = store.head()
    if last == 0:
        return
    if store.store_id != m["store_id"]:
        raise TransferError(f"this kiosk's store {store.store_id} already holds {last} responses, "
                            f"{path} is store {m['store_id']}: import only into a fresh store "
                            "(docs/reimaging.md)")
    check = store.verify()
    if not check.ok:
        raise TransferError(f"this kiosk's own store is broken at seq {check.first_bad_seq} "
                            f"({check.problem}): nothing imported")
    if last > m["last_seq"] and store.hash_at(m["last_seq"]) != m["head_hash"]:
        raise TransferError(f"{path} does not match this store at seq {m['last_seq']}: the two "
                            "have diverged; nothing imported")


def _scan(path: Path, probe: int, progress: Progress, every: int) -> str | None:
    """Pass 1, read-only: check the whole file; return the file's hash at seq `probe`."""
    found = GENESIS_HASH if probe == 0 else None
    for kind, obj in read_export(path, progress, every):
        if kind == "response" and obj["seq"] == probe:
            found = obj["hash"]
    return found


def _merge(store: Store, path: Path, m: dict[str, Any], probe: int, probe_hash: str | None,
           progress: Progress, every: int) -> ImportResult:
    head = store.head()
    if head[0] != probe:
        raise TransferError("the store changed during the import (is the kiosk running?); try again")
    if head[0] <= m["last_seq"] and probe_hash != head[1]:
        raise TransferError(f"{path} does not match this store at seq {head[0]}: the two have "
                            "diverged; nothing imported")
    result = ImportResult(path, m["store_id"], max(head[0], m["last_seq"]))
    roster: dict[str, Any] | None = None
    dossiers: list[dict[str, Any]] = []
    with store.transaction():
        if store.head() != head:
            raise TransferError("the store changed during the import (is the kiosk running?); try again")
        if head[0] == 0 and store.store_id != m["store_id"]:
            store.adopt_identity(m["store_id"], m["store_created_at"])
            result.adopted_identity = True
        known_events = store.event_uuids()
        records = read_export(path)  # pass 2 checks everything again while writing
        if next(records)[1] != m:
            raise TransferError(f"{path} changed during the import; nothing imported")
        for kind, obj in records:
            if kind == "response" and obj["seq"] > head[0]:
                try:
                    store.restore_response(obj)  # checks the link again, against the store itself
                except ProtocolError as e:
                    raise TransferError(f"{path}: {e}; nothing imported") from None
                result.responses_added += 1
                if result.responses_added % every == 0:
                    progress(f"import: {result.responses_added} responses written")
            elif kind == "event" and obj["uuid"] not in known_events:
                store.restore_event(obj)
                known_events.add(obj["uuid"])
                result.events_added += 1
            elif kind == "roster":
                roster = obj
            elif kind == "dossier":
                dossiers.append(obj)
        if m["acked_seq"] > store.acked_seq():
            store.ack(m["acked_seq"])
            result.acked_restored = True
        result.acked_seq = store.acked_seq()
        result.dossiers_added = _restore_dossiers(store, dossiers)
        result.roster_restored = _restore_roster(store, roster, result)
        if result.changed:
            store.log_event("import", file=path.name, store_id=m["store_id"], from_kiosk=m["kiosk_id"],
                            responses_added=result.responses_added, events_added=result.events_added,
                            dossiers_added=result.dossiers_added,
                            last_seq=result.last_seq, acked_seq=result.acked_seq,
                            content_sha256=m["content_sha256"])
    return result


def _restore_dossiers(store: Store, dossiers: list[dict[str, Any]]) -> int:
    """The codes still waiting for the server, beside their responses as before the re-imaging;
    none the store (or the server, through its ack) already holds. Inside the import's
    transaction, so they go in with the responses or not at all."""
    added = 0
    for d in dossiers:
        if d["seq"] > store.acked_seq():
            cursor = store.db.execute_sql(
                "INSERT OR IGNORE INTO dossier_link (seq, uuid, code) VALUES (?, ?, ?)",
                (d["seq"], d["uuid"], d["code"]))
            added += cursor.rowcount
    return added


def _restore_roster(store: Store, roster: dict[str, Any] | None, result: ImportResult) -> int | None:
    """The exported roster, unless this store already has the same or a newer one: the kiosk
    shows the right officers at once, before the server pushes again."""
    if roster is None:
        return None
    current = store.roster()
    if current is not None and current.get("version", 0) >= roster.get("version", 0):
        return None
    try:
        validate_roster(roster)
    except ProtocolError as e:
        result.notes.append(f"the roster in the file was not restored ({e}); the server will push one")
        return None
    store.save_roster(roster)
    return int(roster["version"])
